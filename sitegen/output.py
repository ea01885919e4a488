"""The only writer of the output folder.

A build writes the files whose bytes changed into a staging folder beside the output; nothing in
the output folder changes until the whole build has succeeded. Then `commit` moves the staged
files in and deletes outputs that no longer exist, with SIGINT/SIGTERM held back for those few
milliseconds, so an interrupted or failed build leaves the previous site exactly as it was.
Unchanged files are never rewritten (their modification time stays, and sync tools see no
change). Every path is checked to stay inside the output folder.
"""

from __future__ import annotations

import contextlib
import filecmp
import os
import shutil
import signal
import threading
from pathlib import Path
from typing import Iterator

from .cache import write_file
from .urls import is_safe_output

MARKER = ".sitegen-output"  # marks a folder as ours, so we never empty a folder of someone else's files


class OutputError(Exception):
    """The output folder cannot be used; the message says why."""


def refuse_output(project: Path, out: Path) -> str | None:
    """Why `out` must not be an output folder, or None when it may be."""
    project, out = project.resolve(), out.resolve()
    home = Path.home().resolve()
    if out == Path(out.anchor) or out == home:
        return f"refusing to use {out} as the output folder"
    if out == project or out in project.parents:
        return f"the output folder {out} would contain the project itself"
    for inner in ("content", "templates", "assets", "sitegen", "tests", ".git", "node_modules"):
        folder = project / inner
        if out == folder or folder in out.parents:
            return f"the output folder must not be inside {inner}/"
    return None


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT/SIGTERM while the output folder is being switched; deliver them afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {sig: signal.signal(sig, lambda number, frame: received.append(number))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for sig in received[:1]:
            signal.raise_signal(sig)


class Output:
    def __init__(self, out: Path):
        self.out = out.absolute()
        self.staging = self.out.parent / f".{self.out.name}.sitegen-staging"

    def begin(self) -> None:
        """Clear debris of an interrupted build and check the folder is ours to write."""
        if self.out.exists() and not self.out.is_dir():
            raise OutputError(f"{self.out} exists and is not a folder")
        if self.out.is_dir() and any(self.out.iterdir()) and not (self.out / MARKER).exists():
            raise OutputError(f"{self.out} holds files that sitegen did not write; "
                              "empty it or choose another output folder with -o")
        self.abort()
        self.staging.mkdir(parents=True)

    def abort(self) -> None:
        if self.staging.exists():
            shutil.rmtree(self.staging)

    def _paths(self, relative: str) -> tuple[Path, Path]:
        if not is_safe_output(relative) or relative == MARKER:
            raise OutputError(f"refusing to write {relative!r}: it would leave the output folder")
        return self.out / relative, self.staging / relative

    def write(self, relative: str, data: bytes) -> bool:
        """Stage `data` for `relative` unless the published file already has these bytes."""
        if not is_safe_output(relative) or relative == MARKER:
            raise OutputError(f"refusing to write {relative!r}: it would leave the output folder")
        target = os.path.join(self.out, relative)  # strings and bare calls: this runs per page
        try:
            if os.stat(target).st_size == len(data):
                with open(target, "rb") as handle:
                    if handle.read() == data:
                        return False
        except (FileNotFoundError, NotADirectoryError):
            pass
        write_file(os.path.join(self.staging, relative), data, atomic=False)  # staging is ours alone
        return True

    def copy(self, relative: str, source: Path) -> bool:
        """Stage a copy of `source` (an asset or attachment) unless it is already published.

        Copies keep the source's modification time, so an unchanged copy is recognised by size
        and time without reading it (attachments can be large and many), as rsync does; when
        only the time differs, the bytes decide.
        """
        target, staged = self._paths(relative)
        try:
            published, original = target.stat(), source.stat()
            if published.st_size == original.st_size and (
                    published.st_mtime_ns == original.st_mtime_ns or filecmp.cmp(target, source, shallow=False)):
                return False
        except (FileNotFoundError, NotADirectoryError):
            pass
        staged.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, staged)
        return True

    def commit(self, outputs: set[str], previous: set[str] | None = None) -> int:
        """Publish the staged files and delete outputs not in `outputs`; returns files removed.

        `previous` is the previous build's list of outputs, when known, so that finding stale
        files does not need a walk over the whole output folder.
        """
        with _signals_held():
            if not self.out.exists():
                (self.staging / MARKER).write_text("This folder is written by sitegen; its files are replaced on every build.\n")
                os.rename(self.staging, self.out)
                return 0
            for folder, _dirs, files in os.walk(self.staging):
                for name in files:
                    staged = Path(folder, name)
                    target = self.out / staged.relative_to(self.staging)
                    if target.is_dir():
                        shutil.rmtree(target)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(staged, target)
            existing = previous if previous is not None else self._published()
            removed = 0
            for relative in sorted(existing - outputs):
                target, _ = self._paths(relative)
                if target.is_file() or target.is_symlink():
                    target.unlink()
                    removed += 1
                    self._prune(target.parent)
            shutil.rmtree(self.staging)
            return removed

    def _published(self) -> set[str]:
        found = set()
        for folder, _dirs, files in os.walk(self.out):
            for name in files:
                relative = Path(folder, name).relative_to(self.out).as_posix()
                if relative != MARKER:
                    found.add(relative)
        return found

    def _prune(self, folder: Path) -> None:
        while folder != self.out and self.out in folder.parents:
            try:
                folder.rmdir()
            except OSError:
                return
            folder = folder.parent
