"""One `check` run reports every problem of every file: none hides another."""

from __future__ import annotations

from click.testing import CliRunner

from sitegen.cli import main
from sitekit import Project


def problems(project: Project) -> list[tuple[str, int, str]]:
    report = project.check()
    return sorted((d.path, d.line, d.code) for d in report.diagnostics if d.severity == "error")


def test_one_file_with_six_kinds_of_problem_reports_all_of_them(project: Project) -> None:
    project.raw_publication(
        "2020/x.md",
        """
        ---
        title: Six kinds of problem
        date: 2020-01-01
        component: icee
        type: fact-sheet
        summary: A summary.
        ---
        An image without alt text: ![](../../files/chart.png)

        A [link to nowhere](../2019/missing.md).

        And ![a missing image](../../files/missing.png).

        It is written like {{ name }} in prose.

        #### A heading that skips levels

        And [](https://www.dhs.gov/) is an empty link.
        """,
    )
    (project.root / "content/files").mkdir(parents=True, exist_ok=True)
    (project.root / "content/files/chart.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    source = "content/publications/2020/x.md"
    expected = [
        (source, 4, "unknown-component"),
        (source, 8, "image-without-alt"),
        (source, 10, "broken-link"),
        (source, 12, "broken-link"),
        (source, 14, "template-syntax"),
        (source, 16, "heading-skip"),
        (source, 18, "empty-link"),
    ]
    assert problems(project) == expected
    result = CliRunner().invoke(main, ["check", str(project.root)])  # what the contributor reads
    assert result.exit_code == 1
    for _, line, _ in expected:
        assert f"{source}:{line}: " in result.output
    assert "7 errors." in result.output


def test_link_errors_show_while_another_file_has_front_matter_errors(project: Project) -> None:
    project.raw_publication(
        "2020/bad.md",
        """
        ---
        title: Missing its date
        component: ice
        type: fact-sheet
        summary: A summary.
        ---
        Body.
        """,
    )
    project.publication("good", body="See [this](../2019/nowhere.md) and [that](bad.md).")
    found = problems(project)
    assert ("content/publications/2020/bad.md", 1, "missing-field") in {(p, 1, c) for p, _, c in found}
    broken = [(path, code) for path, _, code in found if code == "broken-link"]
    assert broken == [("content/publications/2020/good.md", "broken-link")]  # not the link to the broken file


def test_a_link_to_a_file_with_body_errors_is_not_reported_twice(project: Project) -> None:
    project.publication("target", folder="2020", body="Bad <script>x</script> body.")
    project.publication("source", folder="2020", body="See [the target](target.md).")
    found = problems(project)
    assert [code for _, _, code in found] == ["html-tag"]


def test_an_unwritable_cache_is_a_diagnostic_not_a_traceback(project: Project) -> None:
    """Root ignores file modes, so the cache folder is made impossible: a file stands in its place."""
    from click.testing import CliRunner

    from sitegen.cli import main

    project.publication("one")
    (project.root / ".sitegen-cache").write_text("a file where the cache folder should be")
    result = CliRunner().invoke(main, ["build", str(project.root), "--no-search"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and isinstance(result.exception, (SystemExit, type(None)))
    assert "the cache folder cannot be written" in result.output
