"""A cache is data, not code: a planted, foreign or damaged cache folder means a cold build.

The cache folder sits in the project, so a pull request can commit one. Nothing read from it may
run code (pickles, compiled templates) or publish HTML (bodies) unless this user's sitegen wrote
it, which an HMAC under a key kept outside the project proves.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import marshal
import os
import pickle
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import jinja2.bccache
import pytest
from click.testing import CliRunner

from sitegen import cache as cache_module
from sitegen.cache import FILE_HASHES, JOURNAL, PARSED, _output_id, content_key
from sitegen.cli import main
from sitegen.store import KEY_ENV, key_file, sign
from sitekit import Project
from test_incremental import clean_build, make_corpus, tree

SCRIPT = "<script>alert('planted')</script>"


@pytest.fixture(autouse=True)
def user_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own home and per-user cache folder: the real user's key is never touched."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv(KEY_ENV, raising=False)
    return tmp_path / "xdg"


class Planted:
    """A pickle that creates `marker` when it is loaded."""

    def __init__(self, marker: Path):
        self.marker = marker

    def __reduce__(self) -> tuple:
        return (Path.touch, (self.marker,))


def planted_pickle(marker: Path) -> bytes:
    payload = pickle.dumps(Planted(marker), protocol=pickle.HIGHEST_PROTOCOL)
    probe = marker.with_name("probe")
    pickle.loads(pickle.dumps(Planted(probe)))  # the payload does run when unpickled
    assert probe.exists()
    probe.unlink()
    return payload


def cache_dir(project: Project) -> Path:
    return project.root / ".sitegen-cache"


@contextlib.contextmanager
def store(project: Project) -> Iterator[sqlite3.Connection]:
    """The cache database, opened (in autocommit) and closed again, as an attacker would write it."""
    db = sqlite3.connect(cache_dir(project) / "store.sqlite", isolation_level=None)
    try:
        yield db
    finally:
        db.close()


def source(project: Project, slug: str) -> Path:
    return next((project.root / "content/publications").rglob(f"{slug}.md"))


def edit_body(project: Project, slug: str = "pub-02") -> None:
    """An edit the quick rebuild makes (starting from the kept route)."""
    path = source(project, slug)
    path.write_text(path.read_text() + "\nOne more sentence.\n")


def edit_title(project: Project, slug: str = "pub-02") -> None:
    """An edit only the full build makes (reading the parsed store)."""
    path = source(project, slug)
    path.write_text(path.read_text().replace("title: ", "title: New ", 1))


def warm(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """A corpus built twice, so the cache folder holds every kind of file: store, journal, routes."""
    journal_min = cache_module.JOURNAL_MIN
    monkeypatch.setattr(cache_module, "JOURNAL_MIN", 0)  # a small site's store is written whole too
    make_corpus(project, 6)
    project.build()
    monkeypatch.setattr(cache_module, "JOURNAL_MIN", journal_min)
    edit_title(project, "pub-05")  # the full build writes its record to the journal
    project.build()
    names = {path.name for path in cache_dir(project).iterdir()}
    assert {PARSED, JOURNAL, "store.sqlite", f"manifest-{_output_id(project.out)}.pickle"} <= names


def built(project: Project, tmp_path: Path, **options: object) -> None:
    """Build (with the planted cache); the build succeeded and equals a clean build."""
    report = project.build(**options)
    assert report.ok, [d.text() for d in report.diagnostics]
    assert tree(project.out) == clean_build(project, tmp_path)


# (a) planted pickles never run


@pytest.mark.parametrize("name", [PARSED, JOURNAL, FILE_HASHES, "routes"])
@pytest.mark.parametrize("prefix", [b"", b"\0" * 32], ids=["bare", "fake-mac"])
def test_a_planted_pickle_file_never_runs(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, prefix: bytes
) -> None:
    warm(project, monkeypatch)
    marker = tmp_path / "pwned"
    if name == "routes":
        name = f"manifest-{_output_id(project.out)}.pickle"
        assert (cache_dir(project) / name).is_file()  # the name cache.py uses
    (cache_dir(project) / name).write_bytes(prefix + planted_pickle(marker))
    edit_title(project)  # a full build: it reads the store, the journal and the fingerprints
    built(project, tmp_path)
    assert not marker.exists()


def test_a_planted_route_row_never_runs(project: Project, tmp_path: Path) -> None:
    make_corpus(project, 6)
    project.build()
    marker = tmp_path / "pwned"
    with store(project) as db:
        (count,) = db.execute("SELECT count(*) FROM routes").fetchone()
        assert count > 0
        db.execute("UPDATE routes SET route = ?", (planted_pickle(marker),))
    edit_body(project)  # a quick rebuild starts from the kept route
    report = project.build()
    assert report.ok and "quick" not in report.timings  # the route did not verify: a full build
    assert tree(project.out) == clean_build(project, tmp_path)
    assert not marker.exists()


def test_a_planted_compiled_template_never_runs(project: Project, tmp_path: Path) -> None:
    make_corpus(project, 4)
    project.build()
    marker = tmp_path / "pwned"
    code = compile(f"__import__('pathlib').Path({str(marker)!r}).touch()", "<planted>", "exec")
    folder = cache_dir(project) / "templates"
    signed = sorted(folder.glob("*.signed"))
    assert signed
    for path in signed:
        stream = io.BytesIO(path.read_bytes()[32:])
        assert stream.read(len(jinja2.bccache.bc_magic)) == jinja2.bccache.bc_magic
        checksum = pickle.load(stream)  # the template's real checksum, so only the MAC stops it
        payload = jinja2.bccache.bc_magic + pickle.dumps(checksum, 2) + marshal.dumps(code)
        path.write_bytes(b"\0" * 32 + payload)
        (folder / f"__jinja2_{path.stem}.cache").write_bytes(payload)  # jinja2's own cache's name
    (project.out / "publications/pub-01/index.html").unlink()
    built(project, tmp_path)
    assert not marker.exists()


# (b) a planted body is never published


def planted_body(project: Project, slug: str) -> str:
    """The content key of a publication's body, computed as anyone can, and checked to be the stored one."""
    path = source(project, slug)
    key = content_key(path.relative_to(project.root).as_posix(), path.read_bytes())
    with store(project) as db:
        assert db.execute("SELECT count(*) FROM bodies WHERE key = ?", (key,)).fetchone() == (1,)
    return key


@pytest.mark.parametrize("mac", ["wrong", "empty", "other-key", "text", "moved"])
def test_a_planted_body_row_is_never_published(project: Project, tmp_path: Path, mac: str) -> None:
    make_corpus(project, 4)
    project.build()
    key = planted_body(project, "pub-01")
    html = f"<p>Text of publication 1.</p>{SCRIPT}".encode()
    with store(project) as db:
        if mac == "moved":  # another body's row, its MAC and all, under this key
            db.execute(
                "UPDATE bodies SET (html, mac) = (SELECT html, mac FROM bodies WHERE key = ?) WHERE key = ?",
                (planted_body(project, "pub-02"), key),
            )
        else:
            macs = {
                "wrong": os.urandom(32),
                "empty": b"",
                "text": "a text mac",
                "other-key": sign(b"another user's key", b"body", key.encode(), html),
            }
            db.execute(
                "UPDATE bodies SET html = ?, mac = ? WHERE key = ?",
                (html.decode() if mac == "text" else html, macs[mac], key),
            )
    (project.out / "publications/pub-01/index.html").unlink()  # so the page is rendered again
    built(project, tmp_path)
    page = project.html("/publications/pub-01/")
    assert "planted" not in page and "Text of publication 2." not in page
    assert "Text of publication 1." in page


def test_a_fresh_parse_replaces_a_planted_body(project: Project, tmp_path: Path) -> None:
    make_corpus(project, 4)
    project.build()
    key = planted_body(project, "pub-01")
    with store(project) as db:
        db.execute("UPDATE bodies SET html = ?, mac = ? WHERE key = ?", (SCRIPT.encode(), b"\0" * 32, key))
    for name in (PARSED, JOURNAL):  # no parsed record: the file is parsed again, and its body stored
        (cache_dir(project) / name).unlink(missing_ok=True)
    (project.out / "publications/pub-01/index.html").unlink()
    built(project, tmp_path)
    assert "planted" not in project.html("/publications/pub-01/")


@pytest.mark.parametrize("schema", ["old-format", "forged-schema-row"])
def test_a_planted_database_is_discarded(project: Project, tmp_path: Path, schema: str) -> None:
    """A whole database committed to the project: an old format, or ours with a schema row it cannot sign."""
    make_corpus(project, 4)
    project.build()
    key = planted_body(project, "pub-01")
    for suffix in ("", "-wal", "-shm"):
        (cache_dir(project) / f"store.sqlite{suffix}").unlink(missing_ok=True)
    with store(project) as db:
        if schema == "old-format":
            db.execute("CREATE TABLE bodies (key TEXT PRIMARY KEY, html TEXT NOT NULL)")
            db.execute("CREATE TABLE routes (fingerprint TEXT PRIMARY KEY, route BLOB NOT NULL)")
            db.execute("INSERT INTO bodies VALUES (?, ?)", (key, SCRIPT))
        else:
            db.execute("CREATE TABLE bodies (key TEXT PRIMARY KEY, html BLOB NOT NULL, mac BLOB NOT NULL)")
            db.execute("CREATE TABLE meta (name TEXT PRIMARY KEY, mac BLOB NOT NULL)")
            db.execute("CREATE TABLE routes (fingerprint TEXT PRIMARY KEY, route BLOB NOT NULL, mac BLOB NOT NULL)")
            db.execute("INSERT INTO meta VALUES ('schema', ?)", (os.urandom(32),))
            db.execute("INSERT INTO bodies VALUES (?, ?, ?)", (key, SCRIPT.encode(), os.urandom(32)))
    (project.out / "publications/pub-01/index.html").unlink()
    built(project, tmp_path)
    assert "planted" not in project.html("/publications/pub-01/")


# (c) another key's cache is a cold build


def test_a_cache_made_with_another_key_is_a_cold_build(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, user_cache: Path
) -> None:
    make_corpus(project, 6)
    monkeypatch.setenv(KEY_ENV, "the key of the first CI run")
    project.build()
    assert project.build().parsed == 0  # the same key: warm
    edit_body(project)
    monkeypatch.setenv(KEY_ENV, "another key altogether")
    report = project.build()
    assert report.ok and "quick" not in report.timings
    assert report.parsed == len(list((project.root / "content").rglob("*.md")))  # every file parsed again
    assert report.rendered == report.routes
    assert tree(project.out) == clean_build(project, tmp_path)
    assert not key_file().exists()  # a configured key needs no key file
    assert project.build().parsed == 0  # the cache is now this key's


def test_the_key_file_is_the_users_and_private(
    project: Project, tmp_path: Path, user_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_corpus(project, 3)
    assert project.build().ok
    path = user_cache / "sitegen" / "cache-key"
    assert key_file() == path and path.is_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(path.read_bytes()) == 32
    assert not any(cache_dir(project).rglob("*key*"))  # nothing of the key in the project
    assert project.build().parsed == 0  # the same key next time: warm
    key = path.read_bytes()
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert key_file() == tmp_path / "home" / ".cache" / "sitegen" / "cache-key"
    edit_body(project)
    report = project.build()  # another key file, made now: cold, and the same site
    assert report.parsed > 1 and tree(project.out) == clean_build(project, tmp_path)
    assert stat.S_IMODE(key_file().stat().st_mode) == 0o600 and key_file().read_bytes() != key


def test_an_unusable_key_file_still_builds(project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_corpus(project, 3)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))  # no key file can be made under a file
    built(project, tmp_path)


# (d) damaged cache files are a cold build


def damaged(data: bytes, how: str) -> bytes:
    return {
        "garbage": hashlib.sha256(data).digest() * 64,
        "truncated": data[: len(data) // 2],
        "empty": b"",
        "flipped": data[:-1] + bytes([data[-1] ^ 1]),
    }[how]


@pytest.mark.parametrize("how", ["garbage", "truncated", "empty", "flipped"])
@pytest.mark.parametrize("name", [PARSED, JOURNAL, "routes", "store.sqlite"])
def test_a_damaged_cache_file_is_a_cold_build(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, how: str
) -> None:
    warm(project, monkeypatch)
    if name == "routes":
        name = f"manifest-{_output_id(project.out)}.pickle"
    path = cache_dir(project) / name
    if name == "store.sqlite":
        with store(project) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert path.is_file() and path.stat().st_size > 0
    path.write_bytes(damaged(path.read_bytes(), how))
    (edit_title if name in (PARSED, JOURNAL) else edit_body)(project, "pub-04")
    result = CliRunner().invoke(main, ["build", str(project.root), "--jobs", "1", "--no-search"], catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert tree(project.out) == clean_build(project, tmp_path)
