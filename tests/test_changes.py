"""`sitegen diff`: the change report lists exactly what an edit changes, and nothing else."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.changes import ChangeReport, classify, compare, site_path
from sitegen.cli import main
from sitegen.output import MARKER
from sitekit import Project


def populate(project: Project) -> None:
    project.publication(
        "edited",
        title="Body Worn Cameras",
        date="2020-05-01",
        component="ice",
        type="fact-sheet",
        topics=["privacy"],
        aliases=["/publication/edited-old"],
    )
    project.publication("other-ice", date="2019-03-01", component="ice", type="report", topics=["immigration"])
    project.publication("cbp-one", date="2021-07-01", component="cbp", type="fact-sheet", topics=["immigration"])


def build(project: Project, out: Path) -> Path:
    report = project.build(out=out)
    assert report.ok, [d.text() for d in report.diagnostics]
    return out


@pytest.fixture
def edited(project: Project, tmp_path: Path) -> tuple[ChangeReport, Path, Path]:
    """Two builds that differ by the title of one publication."""
    populate(project)
    old = build(project, tmp_path / "old")
    project.publication(
        "edited",
        title="Body Worn Camera Program",
        date="2020-05-01",
        component="ice",
        type="fact-sheet",
        topics=["privacy"],
        aliases=["/publication/edited-old"],
    )
    new = build(project, tmp_path / "new")
    return compare(old, new), old, new


def paths(changes: list) -> list[str]:
    return [change.path for change in changes]


def shows_title(folder: Path, title: bytes) -> set[str]:
    """Site paths of the files that show a title (the search index is compressed: not searched)."""
    return {
        site_path(path.relative_to(folder).as_posix())
        for path in folder.rglob("*")
        if path.is_file() and title in path.read_bytes() and "pagefind" not in path.parts
    }


def test_one_edited_publication_lists_that_page_and_its_listings_and_feeds(
    edited: tuple[ChangeReport, Path, Path],
) -> None:
    report, old, _new = edited
    # Exactly the files that showed the old title changed, and nothing else.
    changed = {change.path for change in report.changed if change.kind != "search-index"}
    assert changed == shows_title(old, b"Body Worn Cameras")
    assert {change.kind for change in report.added + report.removed} <= {"search-index"}
    by_kind: dict[str, set[str]] = {}
    for change in report.changed:
        by_kind.setdefault(change.kind, set()).add(change.path)
    assert "/publications/edited/" in by_kind["publication"]
    assert next(c for c in report.changed if c.path == "/publications/edited/").title == "Body Worn Camera Program"
    # Home (newest publications), the library, and the edited publication's component, type,
    # topic and year pages; not cbp, report, immigration, 2019 or 2021, which do not show it.
    assert {
        "/",
        "/publications/",
        "/publications/component/ice/",
        "/publications/topic/privacy/",
        "/publications/type/fact-sheet/",
        "/publications/year/2020/",
    } <= by_kind["listing"]
    assert {"/feed.xml", "/publications/component/ice/feed.xml"} <= by_kind["feed"]
    assert by_kind["redirect"] == {"/publication/edited-old/"}
    assert "/publications/index.json" in by_kind["data"]
    for path in (
        "/publications/component/cbp/",
        "/publications/type/report/",
        "/publications/topic/immigration/",
        "/publications/year/2019/",
        "/publications/year/2021/",
        "/publications/other-ice/",
        "/publications/cbp-one/",
        "/publications/component/cbp/feed.xml",
        "/about/",
    ):
        assert path not in changed, path
    counts = report.counts()["changed"]
    assert report.summary().startswith(
        f"1 publication changed, {counts['listing']} listings changed, {counts['feed']} feeds changed, "
    )


def test_markdown_report(edited: tuple[ChangeReport, Path, Path]) -> None:
    report, _old, _new = edited
    text = report.to_markdown()
    assert text.startswith("## Changes to the built site\n\n1 publication changed, ")
    assert f"### Changed ({len(report.changed)})" in text
    assert "- `/publications/edited/`: Body Worn Camera Program\n" in text
    assert "- `/publication/edited-old/` → `/library/publications/edited/`\n" in text
    assert "- `/publications/component/ice/`\n" in text
    assert "cbp" not in text and "other-ice" not in text


def test_report_is_deterministic(edited: tuple[ChangeReport, Path, Path]) -> None:
    report, old, new = edited
    again = compare(old, new)
    assert again.to_markdown() == report.to_markdown() and again.to_json() == report.to_json()


def test_identical_builds_and_the_marker(project: Project, tmp_path: Path) -> None:
    populate(project)
    first = build(project, tmp_path / "first")
    second = build(project, tmp_path / "second")
    report = compare(first, second)
    # Pagefind 1.5.2 writes its filter index in no fixed order, so the search index may differ
    # between two builds of the same content; everything else must be byte-identical.
    assert [c for _name, items in report.sections() for c in items if c.kind != "search-index"] == []
    assert report.unchanged > 20
    # The output marker is not part of the site: a copy without it is the same site.
    copy = tmp_path / "copy"
    shutil.copytree(first, copy)
    (copy / MARKER).unlink()
    same = compare(first, copy)
    assert same.empty and same.summary() == "No changes: both builds are identical."
    assert same.to_markdown().endswith(f"{same.unchanged:,} files compared.\n")


def test_added_and_removed_publications(project: Project, tmp_path: Path) -> None:
    populate(project)
    old = build(project, tmp_path / "old")
    (project.root / "content/publications/2019/other-ice.md").unlink()
    project.publication("brand-new", title="A New Report", date="2023-01-02", component="cbp", type="report")
    new = build(project, tmp_path / "new")
    report = compare(old, new)
    added = {(c.kind, c.path, c.title) for c in report.added}
    removed = {(c.kind, c.path, c.title) for c in report.removed}
    assert ("publication", "/publications/brand-new/", "A New Report") in added
    assert ("listing", "/publications/year/2023/", "") in added
    assert ("publication", "/publications/other-ice/", "Publication other-ice") in removed  # title of the old page
    assert ("listing", "/publications/year/2019/", "") in removed
    summary = report.summary()
    assert "1 publication added" in summary and "1 publication removed" in summary
    text = report.to_markdown()
    assert text.index("### Added") < text.index("### Removed") < text.index("### Changed")


def test_long_lists_are_capped_in_markdown_not_in_json(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    for n in range(250):
        for root, text in ((old, "old"), (new, "new")):
            page = root / "publications" / f"p{n:03d}" / "index.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(f"<title>P {n} | Library</title>{text}")
    report = compare(old, new)
    text = report.to_markdown(limit=200)
    assert text.count("\n- `/publications/p") == 200
    assert "- … and 50 more\n" in text
    assert len(json.loads(report.to_json())["changed"]) == 250


def test_titles_cannot_inject_markdown(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    page = new / "publications" / "x" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text("<title>[click](javascript:alert(1)) &lt;img src=x&gt; @octocat *bold* | Library</title>")
    line = next(line for line in compare(old, new).to_markdown().splitlines() if "/publications/x/" in line)
    assert line == (
        "- `/publications/x/`: \\[click\\]\\(javascript:alert\\(1\\)\\) &lt;img src=x&gt; @&#8203;octocat \\*bold\\*"
    )


@pytest.mark.parametrize(
    ("relative", "kind"),
    [
        ("index.html", "listing"),
        ("publications/index.html", "listing"),
        ("publications/page/12/index.html", "listing"),
        ("publications/component/ice/index.html", "listing"),
        ("publications/year/2019/page/2/index.html", "listing"),
        ("publications/dhs-ice-pia-049/index.html", "publication"),
        ("about/index.html", "page"),
        ("search/index.html", "page"),
        ("404.html", "page"),
        ("feed.xml", "feed"),
        ("publications/component/ice/feed.xml", "feed"),
        ("sitemap.xml", "data"),
        ("robots.txt", "data"),
        ("publications/index.json", "data"),
        ("_redirects", "data"),
        ("assets/uswds-7790aa7d99/css/uswds.min.css", "asset"),
        ("assets/css/site.1a2b3c4d5e.css", "asset"),
        ("files/report.pdf", "attachment"),
        ("pagefind/fragment/en_1234.pf_fragment", "search-index"),
    ],
)
def test_classify(relative: str, kind: str) -> None:
    assert classify(relative, b"<html><head><title>x</title></head></html>") == kind


def test_redirect_pages_are_recognised_by_their_refresh() -> None:
    page = b'<head><meta http-equiv="refresh" content="0; url=/library/publications/x/"></head>'
    assert classify("publication/old/index.html", page) == "redirect"
    assert classify("publications/old-slug/index.html", page) == "redirect"  # an alias under /publications/


def test_site_paths_and_natural_order(tmp_path: Path) -> None:
    assert site_path("index.html") == "/"
    assert site_path("publications/x/index.html") == "/publications/x/"
    assert site_path("old/page.html") == "/old/page.html"
    old, new = tmp_path / "old", tmp_path / "new"
    for n in (2, 10, 9):
        for root in (old, new):
            page = root / "publications" / "page" / str(n) / "index.html"
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(f"{root.name} {n}")
    assert paths(compare(old, new).changed) == [
        "/publications/page/2/",
        "/publications/page/9/",
        "/publications/page/10/",
    ]


def test_cli(edited: tuple[ChangeReport, Path, Path]) -> None:
    report, old, new = edited
    runner = CliRunner()
    result = runner.invoke(main, ["diff", str(old), str(new)])
    assert result.exit_code == 0, result.output
    assert result.output == report.to_markdown()
    result = runner.invoke(main, ["diff", "--format", "json", str(old), str(new)])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["summary"] == report.summary() and data["counts"] == report.counts()
    assert len(data["changed"]) == len(report.changed)
    result = runner.invoke(main, ["diff", str(old), str(old.parent / "missing")])
    assert result.exit_code == 2 and "does not exist" in result.output
