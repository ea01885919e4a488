"""A content file that changes between the walk that lists it and the read: a message, no host file.

The walk leaves links out by their type in the folder's listing; the file is opened later. A
file swapped for a link in between (`one.md -> /etc/passwd`) is refused when opened
(O_NOFOLLOW), and a file removed in between is reported: both as diagnostics at the file, never
a traceback, and nothing is published.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sitegen import scan
from sitegen.cli import main
from sitekit import Project

HOST_FILE_START = "root:x:0:0"  # what /etc/passwd starts with


def after_walk(monkeypatch: pytest.MonkeyPatch, change: Callable[[], None]) -> None:
    """Run `change` right after the project walk has listed the files."""
    real = scan._sources

    def walked(project: Path) -> Any:
        found = real(project)
        change()
        return found

    monkeypatch.setattr(scan, "_sources", walked)


def source(project: Project) -> Path:
    return next((project.root / "content" / "publications").rglob("one.md"))


def test_a_file_swapped_for_a_link_after_the_walk_is_refused_not_read(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project.publication("one", body="Text.\n")

    def swap() -> None:
        path = source(project)
        path.unlink()
        path.symlink_to("/etc/passwd")

    after_walk(monkeypatch, swap)
    result = CliRunner().invoke(main, ["build", str(project.root), "-o", str(project.out)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    relative = source(project).relative_to(project.root).as_posix()
    assert f"{relative}:" in result.output and "symbolic links are not allowed" in result.output
    assert not project.out.exists() or HOST_FILE_START not in "".join(
        p.read_text(errors="replace") for p in project.out.rglob("*") if p.is_file()
    )


def test_a_file_removed_after_the_walk_is_a_message(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    project.publication("one", body="Text.\n")
    path = source(project)
    after_walk(monkeypatch, path.unlink)
    report = project.build()
    assert not report.ok
    (problem,) = report.diagnostics
    assert problem.code == "unreadable-file"
    assert problem.path == path.relative_to(project.root).as_posix()


def test_read_file_reads_every_byte_whatever_the_size_it_was_told(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first read is sized by fstat; a file that grew after it (or a size that lies) is
    still read to its end."""
    for size in (0, 1, 7_000, 65_536, 300_001):
        path = tmp_path / f"file-{size}"
        data = os.urandom(size)
        path.write_bytes(data)
        assert scan.read_file(str(path)) == data
    real_fstat = os.fstat
    monkeypatch.setattr(scan.os, "fstat", lambda fd: os.stat_result((*real_fstat(fd)[:6], 10, *real_fstat(fd)[7:])))
    grown = tmp_path / "grown"
    grown.write_bytes(b"x" * 200_000)
    assert scan.read_file(str(grown)) == b"x" * 200_000
