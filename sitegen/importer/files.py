"""Attachments from the `--files` mirror of the old site's files folder, under safe names.

The mirror is untrusted like the export: its files are listed once by walking it without
following symbolic links (a link is refused, never read), opened with O_NOFOLLOW and checked to
be regular files, and copied only when a row that will be written uses them. Every name in
content/files/ is made here from the old name (lower case, letters, digits and hyphens, the
extension kept), so no title or file name of the export can choose a path; the type and first
bytes are checked by `loader.check_files`, the same check a contributor's upload gets.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from ..loader import FILE_SIGNATURES, check_files

CHUNK = 1024 * 1024


@dataclass
class FileIndex:
    """Every regular file under the mirror, by path relative to it (and by lower-case base name)."""

    root: Path | None
    files: dict[str, str] = field(default_factory=dict)  # relative posix path -> absolute path
    links: set[str] = field(default_factory=set)  # relative paths that are symbolic links
    by_name: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def scan(cls, root: Path | None) -> FileIndex:
        index = cls(root)
        if root is None:
            return index
        for top, dirs, names in os.walk(root, followlinks=False):
            relative_top = os.path.relpath(top, root).replace(os.sep, "/")
            prefix = "" if relative_top == "." else relative_top + "/"
            for name in dirs:
                if os.path.islink(os.path.join(top, name)):
                    index.links.add(prefix + name)
            dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(top, d))]
            for name in names:
                relative = prefix + name
                full = os.path.join(top, name)
                try:
                    info = os.lstat(full)
                except OSError:
                    continue
                if stat.S_ISLNK(info.st_mode):
                    index.links.add(relative)
                elif stat.S_ISREG(info.st_mode):
                    index.files[relative] = full
                    index.by_name.setdefault(name.lower(), []).append(relative)
        return index

    def find(self, relative: str) -> tuple[str | None, str]:
        """(path in the mirror, "") or (None, why not) for a file the export names."""
        if relative in self.files:
            return relative, ""
        if relative in self.links or any(relative.startswith(link + "/") for link in self.links):
            return None, "it is a symbolic link in --files, which an import never follows"
        same = self.by_name.get(posixpath.basename(relative).lower(), [])
        if len(same) == 1:
            return same[0], ""
        if self.root is None:
            return None, "no --files folder was given"
        if len(same) > 1:
            return None, f"it is not at {relative} in --files, and {len(same)} files there have its name"
        return None, f"it is not in --files (looked for {relative})"


def mirror_path(url_path: str, prefix: str) -> str | None:
    """The path under the mirror for an old file address, or None when it is not a file address.

    `/sites/default/files/2018-10/PIA%20049.pdf` with the prefix `/sites/default/files/` gives
    `2018-10/PIA 049.pdf`. Dot segments and backslashes are refused: a name cannot climb out.
    """
    path = unquote(url_path)
    if prefix and path.startswith(prefix):
        path = path[len(prefix) :]
    elif prefix and url_path.startswith("/"):
        return None
    path = path.lstrip("/")
    parts = path.split("/")
    if not path or "\\" in path or "\0" in path or any(part in ("", ".", "..") for part in parts):
        return None
    return path


def safe_name(relative: str) -> tuple[str, str]:
    """(name for content/files/, "") or ("", why not) for a file of the mirror."""
    from slugify import slugify

    stem, extension = posixpath.splitext(posixpath.basename(relative))
    extension = extension.lstrip(".").lower()
    if extension == "jpeg":
        extension = "jpg"
    if extension not in FILE_SIGNATURES:
        shown = f'".{extension}" files' if extension else "files without an extension"
        return "", f"{shown} cannot be published (allowed: {', '.join(sorted(FILE_SIGNATURES))})"
    name = slugify(stem, max_length=80, word_boundary=True) or "file"
    return f"{name}.{extension}", ""


def _digest(path: str) -> tuple[str, int, bytes]:
    """(sha256, size, first 4 KiB) of a regular file, read without following a symbolic link."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError("not a regular file")
        digest = hashlib.sha256()
        head = handle.read(4096)
        digest.update(head)
        size = len(head)
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size, head


@dataclass
class Placed:
    file: str  # content-relative: files/x.pdf
    source: str  # absolute path in the mirror
    new: bool  # to be copied (False: the same bytes are already there)


class AttachmentPlanner:
    """Decides where each used file of the mirror goes, without writing anything."""

    def __init__(self, index: FileIndex, content: Path):
        self.index = index
        self.content = content
        self.placed: dict[str, Placed] = {}  # mirror path -> where it goes
        self.failed: dict[str, str] = {}  # mirror path -> why not
        self.taken: dict[str, str] = {}  # content-relative name -> sha256
        self._scratch = tempfile.TemporaryDirectory(prefix="sitegen-import-check-")

    def close(self) -> None:
        self._scratch.cleanup()

    def _bytes_problem(self, name: str, head: bytes) -> str:
        """The check a contributor's upload gets (`loader.check_files`), on the file's first bytes."""
        scratch = Path(self._scratch.name)
        target = scratch / "content" / "files" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(head)
        try:
            problems = check_files(scratch, [f"files/{name}"])
        finally:
            target.unlink()
        return problems[0].message if problems else ""

    def place(self, relative: str) -> tuple[Placed | None, str]:
        if relative in self.placed:
            return self.placed[relative], ""
        if relative in self.failed:
            return None, self.failed[relative]
        placed, why = self._place(relative)
        if placed is None:
            self.failed[relative] = why
        else:
            self.placed[relative] = placed
        return placed, why

    def _place(self, relative: str) -> tuple[Placed | None, str]:
        name, why = safe_name(relative)
        if not name:
            return None, why
        source = self.index.files[relative]
        try:
            digest, size, head = _digest(source)
        except OSError as exc:
            return None, f"it cannot be read ({getattr(exc, 'strerror', None) or exc})"
        problem = self._bytes_problem(name, head)
        if problem:
            return None, problem
        stem, extension = posixpath.splitext(name)
        for number in range(1, 10_000):
            candidate = f"files/{stem}{'' if number == 1 else f'-{number}'}{extension}"
            if self.taken.get(candidate) == digest:
                return Placed(candidate, source, False), ""
            if candidate in self.taken:
                continue
            existing = self.content / candidate
            if existing.is_symlink():
                continue
            if existing.exists():
                try:
                    same = existing.stat().st_size == size and _digest(str(existing))[0] == digest
                except OSError:
                    same = False
                self.taken[candidate] = digest if same else "other"
                if same:
                    return Placed(candidate, source, False), ""
                continue
            self.taken[candidate] = digest
            return Placed(candidate, source, True), ""
        return None, "too many files have this name"


__all__ = ["AttachmentPlanner", "FileIndex", "Placed", "mirror_path", "safe_name"]
