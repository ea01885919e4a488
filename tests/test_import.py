"""`sitegen import`: exports shaped like real ones go into a fresh site that passes `check --strict` and builds.

Each source kind (a Drupal Views CSV in Windows-1252, a views_datasource JSON export, an Atom and
an RSS 2.0 feed, a folder of saved pages with CSS selectors) is imported into a fresh minimal
site (tests/sitekit.Project), checked strictly, built, and its pages and old addresses looked
at in the output. Re-runs, --keep-edits and --dry-run are in this file too; hostile input is in
test_import_untrusted.py.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import lxml.html
import pytest
import yaml
from click.testing import CliRunner

import import_fixtures as fx
from sitegen.cli import main
from sitekit import Project


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def import_(project: Project, source: Path, kind: str, *options: str) -> dict:
    exit_code, output = run("import", str(source), str(project.root), "--from", kind, "--format", "json", *options)
    report = json.loads(output)
    report["exit"] = exit_code
    return report


def strict_check(project: Project) -> None:
    exit_code, output = run("check", str(project.root), "--strict")
    assert exit_code == 0, output


def publication_files(project: Project) -> dict[str, str]:
    folder = project.root / "content" / "publications"
    return {str(p.relative_to(folder)): p.read_text("utf-8") for p in sorted(folder.rglob("*.md"))}


def page(project: Project, site_path: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(project.html(site_path))


@pytest.fixture
def exports(tmp_path: Path) -> Path:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "export.csv").write_bytes(fx.drupal_csv())
    (folder / "csv.yaml").write_text(fx.CSV_MAPPING, "utf-8")
    (folder / "export.json").write_bytes(fx.drupal_json())
    (folder / "json.yaml").write_text(fx.JSON_MAPPING, "utf-8")
    (folder / "atom.xml").write_bytes(fx.atom_feed())
    (folder / "rss.xml").write_bytes(fx.rss_feed())
    (folder / "feed.yaml").write_text(fx.FEED_MAPPING, "utf-8")
    (folder / "pages.yaml").write_text(fx.PAGES_MAPPING, "utf-8")
    fx.saved_pages(folder / "pages")
    fx.files_mirror(folder / "files")
    return folder


def test_drupal_csv_in_windows_1252(project: Project, exports: Path) -> None:
    report = import_(
        project,
        exports / "export.csv",
        "csv",
        "--map",
        str(exports / "csv.yaml"),
        "--files",
        str(exports / "files"),
        "--redirect-base",
        "/",
    )
    assert report["exit"] == 0, report["problems"]
    assert report["counts"] == {"imported": 5, "updated": 0, "unchanged": 0, "skipped": 0}
    assert report["check"] == []
    files = publication_files(project)
    first = files["2018/dhs-ice-pia-049-ice-parole-law-enforcement-programs-unit.md"]
    # Entities decoded, the Windows-1252 apostrophe read as one, the Drupal date understood.
    assert 'title: "DHS/ICE/PIA-049 ICE Parole & Law Enforcement Programs Unit"' in first
    assert "The unit\u2019s systems" in first and "date: 2018-10-01" in first and "updated: 2019-02-11" in first
    # The body: no script or frame, headings from ##, a header row, links to the file and the other row.
    assert "script" not in first and "iframe" not in first and "evil" not in first
    assert "## Overview" in first and "### Systems" in first and "| System | Purpose |\n| --- | --- |" in first
    assert "[full assessment](../../files/privacy-pia-ice-049-october2018.pdf)" in first
    assert "[CBP fact sheet](cbp-body-s-worn-cameras.md)" in first
    # Twice-escaped entities, a missing summary made from the text, a duplicate title, a new type.
    second = files["2018/cbp-body-s-worn-cameras.md"]
    assert 'title: "CBP Body\'s Worn Cameras"' in second
    assert 'summary: "U.S. Customs and Border Protection \u201cbody-worn cameras\u201d record' in second
    assert "2020/annual-privacy-report.md" in files and "2021/annual-privacy-report-2021.md" in files
    assert "testimony: Testimony" in (project.root / "content/types.yaml").read_text()
    assert ("type", "testimony") in {(c["kind"], c["key"]) for c in report["created"]}
    mapped = {(m["field"], m["from"], m["to"]) for m in report["mapped"]}
    assert ("component", "U.S. Immigration and Customs Enforcement", "ice") in mapped
    assert ("type", "PIA", "privacy-impact-assessment") in mapped
    # Every problem is reported with its row, none stops the others.
    problems = {p["message"] for p in report["problems"]}
    assert any("row 3: attachment 2020-01/missing-appendix.pdf was not copied" in m for m in problems)
    assert any(p["line"] == 6 and "row 5" in p["message"] for p in report["problems"])
    notes = " ".join(n for row in report["rows"] for n in row["notes"])
    assert "<script>" in notes and "<iframe>" in notes and '"javascript:" address' in notes

    strict_check(project)
    assert project.build().ok
    pub = page(project, "/publications/dhs-ice-pia-049-ice-parole-law-enforcement-programs-unit/")
    assert pub.xpath("string(//h1)").strip() == "DHS/ICE/PIA-049 ICE Parole & Law Enforcement Programs Unit"
    assert not pub.xpath("//main//script") and not pub.xpath("//iframe")
    hrefs = pub.xpath("//main//a/@href")
    assert "/library/files/privacy-pia-ice-049-october2018.pdf" in hrefs
    assert "/library/publications/cbp-body-s-worn-cameras/" in hrefs
    # The old address is an alias page, and the host maps send the domain-root path there directly.
    alias = project.out / "publication/dhs-ice-pia-049/index.html"
    assert "/library/publications/dhs-ice-pia-049-ice-parole-law-enforcement-programs-unit/" in alias.read_text()
    redirects = (project.root / "redirects/_redirects").read_text()
    assert (
        "/publication/dhs-ice-pia-049 https://www.example.gov/library/publications/"
        "dhs-ice-pia-049-ice-parole-law-enforcement-programs-unit/ 301"
    ) in redirects
    nginx = (project.root / "redirects/nginx-redirects.conf").read_text()
    assert (
        '"/publication/cbp-body-worn-cameras/" "https://www.example.gov/library/publications/cbp-body-s-worn-cameras/";'
        in nginx
    )
    rules = json.loads((project.root / "redirects/s3-routing-rules.json").read_text())
    assert len(rules) == 5 and rules[0]["Redirect"]["HostName"] == "www.example.gov"


def test_drupal_json_export(project: Project, exports: Path) -> None:
    report = import_(
        project,
        exports / "export.json",
        "json",
        "--map",
        str(exports / "json.yaml"),
        "--files",
        str(exports / "files"),
        "--redirect-base",
        "/",
    )
    assert report["exit"] == 0, report["problems"]
    assert report["counts"]["imported"] == 2
    files = publication_files(project)
    first = files["2018/dhs-ice-pia-050-student-exchange-visitor-program.md"]
    assert "date: 2018-09-30" in first  # 1538352000 is midnight UTC, the evening before in New York
    assert "topics: [privacy]" in first  # "Unknown Topic" dropped (unknown: topics: drop)
    assert "title: SEVP PIA (PDF)" in first and "file: files/ice-annual.pdf" in first
    assert "\u2014 a program of ICE" in first  # &mdash;
    assert any(row["path"].endswith("2019/cbp-trade-fact-sheet.md") for row in report["rows"])
    assert report["rows"][0]["where"].endswith("export.json:3 (record 1)")
    strict_check(project)
    assert project.build().ok
    assert (project.out / "publication/cbp-trade/index.html").is_file()


def test_atom_and_rss_feeds(project: Project, exports: Path) -> None:
    for feed in ("atom.xml", "rss.xml"):
        report = import_(
            project,
            exports / feed,
            "feed",
            "--map",
            str(exports / "feed.yaml"),
            "--files",
            str(exports / "files"),
            "--redirect-base",
            "/",
        )
        assert report["exit"] == 0, report["problems"]
        assert report["counts"]["imported"] == 2, report
    files = publication_files(project)
    atom = files["2019/cbp-report-findings.md"]
    assert 'title: "CBP Report & Findings"' in atom and "date: 2019-01-31" in atom
    assert "topics: [immigration]" in atom and "title: Full report" in atom
    assert "onerror" not in atom and "alert" not in atom
    second = files["2019/cbp-second-report.md"]
    assert 'summary: "A second report with no summary of its own' in second
    rss = files["2018/femas-hurricane-guide.md"]
    assert 'title: "FEMA\u2019s Hurricane Guide"' in rss and "topics: [emergency-management]" in rss
    assert "[Related report](../2019/cbp-report-findings.md)" in rss  # a link into the other feed's import
    assert "2019/femas-hurricane-guide-2019.md" in files  # the duplicate title
    strict_check(project)
    assert project.build().ok
    assert (project.out / "publication/fema-hurricane-guide/index.html").is_file()
    assert (
        page(project, "/publications/femas-hurricane-guide/").xpath("string(//h1)").strip()
        == "FEMA\u2019s Hurricane Guide"
    )


def test_saved_pages_with_css_selectors(project: Project, exports: Path) -> None:
    report = import_(
        project,
        exports / "pages",
        "html",
        "--map",
        str(exports / "pages.yaml"),
        "--files",
        str(exports / "files"),
        "--redirect-base",
        "/",
    )
    assert report["exit"] == 0, report["problems"]
    assert report["counts"]["imported"] == 2
    files = publication_files(project)
    sevis = files["2018/dhs-ice-pia-050-sevis-students.md"]
    assert "summary: SEVIS tracks students and exchange visitors." in sevis
    assert "## Background" in sevis and "Skip to main content" not in sevis and "Footer" not in sevis
    assert "file: files/pia-ice-050.pdf" in sevis  # PIA_ICE_050.PDF, renamed
    assert "sevis-map" not in sevis  # an image without a description is left out, and said so
    assert any("has no description" in n for row in report["rows"] for n in row["notes"])
    assert (
        "[SEVIS assessment](../2018/dhs-ice-pia-050-sevis-students.md)"
        in files["2019/dhs-ice-pia-051-case-management.md"]
    )
    strict_check(project)
    assert project.build().ok
    assert (project.out / "publication/dhs-ice-pia-050-sevis/index.html").is_file()


def test_a_second_run_changes_nothing_and_keep_edits_keeps_hand_edits(project: Project, exports: Path) -> None:
    options = ("--map", str(exports / "csv.yaml"), "--files", str(exports / "files"), "--redirect-base", "/")
    import_(project, exports / "export.csv", "csv", *options)
    before = publication_files(project)
    again = import_(project, exports / "export.csv", "csv", *options)
    assert again["counts"] == {"imported": 0, "updated": 0, "unchanged": 5, "skipped": 0}
    assert publication_files(project) == before
    assert again["files"] == {"copied": 0, "already_there": 2}

    edited = project.root / "content/publications/2020/annual-privacy-report.md"
    text = re.sub(
        r"^title: .*$", 'title: "Annual Privacy Report, 2019"', edited.read_text(), count=1, flags=re.MULTILINE
    )
    edited.write_text(text.replace("type: report", "type: report\ntranslations: [annual-privacy-report-2021]"))
    kept = import_(project, exports / "export.csv", "csv", *options, "--keep-edits")
    assert 'title: "Annual Privacy Report, 2019"' in edited.read_text()
    assert kept["counts"]["unchanged"] == 5
    # The export changed: the new summary comes in, the hand-edited title stays, a hand-added field stays.
    rows = [dict(row) for row in fx.ROWS]
    rows[2]["Summary"] = "The 2019 annual privacy report, revised."
    (exports / "export.csv").write_bytes(fx.drupal_csv(rows))
    changed = import_(project, exports / "export.csv", "csv", *options, "--keep-edits")
    assert changed["counts"]["updated"] == 1
    text = edited.read_text()
    assert 'title: "Annual Privacy Report, 2019"' in text and "revised" in text and "translations:" in text
    assert any("kept hand edits of title" in n for row in changed["rows"] for n in row["notes"])
    # Without --keep-edits the export wins, and the report says what was replaced.
    replaced = import_(project, exports / "export.csv", "csv", *options)
    assert "title: Annual Privacy Report\n" in edited.read_text()
    assert any("replaced hand edits of title" in n for row in replaced["rows"] for n in row["notes"])
    assert publication_files(project).keys() == before.keys()  # matched by import id: same files, no copies


def test_rows_match_by_old_address_when_there_is_no_id(project: Project, exports: Path) -> None:
    mapping = fx.CSV_MAPPING.replace("  id: Nid\n", "")
    (exports / "noid.yaml").write_text(mapping)
    options = ("--map", str(exports / "noid.yaml"), "--files", str(exports / "files"), "--redirect-base", "/")
    import_(project, exports / "export.csv", "csv", *options)
    rows = [dict(row) for row in fx.ROWS]
    rows[0]["Title"] = "DHS/ICE/PIA-049 Renamed"
    (exports / "export.csv").write_bytes(fx.drupal_csv(rows))
    report = import_(project, exports / "export.csv", "csv", *options)
    assert report["counts"]["updated"] == 1 and report["counts"]["imported"] == 0
    path = project.root / "content/publications/2018/dhs-ice-pia-049-ice-parole-law-enforcement-programs-unit.md"
    assert "title: DHS/ICE/PIA-049 Renamed" in path.read_text()  # same file, same URL


def test_a_hand_made_publication_with_the_old_address_is_left_alone(project: Project, exports: Path) -> None:
    project.publication("pia-049-by-hand", component="ice", aliases=["/publication/dhs-ice-pia-049"])
    report = import_(
        project,
        exports / "export.csv",
        "csv",
        "--map",
        str(exports / "csv.yaml"),
        "--files",
        str(exports / "files"),
        "--redirect-base",
        "/",
    )
    skipped = [row for row in report["rows"] if row["action"] == "skipped"]
    assert len(skipped) == 1 and "already has it by hand" in skipped[0]["reasons"][0]
    assert "pia-049-by-hand" in skipped[0]["reasons"][0]
    strict_check(project)


def _tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_dry_run_writes_nothing(project: Project, exports: Path) -> None:
    before = _tree(project.root)
    report = import_(
        project,
        exports / "export.csv",
        "csv",
        "--map",
        str(exports / "csv.yaml"),
        "--files",
        str(exports / "files"),
        "--redirect-base",
        "/",
        "--dry-run",
    )
    assert report["dry_run"] and report["counts"]["imported"] == 5 and report["check"] == []
    assert report["files"]["copied"] == 2
    assert _tree(project.root) == before
    assert sorted(p.name for p in project.root.iterdir()) == ["assets", "content", "templates"]
    exit_code, output = run(
        "import",
        str(exports / "export.csv"),
        str(project.root),
        "--from",
        "csv",
        "--map",
        str(exports / "csv.yaml"),
        "--dry-run",
    )
    assert exit_code == 0 and "dry run: nothing was written" in output and "5 would be imported" in output


def test_the_text_report(project: Project, exports: Path) -> None:
    exit_code, output = run(
        "import",
        str(exports / "export.csv"),
        str(project.root),
        "--from",
        "csv",
        "--map",
        str(exports / "csv.yaml"),
        "--files",
        str(exports / "files"),
        "--redirect-base",
        "/",
    )
    assert exit_code == 0, output
    assert 'component "U.S. Immigration and Customs Enforcement" -> ice (value map, 4 rows)' in output
    assert 'type testimony "Testimony" in content/types.yaml' in output
    assert "export.csv:4: warning: row 3: attachment 2020-01/missing-appendix.pdf was not copied" in output
    assert "sitegen check --strict passes on the result (5 publications)." in output
    assert output.rstrip().splitlines()[-1].startswith("5 imported, 0 updated, 0 unchanged, 0 skipped (5 rows in ")


def test_unknown_values_are_errors_unless_the_mapping_creates_them(project: Project, exports: Path) -> None:
    mapping = fx.CSV_MAPPING.replace("  type: create\n", "")
    (exports / "strict.yaml").write_text(mapping)
    report = import_(
        project,
        exports / "export.csv",
        "csv",
        "--map",
        str(exports / "strict.yaml"),
        "--files",
        str(exports / "files"),
        "--redirect-base",
        "/",
    )
    assert report["exit"] == 1
    problem = next(p for p in report["problems"] if "Testimony" in p["message"])
    assert problem["path"].endswith("export.csv") and problem["line"] == 6
    assert 'row 5: unknown type "Testimony"' in problem["message"] and "unknown: {type: create}" in problem["hint"]
    assert report["counts"] == {"imported": 4, "updated": 0, "unchanged": 0, "skipped": 1}
    assert "testimony" not in (project.root / "content/types.yaml").read_text()
    strict_check(project)


def test_a_new_component_is_written_when_asked(project: Project, exports: Path) -> None:
    rows = [dict(fx.ROWS[3], Component="Federal Emergency Management Agency", Nid="900")]
    (exports / "fema.csv").write_bytes(fx.drupal_csv(rows))
    (exports / "create.yaml").write_text(fx.CSV_MAPPING.replace("component: error", "component: create"))
    report = import_(project, exports / "fema.csv", "csv", "--map", str(exports / "create.yaml"))
    assert report["exit"] == 0, report["problems"]
    component = (project.root / "content/components/federal-emergency-management-agency.md").read_text()
    assert "name: Federal Emergency Management Agency" in component and "acronym: FEMA" in component
    strict_check(project)


def test_aliases_inside_the_base_path_need_no_host_rules(tmp_path: Path, exports: Path) -> None:
    project = Project(tmp_path / "root-site", base_url="https://www.dhs.gov/")
    report = import_(
        project, exports / "export.csv", "csv", "--map", str(exports / "csv.yaml"), "--files", str(exports / "files")
    )
    assert report["exit"] == 0, report["problems"]
    assert project.build().ok
    assert (project.out / "publication/dhs-ice-pia-049/index.html").is_file()
    assert (
        "/publication/dhs-ice-pia-049 /publications/dhs-ice-pia-049-ice-parole-law-enforcement-programs-unit/ 301"
        in (project.out / "_redirects").read_text()
    )


def test_old_addresses_outside_the_redirect_base_are_reported(project: Project, exports: Path) -> None:
    report = import_(
        project, exports / "export.csv", "csv", "--map", str(exports / "csv.yaml"), "--files", str(exports / "files")
    )
    assert report["exit"] == 0 and report["aliases"] == 0
    notes = [n for row in report["rows"] for n in row["notes"]]
    assert any("outside --redirect-base /library/" in n for n in notes)
    # The host maps still send every old address to its new page.
    assert (project.root / "redirects/nginx-redirects.conf").read_text().count("/library/publications/") == 10


def test_the_readme_mapping_is_the_one_tested(project: Project, exports: Path) -> None:
    """The worked mapping in the README imports the Drupal fixture as the tests' own mapping does."""
    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    section = readme[readme.index("## Migrating an existing library") :]
    block = section[section.index("```yaml\n") + len("```yaml\n") : section.index("\n```", section.index("```yaml"))]
    (exports / "readme.yaml").write_text(block, "utf-8")
    report = import_(
        project,
        exports / "export.csv",
        "csv",
        "--map",
        str(exports / "readme.yaml"),
        "--files",
        str(exports / "files"),
        "--redirect-base",
        "/",
    )
    assert report["exit"] == 0, report["problems"]
    assert report["counts"]["imported"] == len(fx.ROWS) and report["check"] == []
    assert yaml.safe_load(block) == yaml.safe_load(fx.CSV_MAPPING)


def test_columns_named_like_the_fields_need_no_mapping(project: Project, tmp_path: Path) -> None:
    (tmp_path / "plain.csv").write_text(
        "Title,Date,Component,Type,Topics,Body,Path,NID\n"
        "Plain export,2022-05-06,ICE,Fact Sheet,Privacy,<p>A body with enough words to summarise.</p>,/old/plain,7\n",
        "utf-8",
    )
    report = import_(project, tmp_path / "plain.csv", "csv")
    assert report["exit"] == 0, report["problems"]
    text = publication_files(project)["2022/plain-export.md"]
    assert "component: ice" in text and "type: fact-sheet" in text and "topics: [privacy]" in text
    assert 'import_id: "7"' in text and "summary: A body with enough words to summarise." in text
    strict_check(project)


def test_links_to_pages_that_were_not_imported(tmp_path: Path, exports: Path) -> None:
    rows = [dict(fx.ROWS[2], Body='<p>See <a href="/news/other-page">another page</a> of the old site.</p>', Files="")]
    (exports / "one.csv").write_bytes(fx.drupal_csv(rows))
    mapping = ("--map", str(exports / "csv.yaml"))
    elsewhere = Project(tmp_path / "library", base_url="https://www.example.gov/library/")
    report = import_(elsewhere, exports / "one.csv", "csv", *mapping)
    assert (
        "[another page](https://www.dhs.gov/news/other-page)"
        in publication_files(elsewhere)["2020/annual-privacy-report.md"]
    )
    assert any("kept pointing to the old site" in n for n in report["rows"][0]["notes"])
    # When the new site takes over the old site's address, that page is gone: the link goes, its words stay.
    same_host = Project(tmp_path / "root", base_url="https://www.dhs.gov/")
    report = import_(same_host, exports / "one.csv", "csv", *mapping)
    assert report["exit"] == 0, report["check"]
    assert "See another page of the old site." in publication_files(same_host)["2020/annual-privacy-report.md"]
    strict_check(same_host)
