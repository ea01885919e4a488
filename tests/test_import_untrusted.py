"""`sitegen import` treats every source as untrusted, like content: nothing unsafe is ever written.

The threat model is content's (docs/SECURITY.md): an export, a feed, a saved page, a mapping and
a files mirror may all have been made by someone hostile. These tests feed the hostile-body
corpus of tests/payloads.py through an import (as HTML and as Markdown), try to climb out of
content/ through titles, slugs and attachment names, point symlinks out of --files and of the
pages folder, and break every source format: each case is a message at its file and line,
never a traceback, and never a file written that `sitegen check --strict` would refuse.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner

import import_fixtures as fx
from payloads import PAYLOADS
from sitegen.cli import main
from sitekit import Project

MAPPING = """\
fields:
  id: id
  title: title
  date: date
  component: {default: ice}
  type: {default: report}
  summary: summary
  body: {from: body, format: FORMAT}
  attachments: {from: files, split: "|"}
  url: url
  slug: slug
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def export(folder: Path, rows: list[dict[str, str]], body_format: str = "html") -> tuple[Path, Path]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, ["id", "title", "date", "summary", "body", "files", "url", "slug"], restval="")
    writer.writeheader()
    writer.writerows(rows)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "export.csv").write_text(buffer.getvalue(), "utf-8")
    (folder / "map.yaml").write_text(MAPPING.replace("FORMAT", body_format), "utf-8")
    return folder / "export.csv", folder / "map.yaml"


def import_json(project: Project, source: Path, mapping: Path, *options: str, kind: str = "csv") -> dict:
    exit_code, output = run(
        "import", str(source), str(project.root), "--from", kind, "--map", str(mapping), "--format", "json", *options
    )
    report = json.loads(output)
    report["exit"] = exit_code
    return report


def row(number: int, **fields: str) -> dict[str, str]:
    return {
        "id": str(number),
        "title": f"Publication {number}",
        "date": "2020-01-02",
        "summary": f"Summary {number}.",
        "body": "<p>Text.</p>",
        "url": f"/old/{number}",
        **fields,
    }


ACTIVE_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "form",
    "input",
    "button",
    "svg",
    "math",
    "style",
    "base",
    "meta",
    "link",
    "frame",
    "textarea",
    "select",
    "template",
    "noscript",
}
BAD_URL = re.compile(r"^\s*(javascript|vbscript|data):|^\s*//|\\", re.IGNORECASE)


def assert_inert(element: lxml.html.HtmlElement, where: object) -> None:
    """No element that runs or loads anything, no handler, style or foreign class: text may say anything."""
    for node in element.iterdescendants():
        if not isinstance(node.tag, str):
            continue
        assert node.tag not in ACTIVE_TAGS, (where, node.tag)
        for name, value in node.attrib.items():
            assert not name.lower().startswith("on") and name not in ("style", "srcdoc", "formaction"), (where, name)
            if name in ("href", "src", "action", "cite"):
                assert not BAD_URL.search(value), (where, name, value)
            if name == "class":
                assert not re.search(r"usa-alert|position-|z-top", value), (where, value)
            if name == "id":
                assert value not in ("main-content", "search"), (where, value)


def test_hostile_bodies_as_html_arrive_as_inert_text(project: Project, tmp_path: Path) -> None:
    rows = [row(index, title=f"Payload {index} {name}", body=body) for index, (_, name, body, _) in enumerate(PAYLOADS)]
    source, mapping = export(tmp_path / "in", rows)
    report = import_json(project, source, mapping)
    assert report["exit"] == 0, [p for p in report["problems"]] + (report["check"] or [])
    assert report["counts"]["imported"] == len(PAYLOADS)
    assert report["check"] == []
    exit_code, output = run("check", str(project.root), "--strict")
    assert exit_code == 0, output
    assert project.build().ok
    pages = sorted((project.out / "publications").glob("payload-*/index.html"))
    assert len(pages) == len(PAYLOADS)
    for path in pages:
        assert_inert(lxml.html.document_fromstring(path.read_text()).xpath("//main")[0], path)


def test_hostile_bodies_as_markdown_are_never_written(project: Project, tmp_path: Path) -> None:
    rows = [row(index, title=f"Payload {index}", body=body) for index, (_, _, body, _) in enumerate(PAYLOADS)]
    rows.append(row(999, title="A fine one", body="Plain *Markdown* text."))
    source, mapping = export(tmp_path / "in", rows, "markdown")
    report = import_json(project, source, mapping)
    assert report["exit"] == 1
    written = {r["title"] for r in report["rows"] if r["action"] == "imported"}
    assert written == {"A fine one"}
    skipped = [r for r in report["rows"] if r["action"] == "skipped"]
    assert len(skipped) == len(PAYLOADS)
    assert all(any("would not pass sitegen check" in reason for reason in r["reasons"]) for r in skipped)
    files = list((project.root / "content/publications").rglob("*.md"))
    assert [f.name for f in files] == ["a-fine-one.md"]
    exit_code, output = run("check", str(project.root), "--strict")
    assert exit_code == 0, output


@pytest.mark.parametrize(
    "title",
    [
        "../../../../etc/passwd",
        "..\\..\\windows\\system32",
        "/etc/shadow",
        "~root",
        "CON",
        ".hidden",
        "\u202eevil\u202d.md",
        "a/b/../../c",
        "%2e%2e%2fx",
    ],
)
def test_titles_cannot_choose_a_path(project: Project, tmp_path: Path, title: str) -> None:
    source, mapping = export(tmp_path / "in", [row(1, title=title, slug="../../../outside"), row(2, title=title)])
    report = import_json(project, source, mapping)
    for result in report["rows"]:
        if result["action"] == "imported":
            assert re.fullmatch(r"content/publications/2020/[a-z0-9]+(-[a-z0-9]+)*\.md", result["path"]), result["path"]
    everything = {p.relative_to(project.root).as_posix() for p in project.root.rglob("*")}
    assert not any(name.startswith(("outside", "etc")) for name in everything)
    assert not (tmp_path / "outside.md").exists() and not (project.root.parent / "outside.md").exists()
    exit_code, output = run("check", str(project.root), "--strict")
    assert exit_code == 0, output


def test_text_fields_cannot_break_out_of_the_front_matter(project: Project, tmp_path: Path) -> None:
    rows = [
        row(1, title='Title"\ndraft: true\n---\n<script>alert(1)</script>', summary="x\n---\n# injected"),
        row(2, title="yes", summary="null"),
        row(3, title="&lt;script&gt;alert(1)&lt;/script&gt; &amp;lt;b&amp;gt;", summary="{: onclick=alert(1)}"),
        row(4, title="#1 report: *the* [best](javascript:alert(1))", summary="- item\n1. item"),
        row(5, title="\u2028line\u2029separators\x85and\x00nul", summary="\x1b[31mcolour"),
    ]
    source, mapping = export(tmp_path / "in", rows)
    report = import_json(project, source, mapping)
    assert report["exit"] == 0, report["problems"]
    assert report["counts"]["imported"] == 5
    exit_code, output = run("check", str(project.root), "--strict", "--format", "json")
    assert exit_code == 0, output
    assert project.build().ok
    for path in (project.out / "publications").glob("*/index.html"):
        assert_inert(lxml.html.document_fromstring(path.read_text()).xpath("//main")[0], path)
    titles = {r["title"] for r in report["rows"]}
    assert "yes" in titles and "alert(1)" in titles  # a title never holds markup: decoded tags are removed


def test_attachment_names_cannot_climb_out_and_links_are_refused(project: Project, tmp_path: Path) -> None:
    mirror = tmp_path / "files"
    fx.files_mirror(mirror)
    (mirror / "evil").mkdir()
    (mirror / "evil" / "page.html").write_text("<script>alert(1)</script>")
    (mirror / "evil" / "fake.pdf").write_text("<html><script>alert(1)</script></html>")
    (mirror / "evil" / "run.exe").write_bytes(b"MZ")
    (mirror / "linked").symlink_to("/etc", target_is_directory=True)
    outside = tmp_path / "outside.pdf"
    outside.write_bytes(fx.PDF)
    names = [
        "/sites/default/files/../../../etc/passwd",
        "../../outside.pdf",
        "%2e%2e/%2e%2e/outside.pdf",
        "/sites/default/files/publications/secrets.pdf",
        "/sites/default/files/linked/passwd",
        "/sites/default/files/evil/page.html",
        "/sites/default/files/evil/fake.pdf",
        "/sites/default/files/evil/run.exe",
        "C:\\Windows\\win.ini",
        "/sites/default/files/publications/privacy-pia-ice-049-october2018.pdf",
    ]
    rows = [row(index, files=name) for index, name in enumerate(names)]
    source, mapping = export(tmp_path / "in", rows)
    (tmp_path / "in" / "map.yaml").write_text(
        MAPPING.replace("FORMAT", "html") + "files_prefix: /sites/default/files/\n"
    )
    report = import_json(project, source, mapping, "--files", str(mirror))
    assert report["exit"] == 0, report["problems"]
    assert report["counts"]["imported"] == len(names)  # a bad attachment never stops its row
    copied = sorted(p.name for p in (project.root / "content/files").iterdir())
    assert copied == ["privacy-pia-ice-049-october2018.pdf"]
    messages = " ".join(p["message"] for p in report["problems"])
    assert "symbolic link" in messages and "cannot be published" in messages and "is not a .pdf file" in messages
    assert all(p["severity"] == "warning" and p["line"] > 1 for p in report["problems"])
    exit_code, output = run("check", str(project.root), "--strict")
    assert exit_code == 0, output


def test_symlinks_in_the_pages_folder_are_not_followed(project: Project, tmp_path: Path) -> None:
    pages = fx.saved_pages(tmp_path / "pages")
    secret = tmp_path / "secret.html"
    secret.write_text(
        fx.PAGE.format(
            slug="secret",
            title="Secret",
            datetime="2020-01-01",
            shown_date="x",
            summary="secret",
            body="<p>secret</p>",
            files="",
        )
    )
    (pages / "linked.html").symlink_to(secret)
    (pages / "folder").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "pages.yaml").write_text(fx.PAGES_MAPPING)
    report = import_json(project, pages, tmp_path / "pages.yaml", kind="html")
    assert report["counts"]["imported"] == 2
    assert not any("secret" in r["title"].lower() for r in report["rows"])
    assert sum("symbolic link" in p["message"] for p in report["problems"]) == 2


def test_a_symlinked_source_file_is_refused(project: Project, tmp_path: Path) -> None:
    source, mapping = export(tmp_path / "in", [row(1)])
    link = tmp_path / "link.csv"
    link.symlink_to(source)
    exit_code, output = run("import", str(link), str(project.root), "--from", "csv", "--map", str(mapping))
    assert exit_code == 1 and "symbolic link" in output


def test_writing_never_goes_through_a_symlink_in_the_project(project: Project, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project.root / "content/publications/2020").symlink_to(elsewhere, target_is_directory=True)
    source, mapping = export(tmp_path / "in", [row(1)])
    report = import_json(project, source, mapping)
    assert report["exit"] == 1
    assert list(elsewhere.iterdir()) == []
    assert any("symbolic link" in p["message"] for p in report["problems"] + (report["check"] or []))


# -- bad input: a message at its line, all in one run, never a traceback ------------------------


def test_broken_csv_rows_are_reported_with_their_lines(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "map.yaml").write_text(MAPPING.replace("FORMAT", "html"))
    (folder / "export.csv").write_text(
        "id,title,date,summary,body,files,url,slug\n"
        "1,Good one,2020-01-02,A summary.,<p>x</p>,,/old/1,\n"
        "2,,2020-01-02,No title.,,,/old/2,\n"
        "3,Bad date,2020-02-30,x,,,/old/3,\n"
        "4,Odd date,31/12/2020,x,,,/old/4,\n"
        '5,"Unclosed quote,2020-01-02,x,,,,\n',
        "utf-8",
    )
    report = import_json(project, folder / "export.csv", folder / "map.yaml")
    assert report["exit"] == 1
    where = {(p["line"], p["message"].split(":")[0]) for p in report["problems"]}
    assert (3, "row 2") in where and (4, "row 3") in where and (5, "row 4") in where
    odd = next(p for p in report["problems"] if p["line"] == 5)
    assert "31/12/2020" in odd["message"] and "formats" in odd["hint"]
    assert any(p["line"] == 6 for p in report["problems"])  # the unclosed quote runs to the end
    assert report["counts"]["imported"] == 1


@pytest.mark.parametrize(
    "kind, name, data, line, words",
    [
        ("json", "bad.json", b'[\n  {"title": "x"},\n  {"title": }\n]', 3, "not valid JSON"),
        ("json", "object.json", b'{"a": [], "b": []}', 0, "holds an object"),
        ("json", "scalars.json", b"[1, 2]", 1, "record 1 is not a set of keys"),
        ("feed", "bad.xml", b"<rss><channel><title>x</title><item><title>x</titl></item>", 1, "not well-formed"),
        ("feed", "html.xml", b"<html><body><p>Not a feed</p></body></html>", 1, "no entries"),
        (
            "feed",
            "empty.xml",
            b"<?xml version='1.0'?><rss version='2.0'><channel><title>x</title></channel></rss>",
            1,
            "no entries",
        ),
        ("feed", "binary.xml", bytes(range(256)) * 4, 0, "not a feed"),
        ("csv", "empty.csv", b"", 1, "no header row"),
        ("csv", "nul.csv", b"id,title\x00,date\n1,x\x00,2020-01-01\n", 0, ""),
    ],
    ids=lambda value: value if isinstance(value, str) and len(value) < 20 else "",
)
def test_broken_sources_are_messages(
    project: Project, tmp_path: Path, kind: str, name: str, data: bytes, line: int, words: str
) -> None:
    (tmp_path / name).write_bytes(data)
    mapping = tmp_path / "map.yaml"
    mapping.write_text("fields:\n  component: {default: ice}\n  type: {default: report}\n")
    exit_code, output = run("import", str(tmp_path / name), str(project.root), "--from", kind, "--map", str(mapping))
    assert exit_code == 1, output
    assert words in output
    if line:
        assert f"{name}:{line}:" in output


def test_mapping_problems_name_their_lines(project: Project, tmp_path: Path) -> None:
    source, _ = export(tmp_path / "in", [row(1)])
    mapping = tmp_path / "bad.yaml"
    mapping.write_text(
        "source:\n"
        "  encodng: utf-8\n"  # 2
        "fields:\n"
        "  titel: title\n"  # 4
        "  date: {from: date, formats: ['%Y-%m', 'no codes']}\n"  # 5
        "  component: {from: component, map: {ICE: 'Not A Key'}}\n"  # 6
        "  type: {from: type, mapp: {}}\n"  # 7
        "unknown:\n"
        "  type: maybe\n"  # 9
        "oldsite: x\n",
        "utf-8",
    )  # 10
    exit_code, output = run("import", str(source), str(project.root), "--from", "csv", "--map", str(mapping))
    assert exit_code == 1
    for line, words in [
        (2, 'unknown source setting "encodng"'),
        (4, '"titel" is not a field'),
        (5, "has no day"),
        (5, "has no % codes"),
        (6, '"Not A Key" is not a component key'),
        (7, 'unknown option "mapp"'),
        (9, "must be one of error, create"),
        (10, 'unknown setting "oldsite"; did you mean "old_site"?'),
    ]:
        assert re.search(rf"bad\.yaml:{line}: .*{re.escape(words)}", output), (line, words, output)
    assert list((project.root / "content/publications").iterdir()) == []


def test_a_mapping_that_is_not_yaml(project: Project, tmp_path: Path) -> None:
    source, _ = export(tmp_path / "in", [row(1)])
    mapping = tmp_path / "bad.yaml"
    mapping.write_text('fields:\n  title: "unclosed\n  date: date\n')
    exit_code, output = run("import", str(source), str(project.root), "--from", "csv", "--map", str(mapping))
    assert exit_code == 1 and "bad.yaml:2: malformed YAML" in output


def test_a_column_the_export_lacks(project: Project, tmp_path: Path) -> None:
    source, _ = export(tmp_path / "in", [row(1)])
    mapping = tmp_path / "map.yaml"
    mapping.write_text("fields:\n  title: Titel\n  component: {default: ice}\n  type: {default: report}\n")
    exit_code, output = run("import", str(source), str(project.root), "--from", "csv", "--map", str(mapping))
    assert exit_code == 1
    assert 'map.yaml:2: fields.title: "Titel" is not a column of' in output and 'did you mean "title"?' in output


def test_a_windows_1252_file_without_a_declared_encoding(project: Project, tmp_path: Path) -> None:
    source, _ = export(tmp_path / "in", [row(1, title="The agency\u2019s \u201cplan\u201d")])
    source.write_bytes(source.read_text("utf-8").encode("cp1252"))
    folder = source.parent
    report = import_json(project, folder / "export.csv", folder / "map.yaml")
    assert report["exit"] == 0
    assert report["rows"][0]["title"] == "The agency\u2019s \u201cplan\u201d"
    assert "read as Windows-1252" in report["notes"][0]


def test_json_cannot_smuggle_surrogates_or_nul(project: Project, tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text(
        '[{"id": 1, "title": "Bad \\ud800 pair \\u0000 nul", "date": "2020-01-02",'
        ' "summary": "s", "body": "<p>\\udfff</p>"}]'
    )
    mapping = tmp_path / "map.yaml"
    mapping.write_text("fields:\n  component: {default: ice}\n  type: {default: report}\n")
    report = import_json(project, tmp_path / "x.json", mapping, kind="json")
    assert report["exit"] == 0, report["problems"]
    assert report["rows"][0]["title"] == "Bad pair nul"


def test_mojibake_and_latin1_quotes_are_repaired(project: Project, tmp_path: Path) -> None:
    source, mapping = export(
        tmp_path / "in", [row(1, title="The agency\u00e2\u20ac\u2122s plan"), row(2, title="A \x93quoted\x94 word")]
    )
    report = import_json(project, source, mapping)
    assert [r["title"] for r in report["rows"]] == ["The agency\u2019s plan", "A \u201cquoted\u201d word"]


# -- redirect maps --------------------------------------------------------------------------------


def test_s3_rules_stay_within_the_limit(project: Project, tmp_path: Path) -> None:
    rows = [row(index, url=f"/publication/item-{index}") for index in range(60)]
    rows += [row(100 + index, url=f"/news/2020/item-{index}") for index in range(5)]
    source, mapping = export(tmp_path / "in", rows)
    report = import_json(project, source, mapping, "--redirect-base", "/")
    assert report["exit"] == 0, report["problems"]
    rules = json.loads((project.root / "redirects/s3-routing-rules.json").read_text())
    assert len(rules) <= 50
    assert {r["Condition"]["KeyPrefixEquals"]: r["Redirect"]["ReplaceKeyPrefixWith"] for r in rules} == {
        "news/": "library/news/",
        "publication/": "library/publication/",
    }
    assert any("prefix rules" in line for line in report["redirects"])
    assert project.build().ok
    assert (project.out / "publication/item-7/index.html").is_file()  # where the prefix rule lands


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_nginx_accepts_the_map(project: Project, tmp_path: Path) -> None:
    rows = [row(index, url=f"/publication/item-{index}") for index in range(30)]
    rows.append(row(99, url="/news/o'hare%20(2020);x=1,y@z"))
    source, mapping = export(tmp_path / "in", rows)
    report = import_json(project, source, mapping, "--redirect-base", "/")
    assert report["exit"] == 0, report["problems"]
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{}}
http {{
    access_log off;
    include {project.root}/redirects/nginx-redirects.conf;
    server {{
        listen 127.0.0.1:1;
        if ($sitegen_import_redirect) {{ return 301 $sitegen_import_redirect; }}
    }}
}}
""")
    result = subprocess.run(
        ["nginx", "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert '"/news/o\'hare (2020);x=1,y@z"' in (project.root / "redirects/nginx-redirects.conf").read_text()
