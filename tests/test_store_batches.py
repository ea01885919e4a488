"""The cache is written a chunk at a time, and the output's folders are made before their files.

A transaction per row cost as much as the row; a chunk's rows now go in one transaction at its
end, so a build killed mid-chunk loses that chunk whole and leaves every other row intact. And a
page's folder is made before the page is opened there, instead of after a failed open.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from sitegen import loader, scan
from sitegen import store as store_module
from sitegen.output import MARKER
from sitegen.store import KEY_ENV, Bodies, Routes, Store
from sitekit import Project
from test_incremental import make_corpus


@pytest.fixture(autouse=True)
def user_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, "a test key, not the user's")


def rows(path: Path, table: str) -> int:
    """The rows another process would see in the database now."""
    with sqlite3.connect(path) as reader:
        (count,) = reader.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608 - our own names
    return int(count)


def test_rows_put_in_a_batch_are_written_together_when_it_ends(tmp_path: Path) -> None:
    store = Store(tmp_path / "store.sqlite")
    bodies, routes = Bodies(store), Routes(store)
    store.db()
    with store.batch():
        for number in range(3):
            bodies.put(f"{number:040x}", f"<p>body {number}</p>")
            routes.put(f"{number:032x}", {"route": number})
        assert rows(store.path, "bodies") == rows(store.path, "routes") == 0, "nothing is written before the end"
        assert bodies.get(f"{1:040x}") == "<p>body 1</p>", "a body put in the chunk is read from it"
    assert rows(store.path, "bodies") == rows(store.path, "routes") == 3
    assert bodies.get(f"{2:040x}") == "<p>body 2</p>"
    assert routes.get(f"{2:032x}") == {"route": 2}
    bodies.put("f" * 40, "<p>alone</p>")  # outside a batch: written at once, as a quick rebuild does
    assert rows(store.path, "bodies") == 4
    store.close()


def test_a_chunk_that_fails_writes_none_of_its_rows(tmp_path: Path) -> None:
    store = Store(tmp_path / "store.sqlite")
    bodies = Bodies(store)
    bodies.put("a" * 40, "<p>before</p>")
    with pytest.raises(RuntimeError), store.batch():
        bodies.put("b" * 40, "<p>lost</p>")
        raise RuntimeError("a worker's chunk fails")
    assert rows(store.path, "bodies") == 1
    with pytest.raises(KeyError):
        bodies.get("b" * 40)
    assert bodies.get("a" * 40) == "<p>before</p>"
    store.close()


def test_a_build_writes_its_bodies_and_routes_a_chunk_at_a_time(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parsing and rendering (the same chunk functions forked workers run) write inside a batch."""
    writes: list[tuple[str, bool]] = []
    write = Store.write

    def recording(self: Store, statement: str, row: tuple[Any, ...]) -> None:
        writes.append((statement.split()[4], self._pending() is not None))
        write(self, statement, row)

    monkeypatch.setattr(Store, "write", recording)
    make_corpus(project, 12)
    assert project.build().ok
    tables = {table for table, _ in writes}
    assert tables == {"bodies", "routes"}
    assert all(batched for _, batched in writes), [table for table, batched in writes if not batched]
    assert len([table for table, _ in writes if table == "bodies"]) == 12 + 4  # publications, components, pages


def test_a_new_database_has_large_pages(tmp_path: Path) -> None:
    store = Store(tmp_path / "store.sqlite")
    db = store.db()
    assert db is not None
    assert db.execute("PRAGMA page_size").fetchone()[0] == store_module.PAGE_SIZE
    store.close()


def test_no_file_is_opened_in_a_staging_folder_that_is_not_made_yet(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every page's folder is made before its file is opened: cold, and when new folders appear."""
    failed: list[str] = []
    real_open = os.open

    def watched(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        try:
            return real_open(path, flags, *args, **kwargs)
        except OSError as exc:
            if exc.errno == errno.ENOENT and ".sitegen-staging" in os.fsdecode(path):
                failed.append(os.fsdecode(path))
            raise

    monkeypatch.setattr(os, "open", watched)
    make_corpus(project, 12)
    project.write("content/files/report.pdf", "%PDF-1.4 a report")
    project.publication("with-file", attachments=[{"file": "files/report.pdf", "title": "The report"}])
    assert project.build().ok
    assert not failed, failed
    project.publication("in-a-new-year", date="2031-02-03")
    project.page("contact", "Contact us", "Write to us.")
    assert project.build().ok
    assert not failed, failed
    assert (project.out / "contact" / "index.html").is_file()


def test_a_cold_build_reads_each_content_file_once(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """The parse gets the bytes the scan hashed, instead of reading every file a second time."""
    reads: list[str] = []
    read_file = loader.read_file

    def counted(path: str) -> bytes:
        reads.append(os.path.relpath(path, project.root))
        return read_file(path)

    monkeypatch.setattr(scan, "read_file", counted)
    monkeypatch.setattr(loader, "read_file", counted)
    make_corpus(project, 12)
    assert project.build().ok
    assert len(reads) == 12 + 4, "each publication, component and page, once"
    assert sorted(reads) == sorted(set(reads))
    monkeypatch.setattr(scan, "KEEP_BYTES", 0)  # past the budget: read again, with the same result
    reads.clear()
    project.publication("later", body="A later one.")
    assert project.build().ok
    assert reads.count("content/publications/2020/later.md") == 2


def test_new_pages_are_created_in_place_and_changed_ones_through_a_new_inode(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name the live site does not have is created where it goes (no rename); a published name
    is a hard link to the live file in the staging folder, so its new bytes go to a new file."""
    renamed: list[str] = []
    real_replace = os.replace

    def watched(source: Any, target: Any, **kwargs: Any) -> None:
        name = os.fsdecode(target)
        if ".sitegen-staging" in name and not name.endswith(MARKER):
            renamed.append(name.split(".sitegen-staging/", 1)[1])
        real_replace(source, target, **kwargs)

    monkeypatch.setattr(os, "replace", watched)
    make_corpus(project, 12)
    assert project.build().ok
    assert not renamed, renamed
    live = (project.out / "publications" / "pub-03" / "index.html").stat().st_ino
    page = project.root / "content" / "publications" / "2013" / "pub-03.md"
    page.write_text(page.read_text() + "\nAn added sentence.\n")
    assert project.build().ok
    assert "publications/pub-03/index.html" in renamed
    assert (project.out / "publications" / "pub-03" / "index.html").stat().st_ino != live
    assert "An added sentence." in (project.out / "publications" / "pub-03" / "index.html").read_text()


def test_a_quick_rebuild_reads_the_edited_file_once(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """The quick path parses the bytes the scan hashed, as the full build does."""
    from sitegen import quick

    make_corpus(project, 6)
    assert project.build().ok
    reads: list[str] = []
    read_file = loader.read_file

    def counted(path: str) -> bytes:
        reads.append(os.path.relpath(path, project.root))
        return read_file(path)

    monkeypatch.setattr(scan, "read_file", counted)
    monkeypatch.setattr(loader, "read_file", counted)
    monkeypatch.setattr(quick, "read_file", counted)
    edited = next((project.root / "content/publications").rglob("*.md"))
    edited.write_text(edited.read_text() + "\nOne more sentence.\n")
    report = project.build()
    assert report.ok and "quick" in report.timings
    assert reads.count(edited.relative_to(project.root).as_posix()) == 1
