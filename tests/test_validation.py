"""One broken project per kind of content error: the build fails with the exact code, file and line.

Each file is written out in full, so the line a diagnostic must name can be read off the test.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from sitegen.builder import BuildReport
from sitekit import Project

PATH = "content/publications/2020/x.md"


def errors(report: BuildReport) -> list[tuple[str, int, str]]:
    return [(d.path, d.line, d.code) for d in report.diagnostics if d.severity == "error"]


def message(report: BuildReport, code: str) -> str:
    return next(d.message for d in report.diagnostics if d.code == code)


def broken(project: Project, text: str, name: str = "2020/x.md") -> BuildReport:
    project.raw_publication(name, text)
    report = project.build()
    assert report.ok is False
    assert not project.out.exists(), "a failed first build must not create the output folder"
    return report


def test_missing_required_field(project: Project) -> None:
    report = broken(
        project,
        """
        ---
        title: A title
        date: 2020-01-01
        component: ice
        type: fact-sheet
        ---
        Body.
        """,
    )
    assert errors(report) == [(PATH, 2, "missing-field")]
    assert '"summary"' in message(report, "missing-field")


def test_list_where_text_belongs(project: Project) -> None:
    report = broken(
        project,
        """
        ---
        date: 2020-01-01
        component: ice
        title: [First part, second part]
        type: fact-sheet
        summary: A summary.
        ---
        Body.
        """,
    )
    assert errors(report) == [(PATH, 4, "wrong-type")]
    assert '"title"' in message(report, "wrong-type")


def test_text_where_a_list_belongs(project: Project) -> None:
    report = broken(
        project,
        """
        ---
        title: A title
        date: 2020-01-01
        component: ice
        type: fact-sheet
        topics: privacy
        summary: A summary.
        ---
        Body.
        """,
    )
    assert errors(report) == [(PATH, 6, "wrong-type")]
    assert '"topics"' in message(report, "wrong-type")


def test_yaml_boolean_where_text_belongs(project: Project) -> None:
    report = broken(
        project,
        """
        ---
        date: 2020-01-01
        title: no
        component: ice
        type: fact-sheet
        summary: A summary.
        ---
        Body.
        """,
    )
    assert errors(report) == [(PATH, 3, "wrong-type")]
    assert "false" in message(report, "wrong-type")


def test_unknown_field_with_did_you_mean(project: Project) -> None:
    report = broken(
        project,
        """
        ---
        title: A title
        date: 2020-01-01
        component: ice
        type: fact-sheet
        summary: A summary.
        titel: A typo
        ---
        Body.
        """,
    )
    assert errors(report) == [(PATH, 7, "unknown-field")]
    assert 'did you mean "title"' in message(report, "unknown-field")


def test_date_that_does_not_exist(project: Project) -> None:
    report = broken(
        project,
        """
        ---
        title: A title
        component: ice
        date: 2019-02-30
        type: fact-sheet
        summary: A summary.
        ---
        Body.
        """,
    )
    assert errors(report) == [(PATH, 4, "bad-date")]
    assert "2019-02-30" in message(report, "bad-date")


def test_unknown_component_with_did_you_mean(project: Project) -> None:
    report = broken(
        project,
        """
        ---
        title: A title
        date: 2020-01-01
        type: fact-sheet
        component: icee
        summary: A summary.
        ---
        Body.
        """,
    )
    assert errors(report) == [(PATH, 5, "unknown-component")]
    assert 'unknown component "icee"' in message(report, "unknown-component")
    assert 'did you mean "ice"' in message(report, "unknown-component")


def test_unknown_type(project: Project) -> None:
    report = broken(
        project,
        """
        ---
        title: A title
        date: 2020-01-01
        component: ice
        summary: A summary.
        type: factsheet
        ---
        Body.
        """,
    )
    assert errors(report) == [(PATH, 6, "unknown-type")]
    assert 'did you mean "fact-sheet"' in message(report, "unknown-type")


def test_unknown_topic(project: Project) -> None:
    report = broken(
        project,
        """
        ---
        title: A title
        date: 2020-01-01
        component: ice
        type: fact-sheet
        summary: A summary.
        topics: [privacy, weather]
        ---
        Body.
        """,
    )
    assert errors(report) == [(PATH, 7, "unknown-topic")]
    assert '"weather"' in message(report, "unknown-topic")


def test_duplicate_slug(project: Project) -> None:
    project.publication("shared", date="2020-01-01")
    report = broken(
        project,
        """
        ---
        title: Another title
        date: 2021-01-01
        component: ice
        type: fact-sheet
        summary: A summary.
        slug: shared
        ---
        Body.
        """,
        name="2021/other.md",
    )
    assert errors(report) == [("content/publications/2021/other.md", 7, "duplicate-slug")]
    assert "content/publications/2020/shared.md" in message(report, "duplicate-slug")


@pytest.mark.parametrize("slug", ["page", "component", "type", "topic", "year", "feed"])
def test_reserved_slug(project: Project, slug: str) -> None:
    report = broken(
        project,
        f"""
        ---
        title: A title
        date: 2020-01-01
        component: ice
        slug: {slug}
        type: fact-sheet
        summary: A summary.
        ---
        Body.
        """,
    )
    assert errors(report) == [(PATH, 5, "reserved-slug")]


def test_reserved_slug_from_the_file_name(project: Project) -> None:
    project.publication("page", date="2020-01-01")
    report = project.build()
    assert report.ok is False
    assert errors(report) == [("content/publications/2020/page.md", 1, "reserved-slug")]


def test_missing_attachment_file(project: Project) -> None:
    project.write("content/files/present.pdf", "%PDF-")
    report = broken(
        project,
        """
        ---
        title: A title
        date: 2020-01-01
        component: ice
        type: fact-sheet
        summary: A summary.
        attachments:
          - title: Present
            file: files/present.pdf
          - title: Missing
            file: files/missing.pdf
        ---
        Body.
        """,
    )
    assert errors(report) == [(PATH, 11, "missing-attachment")]
    assert "files/missing.pdf" in message(report, "missing-attachment")


def test_broken_relative_link_in_body(project: Project) -> None:
    project.publication("other", date="2019-01-01")
    report = broken(
        project,
        """
        ---
        title: A title
        date: 2020-01-01
        component: ice
        type: fact-sheet
        summary: A summary.
        ---
        First paragraph links to [a real one](../2019/other.md).

        Second paragraph links to [a missing one](../2019/missing.md).
        """,
    )
    assert errors(report) == [(PATH, 10, "broken-link")]
    assert "missing.md" in message(report, "broken-link")


def test_malformed_yaml(project: Project) -> None:
    report = broken(
        project,
        """
        ---
        title: A title
        date: 2020-01-01
        component: ice
        summary: The Parole Unit: a summary with an unquoted colon
        type: fact-sheet
        ---
        Body.
        """,
    )
    assert errors(report) == [(PATH, 5, "yaml-syntax")]


def test_malformed_yaml_unclosed_quote_names_the_line_of_the_quote(project: Project) -> None:
    report = broken(
        project,
        """
        ---
        title: A title
        summary: "The Parole Unit
        date: 2020-01-01
        component: ice
        type: fact-sheet
        ---
        Body.
        """,
    )
    assert errors(report) == [(PATH, 3, "yaml-syntax")]


def test_front_matter_not_closed(project: Project) -> None:
    report = broken(
        project,
        """
        ---
        title: A title
        date: 2020-01-01
        component: ice
        type: fact-sheet
        summary: A summary.
        Body without the closing line.
        """,
    )
    assert errors(report) == [(PATH, 1, "front-matter-unclosed")]


def test_empty_file(project: Project) -> None:
    report = broken(project, "")
    assert errors(report) == [(PATH, 1, "empty-file")]


def test_bytes_that_are_not_utf8(project: Project) -> None:
    path = project.root / PATH
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        b"---\ntitle: A title\ndate: 2020-01-01\ncomponent: ice\ntype: fact-sheet\n"
        + b"summary: Caf\xe9 in Windows-1252\n---\nBody.\n"
    )
    report = project.build()
    assert report.ok is False
    assert errors(report) == [(PATH, 6, "not-utf8")]


def test_script_in_body_is_an_error(project: Project) -> None:
    report = broken(
        project,
        """
        ---
        title: A title
        date: 2020-01-01
        component: ice
        type: fact-sheet
        summary: A summary.
        ---
        A paragraph.

        <script>alert("owned")</script>
        """,
    )
    assert errors(report) == [(PATH, 10, "html-tag")]


def test_script_in_a_fenced_code_block_is_text(project: Project) -> None:
    project.raw_publication(
        "2020/x.md",
        """
        ---
        title: A title
        date: 2020-01-01
        component: ice
        type: fact-sheet
        summary: A summary.
        ---
        How not to embed a script:

        ```html
        <script>alert("owned")</script>
        ```
        """,
    )
    report = project.build()
    assert report.ok, [d.text() for d in report.diagnostics]
    root = lxml.html.document_fromstring(project.html("/publications/x/"))
    body = root.xpath("//*[contains(@class, 'publication-body')]")[0]
    assert not body.xpath(".//script")
    assert '<script>alert("owned")</script>' in body.xpath(".//pre/code")[0].text_content()


def test_all_problems_of_a_run_are_reported_together(project: Project) -> None:
    project.publication("fine", date="2020-01-01")
    project.raw_publication(
        "2020/a.md",
        """
        ---
        title: A title
        date: 2019-02-30
        component: ice
        type: fact-sheet
        summary: A summary.
        ---
        """,
    )
    project.raw_publication(
        "2020/b.md",
        """
        ---
        title: A title
        date: 2020-01-01
        component: ice
        type: fact-sheet
        summary: A summary.
        titel: typo
        ---
        """,
    )
    project.raw_publication("2020/c.md", "")
    report = project.build()
    assert report.ok is False
    assert errors(report) == [
        ("content/publications/2020/a.md", 3, "bad-date"),
        ("content/publications/2020/b.md", 7, "unknown-field"),
        ("content/publications/2020/c.md", 1, "empty-file"),
    ]
    assert [d.text().split(": ", 1)[0] for d in report.diagnostics] == [
        "content/publications/2020/a.md:3",
        "content/publications/2020/b.md:7",
        "content/publications/2020/c.md:1",
    ]


def test_errors_of_different_stages_are_reported_together(project: Project) -> None:
    """A file that does not load does not hide the cross-file errors of the others."""
    project.raw_publication("2020/a.md", "")
    project.publication("b", component="icee")
    project.publication("c", type="factsheet")
    report = project.build()
    assert report.ok is False
    assert errors(report) == [
        ("content/publications/2020/a.md", 1, "empty-file"),
        ("content/publications/2020/b.md", 4, "unknown-component"),
        ("content/publications/2020/c.md", 5, "unknown-type"),
    ]


def snapshot(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("breakage", ["malformed-yaml", "unknown-component", "broken-link"])
def test_failed_build_leaves_the_previous_site_untouched(project: Project, breakage: str) -> None:
    project.publication("kept", date="2020-01-01", summary="The first summary.")
    project.publication("other", date="2019-01-01")
    assert project.build().ok
    before = snapshot(project.out)
    mtimes = {p: p.stat().st_mtime_ns for p in project.out.rglob("*") if p.is_file()}

    if breakage == "malformed-yaml":
        project.raw_publication("2020/kept.md", "---\ntitle: [unclosed\n---\nBody.\n")
    elif breakage == "unknown-component":
        project.publication("kept", date="2020-01-01", component="icee", summary="A changed summary.")
    else:
        project.publication("kept", date="2020-01-01", summary="A changed summary.", body="See [x](../2019/gone.md).")
    project.publication("new-one", date="2021-01-01")  # a valid change in the same failed run
    report = project.build()
    assert report.ok is False

    assert snapshot(project.out) == before
    assert {p: p.stat().st_mtime_ns for p in project.out.rglob("*") if p.is_file()} == mtimes
    assert not list(project.out.parent.glob(".*sitegen-staging*")), "staging debris left behind"


@pytest.mark.parametrize(
    "name, fixed",
    [
        ("new-fact-sheet.MD", "new-fact-sheet.md"),
        ("other.markdown", "other.md"),
        ("third.md.txt", "third.md"),
    ],
)
def test_a_misnamed_publication_file_is_an_error_naming_its_right_name(project: Project, name: str, fixed: str) -> None:
    project.write(f"content/publications/2020/{name}", "---\ntitle: T\n---\nBody\n")
    report = project.build()
    assert not report.ok
    problems = [d for d in report.diagnostics if d.path == f"content/publications/2020/{name}"]
    assert [d.code for d in problems] == ["misnamed-file"]
    assert problems[0].severity == "error" and f"content/publications/2020/{fixed}" in problems[0].hint


def test_a_stray_file_among_publications_is_an_error(project: Project) -> None:
    project.write("content/publications/2020/report.pdf", "%PDF-1.4")
    project.write("content/components/extra/notes.md", "---\nname: X\n---\n")
    report = project.build()
    assert not report.ok
    codes = {d.path: d.code for d in report.diagnostics}
    assert codes["content/publications/2020/report.pdf"] == "misplaced-file"
    assert codes["content/components/extra/notes.md"] == "misplaced-file"
