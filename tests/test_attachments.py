"""Attachments in the build (sitegen/attachments.py): Section 508 findings at the attachments:
entry, their severity, labels with page counts, index.json and JSON-LD, the search text, and
reading each file once (a rebuild reads no attachment it read before)."""

from __future__ import annotations

import gzip
import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import sitegen.attachments
from pdf_fixtures import damaged_pdf, docx, encrypted_pdf, image_only_pdf, tagged_pdf, untagged_pdf, write
from sitegen.cli import main
from sitekit import Project

BASE = "https://www.example.gov/library/"


def line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    project = Project(tmp_path / "site")
    files = project.root / "content/files"
    write(files, "tagged.pdf", tagged_pdf(3, marker="Zanzibarian appendix"))
    write(files, "plain.pdf", untagged_pdf(2))
    write(files, "scan.pdf", image_only_pdf(1))
    write(files, "locked.pdf", encrypted_pdf())
    write(files, "cut.pdf", damaged_pdf())
    write(files, "informe.pdf", tagged_pdf(12, language="es", title="Informe anual", spanish=True))
    write(files, "guide.docx", docx(pages=12))
    project.publication(
        "good",
        attachments=[
            {"title": "The report", "file": "files/tagged.pdf"},
            {"title": "The guide", "file": "files/guide.docx"},
        ],
    )
    project.publication(
        "bad",
        attachments=[
            {"title": "Plain", "file": "files/plain.pdf"},
            {"title": "Scan", "file": "files/scan.pdf"},
            {"title": "Locked", "file": "files/locked.pdf"},
            {"title": "Cut", "file": "files/cut.pdf"},
            {"title": "Wrong language", "file": "files/tagged.pdf", "language": "es"},
        ],
    )
    project.publication(
        "informe", title="Informe", language="es", attachments=[{"title": "Informe anual", "file": "files/informe.pdf"}]
    )
    return project


def findings(report: object, slug: str) -> list[tuple[int, str, str]]:
    return sorted(
        (d.line, d.code, d.severity)
        for d in report.diagnostics  # type: ignore[attr-defined]
        if d.path.endswith(f"/{slug}.md")
    )


def test_findings_are_warnings_at_each_attachment_line(project: Project) -> None:
    report = project.build()
    assert report.ok
    source = project.root / "content/publications/2020/bad.md"
    line = {name: line_of(source, f"files/{name}") for name in ("plain.pdf", "scan.pdf", "locked.pdf", "cut.pdf")}
    wrong = line_of(source, "files/tagged.pdf")
    assert findings(report, "bad") == sorted(
        [
            (line["plain.pdf"], "attachment-no-language", "warning"),
            (line["plain.pdf"], "attachment-no-title", "warning"),
            (line["plain.pdf"], "attachment-untagged", "warning"),
            (line["scan.pdf"], "attachment-no-language", "warning"),
            (line["scan.pdf"], "attachment-no-text", "warning"),
            (line["scan.pdf"], "attachment-title-hidden", "warning"),
            (line["scan.pdf"], "attachment-untagged", "warning"),
            (line["locked.pdf"], "attachment-encrypted", "warning"),
            (line["cut.pdf"], "attachment-damaged", "warning"),
            (wrong, "attachment-language-mismatch", "warning"),
        ]
    )
    assert findings(report, "good") == [] and findings(report, "informe") == []
    messages = {d.code: d.text() for d in report.diagnostics}
    assert 'in "es", but the PDF says its language is "en-US"' in messages["attachment-language-mismatch"]
    assert "files/cut.pdf: this PDF could not be read" in messages["attachment-damaged"]


def test_site_yaml_makes_them_errors(project: Project) -> None:
    project.write_yaml("content/site.yaml", {**project.site, "accessibility": {"attachments": "error"}})
    report = project.build()
    assert not report.ok and {d.severity for d in report.diagnostics if d.code.startswith("attachment-")} == {"error"}
    project.write_yaml("content/site.yaml", {**project.site, "accessibility": {"attachments": "fatal"}})
    report = project.check()
    assert [d.code for d in report.diagnostics if d.path == "content/site.yaml"] == ["bad-value"]


def test_check_strict_fails_on_them_and_json_carries_the_codes(project: Project) -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["check", str(project.root)]).exit_code == 0
    assert runner.invoke(main, ["check", str(project.root), "--strict"]).exit_code == 1
    data = json.loads(runner.invoke(main, ["check", str(project.root), "--format", "json"]).stdout)
    assert {"attachment-untagged", "attachment-no-text", "attachment-encrypted"} <= {d["code"] for d in data}


def test_labels_index_json_and_json_ld(project: Project) -> None:
    assert project.build().ok
    html = project.html("/publications/good/")
    size = (project.root / "content/files/tagged.pdf").stat().st_size
    assert f"(PDF, 3 pages, {round(size / 1000)} KB, <span>English</span>)" in html  # and its language
    assert "(Word document, 12 pages," in html
    spanish = project.html("/publications/informe/")
    assert re.search(r"\(PDF, 12 páginas, \d+ KB, <span>Español</span>\)", spanish)
    catalog = json.loads((project.out / "publications/index.json").read_text("utf-8"))
    good = next(p for p in catalog["publications"] if p["slug"] == "good")
    assert [(a["pages"], a["mediaType"]) for a in good["attachments"]] == [
        (3, "application/pdf"),
        (12, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ]
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    media = data["associatedMedia"][0]
    assert media == {
        "@type": "MediaObject",
        "name": "The report",
        "contentUrl": BASE + "files/tagged.pdf",
        "encodingFormat": "application/pdf",
        "contentSize": f"{size} B",
        "inLanguage": "en",
    }


def test_each_file_is_read_once(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    reads: list[str] = []
    real = sitegen.attachments.read_documents

    def counting(jobs, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        jobs = list(jobs)
        reads.extend(os.path.basename(path) for _, path, _ in jobs)
        return real(jobs, *args, **kwargs)

    monkeypatch.setattr(sitegen.attachments, "read_documents", counting)
    assert project.build().ok
    assert sorted(reads) == [
        "cut.pdf",
        "guide.docx",
        "informe.pdf",
        "locked.pdf",
        "plain.pdf",
        "scan.pdf",
        "tagged.pdf",
    ]
    reads.clear()
    assert project.build().ok and reads == []  # nothing changed
    project.publication("good", body="A new body.", attachments=[{"title": "The report", "file": "files/tagged.pdf"}])
    assert project.build().ok and reads == []  # a publication changed, not its files
    tagged = project.root / "content/files/tagged.pdf"
    os.utime(tagged, ns=(1, 1))  # same bytes, another time: hashed again, not read
    assert project.build().ok and reads == []
    tagged.write_bytes(tagged_pdf(5, marker="Zanzibarian appendix"))  # a new version: read, and relabelled
    assert project.build().ok and reads == ["tagged.pdf"]
    assert "(PDF, 5 pages," in project.html("/publications/good/")


def test_attachment_text_is_searchable_with_its_publication(project: Project) -> None:
    assert project.build(search=True).ok
    records = {}
    for fragment in (project.out / "pagefind/all/fragment").iterdir():
        data = gzip.decompress(fragment.read_bytes()).removeprefix(b"pagefind_dcd")
        record = json.loads(data)
        records[record["url"]] = record
    good = records["/publications/good/"]
    assert "Zanzibarian appendix" in good["content"]
    assert {"element": "h2", "id": "attachment-1", "text": "The report (PDF)"} in [
        {k: a[k] for k in ("element", "id", "text")} for a in good["anchors"]
    ]
    assert 'id="attachment-1"' in project.html("/publications/good/")  # where a document match links to


def test_report_attachments_as_table_and_csv(project: Project) -> None:
    import csv
    import io

    runner = CliRunner()
    table = runner.invoke(main, ["report", "attachments", str(project.root)])
    assert table.exit_code == 0, table.output
    assert "| content/publications/2020/good.md:" in table.stdout and "| pass |" in table.stdout
    assert "8 attachments" in table.stdout and "with Section 508 problems" in table.stdout
    result = runner.invoke(main, ["report", "attachments", str(project.root), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 8
    plain = next(row for row in rows if row["file"] == "files/plain.pdf")
    assert (plain["pages"], plain["tagged"], plain["text_layer"], plain["language"]) == ("2", "no", "yes", "en")
    assert plain["status"] == "fails: untagged, no language, no title"
    informe = next(row for row in rows if row["file"] == "files/informe.pdf")
    assert (informe["pages"], informe["language"], informe["pdf_language"], informe["status"]) == (
        "12",
        "es",
        "es",
        "pass",
    )
    assert not (project.root / ".sitegen-cache").exists()  # like check: nothing written
