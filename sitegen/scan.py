"""Identify every input file of a project: what a build would read, and a digest of it all.

Every build starts here, one that finds nothing changed included (then it is most of the
build), so this module imports only what the scan needs: the parse, the site graph and
rendering are imported when a build goes on to them (`builder`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .cache import content_key
from .diagnostics import Diagnostic

KEEP_BYTES = 128 << 20  # Markdown bytes a scan keeps for the parse (10,000 publications need 70 MB)


def _sources(project: Path) -> tuple[list[tuple[str, str]], list[str], list[Diagnostic]]:
    """(kind, project-relative path) of each Markdown file, content-relative paths of other files,
    and a diagnostic for every symlink or special file under content/, templates/ and assets/.

    Walks with plain strings in a stable order, skipping hidden files and editor backups
    (pathlib costs more than the walk itself at 100,000 files). A symlink is never followed or
    read: `files/report.pdf -> /etc/passwd` would publish a host file, and one to a FIFO or
    /dev/zero would hang the build.
    """
    content = os.path.join(project, "content")
    kinds = {"publications": "publication", "components": "component", "pages": "page"}
    markdown: list[tuple[str, str]] = []
    others: list[str] = []
    problems = _links_and_specials(project, ("templates", "assets"))
    for top in ("content", ".sitegen-cache"):  # a linked content/ or cache would read or write elsewhere
        if os.path.islink(os.path.join(project, top)):
            problems.append(link_problem(top, "folder"))
    if os.path.islink(content):
        return [], [], problems
    for _folder, shown, dirs, files, found in _walk(content, "content/"):
        problems += found
        prefix = shown.removeprefix("content/")
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        top = prefix.split("/", 1)[0]
        for name in files:
            if name.startswith(".") or name.endswith("~"):
                continue
            inner = prefix + name
            kind = kinds.get(top)
            # components/ and pages/ are flat; publications/ may have any folders
            if kind and name.endswith(".md") and (kind == "publication" or prefix == top + "/"):
                markdown.append((kind, "content/" + inner))
            elif kind:
                problems.append(_misplaced(kind, "content/" + inner, prefix == top + "/"))
            elif inner not in ("site.yaml", "types.yaml", "topics.yaml"):
                others.append(inner)
    return markdown, others, problems


def _misplaced(kind: str, shown: str, flat: bool) -> Diagnostic:
    """Every file in publications/, components/ and pages/ is content or an error, never ignored.

    `new-fact-sheet.MD`, `other.markdown` and Notepad's `third.md.txt` would otherwise vanish.
    """
    folder, name = shown.rsplit("/", 1)
    lower = name.lower()
    for ending in (".md.txt", ".markdown", ".mdown", ".md", ".txt"):
        if lower.endswith(ending):
            fixed = name[: -len(ending)] + ".md"
            if kind != "publication" and not flat:
                return Diagnostic(
                    shown,
                    0,
                    "misplaced-file",
                    f"{kind} files may not be in sub-folders",
                    f"move it to content/{kind}s/{fixed}",
                )
            return Diagnostic(
                shown,
                0,
                "misnamed-file",
                f'"{name}" is not read: {kind} files must end in .md',
                f"rename it to {folder}/{fixed}",
            )
    if kind != "publication" and not flat:
        return Diagnostic(
            shown, 0, "misplaced-file", f"{kind} files may not be in sub-folders", f"move it to content/{kind}s/"
        )
    return Diagnostic(
        shown,
        0,
        "misplaced-file",
        f"only .md files belong in content/{kind}s/",
        "put attachments and images under content/files/ and link them from there",
    )


def link_problem(shown: str, what: str = "file") -> Diagnostic:
    """The diagnostic for a symbolic link in the project: never followed, never read."""
    return Diagnostic(
        shown,
        0,
        "symlink",
        "symbolic links are not allowed in the project",
        f"replace the link with the {what} itself",
    )


def _walk(root: str, shown: str) -> Iterator[tuple[str, str, list[str], list[str], list[Diagnostic]]]:
    """os.walk from `root` (top down; the caller may prune `dirs`), yielding (folder, shown
    prefix, dirs, files, problems): each folder's symlinks and special files are diagnostics and
    left out of `dirs` and `files`.

    The types come from the folder's own listing (scandir's d_type), never from a path that
    could be followed: no system call per file, where os.walk plus a check of each name made
    two (10,000 publications: 20,000 stat calls on every build, one where nothing changed
    included). A link is reported whatever it points to, hidden names included.
    """
    stack = [(root, shown)]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError:  # as os.walk: a folder that cannot be listed is left out
            continue
        dirs, files, problems = [], [], []
        for entry in entries:
            if entry.is_symlink():
                problems.append(link_problem(prefix + entry.name))
            elif entry.is_dir(follow_symlinks=False):
                dirs.append(entry.name)
            elif entry.is_file(follow_symlinks=False):
                files.append(entry.name)
            else:
                problems.append(
                    Diagnostic(prefix + entry.name, 0, "special-file", "this is not a regular file", "remove it")
                )
        yield folder, prefix, dirs, files, problems
        stack.extend((os.path.join(folder, name), f"{prefix}{name}/") for name in reversed(dirs))


def _links_and_specials(project: Path, folders: tuple[str, ...]) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for top in folders:
        root = os.path.join(project, top)
        if os.path.islink(root):
            problems.append(link_problem(top, "folder"))
            continue
        for _folder, _prefix, _dirs, _files, found in _walk(root, top + "/"):
            problems += found
    return problems


@dataclass(frozen=True)
class Scan:
    """Every input file of a project, identified: what a build would read, and a digest of it all.

    Every file is identified by its bytes: Markdown by its content key, other files under
    content/ (attachments) by a hash of their bytes, read again only when their size or
    modification time differs from the last scan's (`file_hashes`, kept in the cache): a fresh
    clone (a CI runner's checkout, with the last build's cache restored) gives every file a new
    time, and must still find that only the merged change changed. Templates and assets by
    their bytes. Equal digests mean a build would produce the same site.

    `frame` is the same digest blind to the bytes of publication files (not to their names):
    equal frames mean that at most the publications' own files changed.
    """

    markdown: tuple[tuple[str, str], ...]
    others: tuple[str, ...]
    keys: dict[str, str]  # project-relative Markdown path -> content key
    digest: str
    frame: str
    problems: tuple[Diagnostic, ...] = ()  # symlinks and special files, which were left out
    file_hashes: dict[str, tuple[str, str]] = field(default_factory=dict)  # attachment -> (stat, hash)
    # The bytes the keys were computed from (while they fit in KEEP_BYTES), handed to the parse so
    # that a file is read once, and emptied by it (`load_content`): the parse needs them only once.
    data: dict[str, bytes] = field(default_factory=dict, compare=False, repr=False)


def read_file(path: str) -> bytes:
    """A whole file through the bare system calls: a third cheaper than open() at 10,000 files.

    Never through a link (the scan left links out; one made since is refused, not followed).
    """
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        # One byte more than the file's size, instead of a fixed megabyte that is then cut down
        # to the file's 7 KB: 2.2-2.5 s instead of 2.75-2.86 s to read and hash 100,000
        # publications. The reads still go on to the end, so a file that grew is read whole.
        chunks = [os.read(fd, os.fstat(fd).st_size + 1)]
        while chunks[-1]:
            chunks.append(os.read(fd, 1 << 16))
        return b"".join(chunks)
    finally:
        os.close(fd)


def _content_keys(root: str, sources: list[str], kept: dict[str, bytes], budget: int) -> list[str]:
    """The content key of each file; its bytes are kept in `kept` too while they fit in `budget`."""
    keys = []
    for source in sources:
        data = read_file(os.path.join(root, source))
        keys.append(content_key(source, data))
        if budget >= len(data):
            kept[source] = data
            budget -= len(data)
    return keys


def _stat_key(info: os.stat_result) -> str:
    return f"{info.st_size}:{info.st_mtime_ns}"


def _file_hash(path: str, info: os.stat_result, known: tuple[str, str] | None) -> tuple[str, str]:
    """(stat, hash of the bytes) of an attachment; the bytes are read only when the stat is new."""
    stat = _stat_key(info)
    if known is not None and known[0] == stat:
        return known
    digest = hashlib.sha256()  # as cache.content_key: the fastest strong hash here
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError as exc:  # the build reports an unreadable attachment; the scan only tells it apart
        return stat, f"unreadable {exc.errno}"
    return stat, digest.hexdigest()


def scan_project(project: Path, known_hashes: dict[str, tuple[str, str]] | None = None) -> Scan:
    """Identify every input file; `known_hashes` is the last scan's `file_hashes` (from the cache)."""
    markdown, others, problems = _sources(project)
    known_hashes = known_hashes or {}
    file_hashes: dict[str, tuple[str, str]] = {}
    root = str(project)
    sources = [source for _, source in markdown]
    # One thread. Two took longer on this project's 2-core machine (a no-op at 10,000
    # publications: 1.0-1.15 s against 0.77-0.81 s): every read and hash hands the GIL over
    # (50,000 futex calls), and the helper's kept bytes grow its own malloc arena one mprotect
    # at a time (5,000 calls); `strace -f -c sitegen build` shows both.
    data: dict[str, bytes] = {}
    keys = dict(zip(sources, _content_keys(root, sources, data, KEEP_BYTES)))
    rest = hashlib.blake2b(digest_size=16)  # everything but the Markdown files
    for inner in others:
        path = os.path.join(root, "content", inner)
        if inner.endswith((".yaml", ".yml")):
            with open(path, "rb") as handle:
                rest.update(f"{inner}\0".encode() + hashlib.blake2b(handle.read()).digest())
        else:
            file_hashes[inner] = _file_hash(path, os.stat(path), known_hashes.get(inner))
            rest.update(f"{inner}\0{file_hashes[inner][1]}\n".encode())
    for name in ("content/site.yaml", "content/types.yaml", "content/topics.yaml"):
        if os.path.islink(os.path.join(root, name)):
            continue  # reported by _sources, never read
        try:
            with open(os.path.join(root, name), "rb") as handle:
                rest.update(name.encode() + hashlib.blake2b(handle.read()).digest())
        except OSError:
            rest.update(f"{name} missing".encode())
    for folder in ("templates", "assets"):
        if os.path.islink(os.path.join(root, folder)):
            continue  # reported by _sources, never read
        for path, _shown, _dirs, files, _problems in _walk(os.path.join(root, folder), ""):
            for name in files:  # links and special files: reported by _sources, never read
                with open(os.path.join(path, name), "rb") as handle:
                    rest.update(
                        os.path.join(path, name)[len(root) :].encode() + hashlib.blake2b(handle.read()).digest()
                    )
    digest = hashlib.blake2b(rest.digest(), digest_size=16)
    digest.update("".join(f"{source}\0{keys[source]}\n" for source in sources).encode())
    frame = hashlib.blake2b(rest.digest(), digest_size=16)
    frame.update(
        "".join(f"{source}\0{'' if kind == 'publication' else keys[source]}\n" for kind, source in markdown).encode()
    )
    if problems:  # never a build that could be skipped or quick: the problems must be reported
        digest.update(repr(problems).encode())
        frame.update(repr(problems).encode())
    return Scan(
        tuple(markdown), tuple(others), keys, digest.hexdigest(), frame.hexdigest(), tuple(problems), file_hashes, data
    )
