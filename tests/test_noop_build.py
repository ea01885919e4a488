"""A build that finds nothing changed costs a listing of each folder, not a system call per file.

The project walk and the survey of the live site take each name's type from its folder's listing
(scandir's d_type). They used to stat every content file twice (is it a link? a regular file?)
and every published file once: 45,000 calls at 10,000 publications, on every build. The walk
still refuses links and special files, and the survey still finds a file gone from the site or
a link planted in it (tests/test_untrusted_files.py, tests/test_publish_safety.py); here, the
count, and that a deleted or planted file is still noticed without those calls.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sitekit import Project
from test_incremental import make_corpus

PUBLICATIONS = 40


class _Entry:
    """A DirEntry whose stat() is counted."""

    def __init__(self, entry: os.DirEntry[str], calls: list[str]):
        self._entry, self._calls = entry, calls

    def __getattr__(self, name: str) -> Any:
        return getattr(self._entry, name)

    def stat(self, **kwargs: Any) -> os.stat_result:
        self._calls.append(self._entry.path)
        return self._entry.stat(**kwargs)


class _Listing:
    def __init__(self, listing: Any, calls: list[str]):
        self._listing, self._calls = listing, calls

    def __iter__(self) -> Iterator[_Entry]:
        return self

    def __next__(self) -> _Entry:
        return _Entry(next(self._listing), self._calls)

    def __enter__(self) -> _Listing:
        return self

    def __exit__(self, *exc: object) -> None:
        self._listing.close()


def count_stats(monkeypatch: pytest.MonkeyPatch, under: tuple[Path, ...]) -> list[str]:
    """Every stat, lstat and DirEntry.stat of a path under `under` from now on."""
    calls: list[str] = []
    prefixes = tuple(str(folder) + os.sep for folder in under)
    real_stat, real_lstat, real_scandir = os.stat, os.lstat, os.scandir

    def noted(path: Any) -> None:
        if isinstance(path, (str, os.PathLike)) and os.fspath(path).startswith(prefixes):
            calls.append(os.fspath(path))

    def stat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        noted(path)
        return real_stat(path, *args, **kwargs)

    def lstat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        noted(path)
        return real_lstat(path, *args, **kwargs)

    def scandir(path: Any = ".") -> _Listing:
        return _Listing(real_scandir(path), calls if os.fspath(path).startswith(prefixes) else [])

    monkeypatch.setattr(os, "stat", stat)
    monkeypatch.setattr(os, "lstat", lstat)
    monkeypatch.setattr(os, "scandir", scandir)
    return calls


def test_a_build_that_finds_nothing_changed_stats_no_content_or_published_file(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_corpus(project, PUBLICATIONS)
    assert project.build().ok
    pages = sum(1 for _ in project.out.rglob("index.html"))
    assert pages > PUBLICATIONS
    calls = count_stats(monkeypatch, (project.root / "content", project.out))
    report = project.build()
    assert report.ok and report.site is None, "nothing changed: nothing was built"
    # What is left is a handful of fixed names (the marker, site.yaml...), not one per file.
    assert len(calls) < 10, sorted(calls)


def test_the_names_alone_still_show_a_deleted_page_and_a_planted_link(project: Project) -> None:
    make_corpus(project, 4)
    assert project.build().ok
    page = project.out / "publications" / "pub-01" / "index.html"
    expected = page.read_bytes()
    page.unlink()
    report = project.build()
    assert report.ok and report.site is not None, "a page gone from the site is a reason to build"
    assert page.read_bytes() == expected
    planted = project.out / "publications" / "pub-02" / "passwd"
    planted.symlink_to("/etc/passwd")
    report = project.build()
    assert report.ok and report.site is not None, "a link in the site is a reason to build"
    assert not os.path.lexists(planted)
