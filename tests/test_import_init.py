"""Issue 18's promise end to end: every kind of export imports into a fresh `sitegen init` site, which builds.

The fixtures are the same exports the other import tests read (odd date formats, entities,
Windows-1252 quotes, duplicate titles, missing summaries). A new site knows none of the old
library's components or types, so each mapping is told to create them, as an agency's first
import would be.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

import import_fixtures as fx
from sitegen.cli import main

CREATE_ALL = "unknown:\n  component: create\n  type: create\n  topics: create\n"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def creating(mapping: str) -> str:
    """The fixture mapping with its `unknown:` policies replaced by "create everything new"."""
    return re.sub(r"\nunknown:\n(  .*\n)*", "\n", mapping).rstrip("\n") + "\n" + CREATE_ALL


def export(folder: Path, kind: str) -> tuple[Path, str]:
    """The export file (or folder) of one kind, and its mapping."""
    if kind == "csv":
        (folder / "export.csv").write_bytes(fx.drupal_csv())
        return folder / "export.csv", fx.CSV_MAPPING
    if kind == "json":
        (folder / "export.json").write_bytes(fx.drupal_json())
        return folder / "export.json", fx.JSON_MAPPING
    if kind == "atom":
        (folder / "atom.xml").write_bytes(fx.atom_feed())
        return folder / "atom.xml", fx.FEED_MAPPING
    if kind == "rss":
        (folder / "rss.xml").write_bytes(fx.rss_feed())
        return folder / "rss.xml", fx.FEED_MAPPING
    return fx.saved_pages(folder / "pages"), fx.PAGES_MAPPING


@pytest.mark.parametrize("kind", ["csv", "json", "atom", "rss", "html"])
def test_an_export_imports_into_a_new_init_site_that_builds(tmp_path: Path, kind: str) -> None:
    site = tmp_path / "library"
    code, output = run("init", str(site), "--agency", "Department of Examples", "--acronym", "DOX")
    assert code == 0, output
    exports = tmp_path / "exports"
    exports.mkdir()
    source, mapping = export(exports, kind)
    (exports / "mapping.yaml").write_text(creating(mapping), "utf-8")
    files = fx.files_mirror(exports / "files")
    source_kind = "feed" if kind in ("atom", "rss") else kind
    code, output = run(
        "import", str(source), str(site), "--from", source_kind, "--map", str(exports / "mapping.yaml"),
        "--files", str(files), "--format", "json",
    )  # fmt: skip
    report = json.loads(output)
    assert code == 0, report["problems"]
    assert report["counts"]["imported"] >= 2, report
    assert report["check"] == [], report["check"]

    code, output = run("check", str(site), "--strict")
    assert code == 0, output
    out = tmp_path / "out"
    code, output = run("build", str(site), "-o", str(out), "--no-search", "--quiet")
    assert code == 0, output
    written = sorted((site / "content" / "publications").rglob("*.md"))
    imported = [path for path in written if "import_id" in path.read_text("utf-8")]
    assert len(imported) == report["counts"]["imported"]
    for path in imported:
        page = out / "publications" / path.stem / "index.html"
        assert page.is_file(), f"{path.name} was imported but has no page"
        title = lxml.html.document_fromstring(page.read_bytes()).findtext(".//h1")
        assert title and title.strip()
    created = {(item["kind"], item["key"]) for item in report["created"]}
    for kind_name, key in created:
        if kind_name == "component":
            assert (site / "content" / "components" / f"{key}.md").is_file()
