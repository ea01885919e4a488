"""Writing what an import made: front matter text, and files put in place without following links.

Front matter is emitted field by field: a value is written plain only when YAML cannot read it
as anything else, and otherwise as a JSON string (JSON strings are YAML), with every character
YAML would not keep as it is escaped. The staging folder (`Overlay`) is a copy of the project's
content/, templates/ and assets/ made of hard links, in which the import writes by replacing
files, never by writing into them, so the project's own files are never changed through a link;
`sitegen check` runs on it before anything reaches the project.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

from ..schema import DATE_RE, PUBLICATION_FIELDS

FIELD_ORDER = [f.name for f in PUBLICATION_FIELDS]
_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./_()-]*$")
_NUMBER_LIKE = re.compile(r"^[-+0-9._eE ]+$|^0[xob]|^\.?(inf|nan)$", re.IGNORECASE)
_YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}
# What a YAML stream may not hold as it is (PyYAML's printable set), and its line breaks.
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]|[\u2028\u2029]")


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    text = str(value)
    if DATE_RE.match(text):
        return text
    if (
        _PLAIN.match(text)
        and text.lower() not in _YAML_WORDS
        and not _NUMBER_LIKE.match(text)
        and not text.endswith(" ")
    ):
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    return _NOT_PRINTABLE.sub(lambda m: f"\\u{ord(m.group(0)):04x}" if ord(m.group(0)) < 0x10000 else "", quoted)


def _emit(key: str, value: Any, indent: str, lines: list[str]) -> None:
    if isinstance(value, dict):
        if not value:
            lines.append(f"{indent}{key}: {{}}")
            return
        if all(not isinstance(v, (dict, list)) for v in value.values()) and len(value) > 6:
            inner = ", ".join(f"{scalar(k)}: {scalar(v)}" for k, v in value.items())
            lines.append(f"{indent}{key}: {{{inner}}}")
            return
        lines.append(f"{indent}{key}:")
        for inner_key, inner in value.items():
            _emit(scalar(inner_key), inner, indent + "  ", lines)
    elif isinstance(value, list):
        if all(not isinstance(v, (dict, list)) for v in value):
            lines.append(f"{indent}{key}: [{', '.join(scalar(v) for v in value)}]")
            return
        lines.append(f"{indent}{key}:")
        for item in value:
            if isinstance(item, dict) and item:
                first = True
                for inner_key, inner in item.items():
                    sub: list[str] = []
                    _emit(scalar(inner_key), inner, indent + "    ", sub)
                    if first:
                        sub[0] = indent + "  - " + sub[0].lstrip()
                        first = False
                    lines += sub
            elif isinstance(item, (dict, list)):
                lines.append(f"{indent}  - {json.dumps(item, ensure_ascii=False)}")  # JSON is YAML
            else:
                lines.append(f"{indent}  - {scalar(item)}")
    elif value is not None:
        lines.append(f"{indent}{key}: {scalar(value)}")


def publication_text(values: dict[str, Any], body: str) -> str:
    """The file: front matter in the schema's field order (unknown fields kept, last), then the body."""
    lines = ["---"]
    for key in sorted(values, key=lambda k: (FIELD_ORDER.index(k) if k in FIELD_ORDER else len(FIELD_ORDER), "")):
        _emit(key, values[key], "", lines)
    lines.append("---")
    text = "\n".join(lines) + "\n"
    return text + (body if body.endswith("\n") or not body else body + "\n")


# -- Putting files in place ----------------------------------------------------------------------


class UnsafePath(Exception):
    """A folder on the way to a file is a symbolic link or not a folder: nothing is written there."""


def safe_parent(root: Path, relative: str) -> Path:
    """The file's path under `root`, its folders created; refuses a link or file on the way."""
    parts = relative.split("/")
    if any(part in ("", ".", "..") for part in parts) or "\\" in relative or "\0" in relative:
        raise UnsafePath(f"{relative} is not a clean path")
    folder = root
    for part in parts[:-1]:
        folder = folder / part
        try:
            info = os.lstat(folder)
        except FileNotFoundError:
            os.mkdir(folder)
            continue
        if stat.S_ISLNK(info.st_mode) or not stat.S_ISDIR(info.st_mode):
            raise UnsafePath(f"{folder} is a symbolic link or not a folder")
    target = folder / parts[-1]
    if target.is_symlink() or (target.exists() and not target.is_file()):
        raise UnsafePath(f"{target} is a symbolic link or not a file")
    return target


def _replace(root: Path, relative: str, fill: Callable[[BinaryIO], None]) -> None:
    """Write by replacing: `fill` writes a temporary file beside the target, then a rename."""
    target = safe_parent(root, relative)
    fd, temporary = tempfile.mkstemp(prefix=".import-", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            fill(handle)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        with _ignored():
            os.unlink(temporary)
        raise


def write_file(root: Path, relative: str, data: bytes) -> None:
    def fill(handle: BinaryIO) -> None:
        handle.write(data)

    _replace(root, relative, fill)


def copy_file(root: Path, relative: str, source: str) -> None:
    """A copy of a regular file, opened without following a symbolic link."""

    def fill(writer: BinaryIO) -> None:
        source_fd = os.open(source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(source_fd, "rb") as reader:
            if not stat.S_ISREG(os.fstat(reader.fileno()).st_mode):
                raise UnsafePath(f"{source} is not a regular file")
            shutil.copyfileobj(reader, writer, 1024 * 1024)

    _replace(root, relative, fill)


class _ignored:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> bool:
        return exc[0] is not None and issubclass(exc[0], OSError)  # type: ignore[arg-type]


def _link_tree(source: Path, target: Path) -> None:
    """A copy of a folder made of hard links (copies where links are refused); links stay links."""

    def link(src: str, dst: str) -> None:
        try:
            os.link(src, dst, follow_symlinks=False)
        except OSError as exc:
            if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.EACCES):
                raise
            shutil.copy2(src, dst, follow_symlinks=False)

    shutil.copytree(source, target, symlinks=True, copy_function=link)


class Overlay:
    """A staging copy of the project in which the import writes and `sitegen check` runs."""

    FOLDERS = ("content", "templates", "assets")

    def __init__(self, project: Path):
        self.project = project
        try:
            # Beside the project's own files, so links and the final renames stay on one file system.
            self.root = Path(tempfile.mkdtemp(prefix=".sitegen-import-", dir=project))
        except OSError:
            self.root = Path(tempfile.mkdtemp(prefix="sitegen-import-"))
        for name in self.FOLDERS:
            if (project / name).is_dir() and not (project / name).is_symlink():
                _link_tree(project / name, self.root / name)
        for name in ("package.json",):
            if (project / name).is_file():
                shutil.copy2(project / name, self.root / name)

    def write(self, relative: str, data: bytes) -> None:
        write_file(self.root, relative, data)

    def copy(self, relative: str, source: str) -> None:
        copy_file(self.root, relative, source)

    def restore(self, relative: str) -> None:
        """Undo a write: the project's version again (a link to it), or no file."""
        staged = self.root / relative
        with _ignored():
            staged.unlink()
        original = self.project / relative
        if original.is_file() and not original.is_symlink():
            try:
                os.link(original, staged)
            except OSError:
                shutil.copy2(original, staged)

    def publish(self, relative: str) -> None:
        """Move a staged file into the project (a rename on the same file system)."""
        target = safe_parent(self.project, relative)
        try:
            os.replace(self.root / relative, target)
        except OSError as exc:
            if exc.errno != errno.EXDEV:
                raise
            copy_file(self.project, relative, str(self.root / relative))

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)


__all__ = ["Overlay", "UnsafePath", "copy_file", "publication_text", "safe_parent", "scalar", "write_file"]
