"""`sitegen check` is the build without publishing: it renders every page in memory and runs
every output guard, so nothing it passes fails in `build` for a content reason. Problems found
by rendering are reported at the content or template line that caused them, in the same run as
every other problem, and check reads the cache without writing anything."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.builder import BuildOptions, check
from sitegen.cli import main
from sitekit import Project


def errors(report: object) -> list[tuple[str, int, str]]:
    return sorted((d.path, d.line, d.code) for d in report.diagnostics if d.severity == "error")  # type: ignore[attr-defined]


def tree(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under root with its size and modification time: to prove nothing was written.

    SQLite's shared-memory index files (-shm, -wal) are left out: a read-only reader of a
    database in WAL mode creates them empty, and the database file itself must be unchanged.
    """
    found = {}
    for folder, _, names in os.walk(root):
        for name in names:
            if name.endswith(("-shm", "-wal")):
                continue
            info = os.stat(os.path.join(folder, name))
            found[os.path.relpath(os.path.join(folder, name), root)] = (info.st_size, info.st_mtime_ns)
    return found


def test_template_text_in_prose_fails_check_at_its_line_and_code_keeps_it(project: Project) -> None:
    project.publication(
        "x",
        body="First line.\n\nSecond line.\n\nIt is written like {{ name }} here.\n\n"
        "As code it is fine: `{{ name }}`.\n",
    )
    report = project.check()
    assert errors(report) == [("content/publications/2020/x.md", 12, "template-syntax")]
    assert '"{{ name }}"' in report.diagnostics[0].message and "backticks" in report.diagnostics[0].hint
    assert errors(project.build()) == errors(report)  # the build says the same, at the same line


def test_template_text_in_a_title_is_reported_at_the_title_line_once(project: Project) -> None:
    project.publication("x", title="The {% raw %} report")
    project.publication("y")
    report = project.check()
    # Reported at the field, not again for the library, component and type listings that show it.
    assert errors(report) == [("content/publications/2020/x.md", 2, "template-syntax")]


def test_a_template_typo_fails_check_at_the_template_line(project: Project) -> None:
    project.publication("x")
    template = project.root / "templates/publication.html"
    text = template.read_text()
    assert "<h1>{{ pub.title }}</h1>" in text
    template.write_text(text.replace("<h1>{{ pub.title }}</h1>", "<h1>{{ titl }}</h1>"))
    line = template.read_text().splitlines().index("  <h1>{{ titl }}</h1>") + 1
    report = project.check()
    assert errors(report) == [("templates/publication.html", line, "template-error")]
    assert "'titl' is undefined" in report.diagnostics[0].message


def test_a_template_typo_has_its_line_when_the_project_is_a_relative_path(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.publication("x")
    template = project.root / "templates/publication.html"
    template.write_text(template.read_text().replace("<h1>{{ pub.title }}</h1>", "<h1>{{ titl }}</h1>"))
    monkeypatch.chdir(project.root)
    report = check(BuildOptions(project=Path(".")))
    [(path, line, code)] = errors(report)
    assert (path, code) == ("templates/publication.html", "template-error") and line > 0


def test_a_guard_finding_from_a_template_is_the_templates_with_the_page_it_breaks(project: Project) -> None:
    project.publication("x")
    template = project.root / "templates/publication.html"
    template.write_text(template.read_text().replace("<h1>{{ pub.title }}</h1>", "<h1>{{ '' }}</h1>"))
    report = project.check()
    [problem] = [d for d in report.diagnostics if d.severity == "error"]
    assert problem.path == "templates/publication.html" and problem.code == "output-guard"
    assert "<h1> is empty" in problem.message and "publications/x/index.html" in problem.hint


def test_a_guard_finding_from_content_is_at_the_content_line(project: Project) -> None:
    project.publication("x", body='Intro.\n\n<p>See <a href="https://www.example.com/a">the page</a></p>\n')
    # An external link that reaches <main> unmarked (here: raw HTML with its own attributes is
    # rewritten by the renderer, so force the template to drop the marking instead).
    render = project.root / "templates/publication.html"
    assert "{{ body }}" in render.read_text()
    render.write_text(render.read_text().replace("{{ body }}", "{{ body|replace('usa-link--external', '') }}"))
    report = project.check()
    [problem] = [d for d in report.diagnostics if d.severity == "error"]
    assert (problem.path, problem.line, problem.code) == ("content/publications/2020/x.md", 10, "output-guard")
    assert "https://www.example.com/a" in problem.message


def test_check_writes_nothing_and_reuses_the_cache_read_only(project: Project) -> None:
    for number in range(3):
        project.publication(f"p{number}")
    cold = project.check()
    assert cold.ok and cold.parsed == 2 + 2 + 3  # components, pages, publications
    assert not (project.root / ".sitegen-cache").exists() and not project.out.exists()
    assert project.build().ok
    before = tree(project.root)
    warm = project.check()
    assert warm.ok and warm.parsed == 0, "check parses nothing the cache already has"
    assert warm.rendered == 0, "pages the last build rendered and guarded with the same inputs"
    assert tree(project.root) == before, "check changed the project or its cache"
    project.publication("p1", body="An edited body with a [broken link](nope.md).")
    edited = project.check()
    assert edited.parsed == 1 and errors(edited) == [("content/publications/2020/p1.md", 8, "broken-link")]
    project.publication("p1")
    project.publication("p2", body="A new body {{ here }}.")
    assert errors(project.check()) == [("content/publications/2020/p2.md", 8, "template-syntax")]
    template = project.root / "templates/publication.html"
    template.write_text(template.read_text().replace("<h1>{{ pub.title }}</h1>", "<h1>{{ titl }}</h1>"))
    project.publication("p2")
    typo = project.check()
    assert [d.code for d in typo.diagnostics] == ["template-error"] and typo.rendered >= 3
    assert tree(project.root).keys() == before.keys()


def test_check_renders_every_page(project: Project) -> None:
    for number in range(3):
        project.publication(f"p{number}")
    seen: list[tuple[int, int]] = []
    report = check(BuildOptions(project=project.root, jobs=1), lambda done, total: seen.append((done, total)))
    pages = sum(1 for path in project.out.rglob("*.html")) if project.out.exists() else None
    assert report.ok and pages is None
    built = project.build()
    html = sum(1 for _ in project.out.rglob("*.html"))
    assert seen and seen[-1][0] == seen[-1][1] >= html - 1  # every page but the search page's own file
    assert built.ok


def test_the_cli_says_how_much_it_checked(project: Project) -> None:
    project.publication("x")
    result = CliRunner().invoke(main, ["check", str(project.root)])
    assert result.exit_code == 0, result.output
    assert "No problems found in 1 publications" in result.output and "rendered or checked" in result.output
