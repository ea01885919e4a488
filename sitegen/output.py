"""The only writer of the output folder: the live site is all old or all new.

A build stages a complete new tree in a folder beside the output (`.<name>.sitegen-staging`):
every published file is first a hard link to the live one, and only files whose bytes changed
are replaced there, by new files; an unchanged file keeps its inode and modification time and is
never rewritten (sync tools see no change). Nothing in the output folder changes until the whole
build has succeeded. Then `commit` swaps the two folders in one system call (Linux
`renameat2(RENAME_EXCHANGE)`; where that is missing, two renames, and a build killed between
them is undone by the next one). A build killed at any moment leaves either the previous site or
the new one, never a mix.

The previous tree is not deleted but kept as `.<name>.sitegen-spare`, reduced to the files it
shares with the new site (hard links: no extra space, nothing unpublished), so the next build
starts from it: making a folder for each page anew costs far more than checking that each file
is still the published one. `begin` compares every file in the spare with the live one, removes
anything else (links and all) and links what is missing; a killed build's staging folder is
reduced the same way by the next build. Only one shortcut: each switch writes in the spare a
record (`.sitegen-spare`) of the files it lacks, the ones that switch changed or added, bound to
the new live tree's marker and its set of names. When the next build finds the spare, the record and the live
tree just as that switch left them, it links only those files, and its switch counts as changed
only the files it wrote itself: a one-page rebuild of 150,000 pages costs what it changes, not
three passes over both trees. The record is removed before the spare is touched, so a killed
build's staging folder has none and is compared in full.

Only regular files are taken over from the live folder, and nothing is ever followed through a
symbolic link found in it: a live folder holding links, devices or pipes is surveyed without
following them, those paths are reported by `begin` (the builder then trusts none of its record of
the last build and renders everything again), and they are not part of the new tree.

When the output folder is a mount point, or on another file system than its parent, or its
parent is not writable, the folders cannot be swapped: files are staged inside the output
(`<out>/.sitegen-staging`) and moved into place one by one, which is not atomic; the builder
forgets its record of the last build before the first file moves, so a build that is killed
there is repaired by the next one (it re-checks every output against the disk).

Each publish writes a new marker file (`.sitegen-output`, same bytes, new inode). The builder
keeps its `identity` with the record of the build (`Manifest.published`) and trusts that record only
while the marker is that one (or that one restored with its modification time, as a CI runner
restores the output and the cache it saved together: `describes`): after a `--no-cache` build, a
build from another cache folder or a crash between the switch and the saving of the record, every
output is checked against the disk.

One build at a time writes an output folder and uses a cache folder: `build_lock` holds an
exclusive lock on `.<name>.sitegen-lock` beside the output (in the cache folder when the parent is
not writable) and on `build.lock` in the cache folder; a second build waits for the first.
Every path is checked to stay inside the output folder.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import filecmp
import hashlib
import json
import multiprocessing
import os
import re
import shutil
import signal
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from .cache import write_file
from .urls import is_safe_output

MARKER = ".sitegen-output"  # marks a folder as ours, so we never empty a folder of someone else's files
MARKER_TEXT = b"This folder is written by sitegen; its files are replaced on every build.\n"
INSIDE_STAGING = ".sitegen-staging"  # the staging folder inside an output that cannot be swapped
SPARE_RECORD = ".sitegen-spare"  # in the spare tree: what it lacks of the live site (`Output._sync`)
SPARE_FORMAT = "sitegen-spare 1"
IGNORED = {MARKER, INSIDE_STAGING, SPARE_RECORD, "lost+found"}  # not outputs (lost+found: a fresh file system's)
DELAY_VARIABLE = "SITEGEN_TEST_PUBLISH_DELAY"  # tests only: seconds to pause per file while publishing
AT_FDCWD, RENAME_EXCHANGE = -100, 2
PR_SET_PDEATHSIG = 1


class OutputError(Exception):
    """The output folder cannot be used; the message says why."""


def refuse_output(project: Path, out: Path) -> str | None:
    """Why `out` must not be an output folder, or None when it may be."""
    if out.is_symlink():  # a committed `_site -> /etc` would have the build write elsewhere
        return f"the output folder {out} is a symbolic link; remove it or choose another folder with -o"
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


def die_with_parent() -> None:
    """In a worker process: be killed with the build that started it (Linux; elsewhere nothing).

    Without this, the workers of a build killed with SIGKILL live on, holding its locks.
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if (
            libc.prctl(
                PR_SET_PDEATHSIG,
                ctypes.c_ulong(signal.SIGKILL),
                ctypes.c_ulong(0),
                ctypes.c_ulong(0),
                ctypes.c_ulong(0),
            )
            != 0
        ):
            return
    except (OSError, AttributeError):
        return
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:
        os.kill(os.getpid(), signal.SIGKILL)  # the build died before the signal was asked for


def _real(out: Path) -> Path:
    return Path(os.path.realpath(out))


@contextlib.contextmanager
def _flock(path: Path) -> Iterator[None]:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits for the build holding it; the kernel frees it if that dies
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def build_lock(out: Path, cache_root: Path) -> Iterator[None]:
    """Hold the output folder's and the cache folder's locks for a whole build; wait for them if needed.

    The lock files are left in place: removing one would let two builds lock different files.
    """
    root = _real(out)
    root.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as held:
        try:
            held.enter_context(_flock(root.parent / f".{root.name}.sitegen-lock"))
        except OSError as exc:
            if exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS):
                raise
            cache_root.mkdir(parents=True, exist_ok=True)  # the parent is not ours to write: lock in the cache
            name = hashlib.blake2b(str(root).encode(), digest_size=8).hexdigest()
            held.enter_context(_flock(cache_root / f"output-{name}.lock"))
        with contextlib.suppress(OSError):  # an unusable cache folder is reported by the cache itself
            cache_root.mkdir(parents=True, exist_ok=True)
            held.enter_context(_flock(cache_root / "build.lock"))
        _recover(root)
        yield


def _recover(root: Path) -> None:
    """Undo a build killed between the two renames of the fallback switch: put the previous site back."""
    old, spare = _beside(root, "old"), _beside(root, "spare")
    if os.path.isdir(old) and not os.path.islink(old):
        if not os.path.lexists(root):
            os.rename(old, root)
        elif not os.path.lexists(spare):
            os.rename(old, spare)  # killed while it was becoming the spare tree (never trusted anyway)
        else:
            _discard(old)
    _discard(root / INSIDE_STAGING)  # it is inside the live folder: never left there
    _to_spare(root, _beside(root, "staging"), None)  # a killed build's: nothing unpublished stays


def _to_spare(root: Path, staging: Path, live: dict[str, tuple[int, int]] | None) -> None:
    """Keep a staging folder as the spare tree, holding only files that are published ones (hard
    links to them: nothing of a build that did not publish is left beside the site)."""
    spare = _beside(root, "spare")
    if not os.path.lexists(staging):
        return
    if os.path.islink(staging) or not os.path.isdir(staging) or not os.path.isdir(root) or os.path.lexists(spare):
        _discard(staging)
        return
    try:
        files, _folders, odd = _scan(str(staging))
        for relative in odd:
            _unlink(os.path.join(staging, relative))
        for relative, found in files.items():
            expected = live.get(relative) if live is not None else _key(os.path.join(root, relative))
            if expected is None or found != expected:
                _unlink(os.path.join(staging, relative))
        _discard(staging / MARKER)
        os.rename(staging, spare)
    except OSError:
        _discard(staging)


def _mounted(root: Path) -> bool:
    """True when `root` is a mount point, a bind mount of a folder of the same file system included."""
    if os.path.ismount(root):
        return True
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as handle:
            points = [line.split(" ")[4] for line in handle if line.count(" ") > 4]
    except OSError:
        return False
    return str(root) in {re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)), point) for point in points}


def _beside(root: Path, what: str) -> Path:
    return root.parent / f".{root.name}.sitegen-{what}"


def _discard(path: Path | str) -> None:
    """Remove a file or a whole tree; symbolic links are removed, never followed."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        shutil.rmtree(path, onerror=_writable_then)
    else:
        os.unlink(path)


def _unlink(path: str) -> None:
    """Remove a file (or link) from a tree of ours, even from a folder made read-only."""
    try:
        os.unlink(path)
    except PermissionError:
        parent = os.path.dirname(path)
        os.chmod(parent, stat.S_IMODE(os.lstat(parent).st_mode) | stat.S_IRWXU)
        os.unlink(path)


def _writable_then(
    function: Callable[[str], object], path: str, info: tuple[type[BaseException], BaseException, TracebackType]
) -> None:
    """rmtree's second try: a read-only folder of ours (say, copied from the live site's mode) is
    made writable, then the removal is repeated (and any error now is raised)."""
    parent = os.path.dirname(path)
    if function in (os.unlink, os.rmdir, os.remove) and not os.path.islink(parent):
        os.chmod(parent, stat.S_IMODE(os.lstat(parent).st_mode) | stat.S_IRWXU)
        function(path)
        return
    raise info[1]


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False when the system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if function(AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # an old kernel, or a file system without the exchange
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def failure(out: Path, exc: OSError) -> tuple[str, str] | None:
    """(diagnostic code, message) for an OSError met while publishing, or None when it is not ours."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "disk-full", f"the disk is full: the new site could not be written ({exc.strerror or exc})"
    root = str(_real(out))
    prefixes = (root + os.sep, str(_beside(Path(root), "")))
    names = [str(name) for name in (exc.filename, exc.filename2) if name]
    # The output, what is beside it (staging, spare, lock) or a folder it is in (to be created).
    if not names or any(
        name.startswith(prefixes) or root == name or root.startswith(name.rstrip(os.sep) + os.sep) for name in names
    ):
        return (
            "bad-output",
            f"the output folder cannot be written: {exc.strerror or exc} ({names[0] if names else out})",
        )
    return None


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT/SIGTERM while the output folder is being switched; deliver them afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received: list[int] = []
    previous = {
        sig: signal.signal(sig, lambda number, frame: received.append(number))
        for sig in (signal.SIGINT, signal.SIGTERM)
    }
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for number in received[:1]:
            signal.raise_signal(number)


def _delay() -> float:
    """Seconds to pause per file published, and 250 times that right after the switch (tests only:
    they kill builds at chosen moments of publishing)."""
    try:
        return max(0.0, float(os.environ.get(DELAY_VARIABLE) or 0))
    except ValueError:
        return 0.0


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def _list(top: str) -> tuple[list[str], set[str], set[str]]:
    """(regular files, folders, anything else) under `top`, relative, never following a link.

    The types come from the folders' own listings (scandir's d_type): no system call per file,
    which is most of a survey of 15,000 pages that nothing changed. The marker, the inside
    staging folder and lost+found at the top are left out.
    """
    files: list[str] = []
    folders: set[str] = set()
    odd: set[str] = set()
    stack = [""]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(os.path.join(top, folder)))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:  # scandir's types come from the folder itself: a link is a link
            name = f"{folder}/{entry.name}" if folder else entry.name
            if not folder and entry.name in IGNORED:
                continue
            if entry.is_dir(follow_symlinks=False):
                folders.add(name)
                stack.append(name)
            elif entry.is_file(follow_symlinks=False):
                files.append(name)
            else:
                odd.add(name)
    return files, folders, odd


def _identities(top: str, files: Iterable[str]) -> dict[str, tuple[int, int]]:
    """The identity (device, inode; see `_key`) of each of `files` under `top` that is still a
    regular file."""
    found = {}
    for relative in files:
        key = _key(os.path.join(top, relative))
        if key is not None:
            found[relative] = key
    return found


def _scan(top: str) -> tuple[dict[str, tuple[int, int]], set[str], set[str]]:
    """`_list` with each regular file's identity."""
    files, folders, odd = _list(top)
    return _identities(top, files), folders, odd


def _key(path: str) -> tuple[int, int] | None:
    """The identity of a regular file (device, inode); None for anything else or nothing."""
    try:
        found = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    return (found.st_dev, found.st_ino) if stat.S_ISREG(found.st_mode) else None


def _names_digest(names: Iterable[str]) -> str:
    """One value for a set of published names: a record of one tree is only used with that tree."""
    return hashlib.blake2b("\n".join(sorted(names)).encode(), digest_size=16).hexdigest()


def _write_record(tree: str, live: str, names: Iterable[str], lacks: set[str]) -> None:
    """Record in a tree about to become the spare which live files it lacks (see `Output._sync`)."""
    data = {"format": SPARE_FORMAT, "live": live, "names": _names_digest(names), "lacks": sorted(lacks)}
    _stage_file(tree, SPARE_RECORD, _writer(json.dumps(data).encode()))


def _take_record(tree: str) -> dict[str, Any] | None:
    """Read and remove a tree's spare record (it is never published, and describes the tree only
    until the tree changes); None when there is none or it is not one of ours."""
    path = os.path.join(tree, SPARE_RECORD)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        _discard(path)  # nothing, or not a regular file
        return None
    try:
        with open(fd, "rb") as handle:
            data = json.loads(handle.read(64 << 20))
    except (OSError, ValueError):
        data = None
    _discard(path)
    if not isinstance(data, dict) or data.get("format") != SPARE_FORMAT or not isinstance(data.get("lacks"), list):
        return None
    return data


def _make_way(top: str, relative: str) -> None:
    """Create the folders of `relative` under `top`, removing files or links where they must go."""
    folder = top
    for part in relative.split("/")[:-1]:
        folder = os.path.join(folder, part)
        try:
            mode = os.lstat(folder).st_mode
        except FileNotFoundError:
            mode = None
        if mode is not None and not stat.S_ISDIR(mode):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(folder)  # a file of an earlier build (or a link) where a folder goes now
            mode = None
        if mode is None:
            with contextlib.suppress(FileExistsError):  # another worker made it first
                os.mkdir(folder)


def _stage_file(
    top: str, relative: str, fill: Callable[[int], None], like: str | None = None, fresh: bool = False
) -> None:
    """Make `top/relative` a new file (a new inode: in a staging folder the old name may be a hard
    link to a published file, which must never be written through), filled by `fill(fd)`.

    `fresh`: the name is not a published one, so the staging folder has nothing under it (`_sync`
    leaves only published files there) and the file is created in place, with no temporary name
    to rename (a cold build's every page). Nobody reads a staging folder before it is complete, and
    a killed build's half-written file is not a published one, so the next build removes it. When
    something is there after all, O_EXCL refuses it and the file goes through a temporary name.
    """
    path = os.path.join(top, relative)
    if fresh:
        try:
            fd = os.open(path, _NEW_FILE, 0o666)
        except OSError:
            pass  # a folder is missing, or something is in the way: the careful way below
        else:
            try:
                _fill(fd, fill, like, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(path)
                raise
            return
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        fd = os.open(temporary, _NEW_FILE, 0o666)
    except OSError:
        _make_way(top, relative)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)  # debris of a killed build with this process id
        fd = os.open(temporary, _NEW_FILE, 0o666)
    try:
        _fill(fd, fill, like, temporary)
        try:
            os.replace(temporary, path)
        except IsADirectoryError:
            shutil.rmtree(path)  # a folder of an earlier build where a file goes now
            os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _fill(fd: int, fill: Callable[[int], None], like: str | None, path: str) -> None:
    """Fill and close a new file; an attachment keeps its source's modification time, as rsync does."""
    try:
        fill(fd)
    finally:
        os.close(fd)
    if like is not None:
        shutil.copystat(like, path)


def _writer(data: bytes) -> Callable[[int], None]:
    def fill(fd: int) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]

    return fill


def _copier(source: Path) -> Callable[[int], None]:
    def fill(fd: int) -> None:
        with open(source, "rb") as handle:
            while chunk := handle.read(1 << 20):
                _writer(chunk)(fd)

    return fill


def _prune(top: str, folder: str) -> None:
    """Remove `folder` and its parents, up to `top`, as long as they are empty."""
    while folder and folder != top and folder.startswith(top + os.sep):
        try:
            os.rmdir(folder)
        except OSError:
            return
        folder = os.path.dirname(folder)


class Output:
    """One build's writer: `begin`, then `write`/`copy` (in any process), then `commit` or `abort`.

    In the staging folder every published file is first a hard link to the live one (`begin`
    brings a spare tree, the previous site kept from the last switch, up to date, which costs a
    look at each file instead of a new folder for each page); `write` and `copy` replace only the
    names whose bytes change, with new files.
    """

    def __init__(self, out: Path):
        self.out = out.absolute()
        self.root = _real(self.out)  # an output that is a link to a folder: that folder is swapped
        self.staging = _beside(self.root, "staging")
        self.in_place = False
        self._survey: tuple[frozenset[str], frozenset[str], frozenset[str]] | None = None
        self._live: dict[str, tuple[int, int]] | None = None  # published file -> identity
        self._staged = False  # begin prepared the staging folder: abort keeps it as the spare
        # The staging folder is the spare its record describes, completed (`_sync`): its files are
        # the live ones except those this build writes, which are then all the switch changes.
        self._mirrored = False
        self._written: set[str] = set()  # names this build staged anew (in any process: `wrote`)
        # Folders this process knows to be in the staging folder: each is made before the first
        # file goes in it, instead of after a failed open (a third of a cold build's opens).
        self._folders: set[str] = set()

    # The live folder, surveyed once per build (the build holds the lock: nobody else changes it).

    def _surveyed(self) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
        """(files, folders, anything else) of the live tree: names only, which is all a build that
        finds nothing changed needs; `_sync` reads the files' identities when staging begins."""
        if self._survey is None:
            files, folders, odd = _list(str(self.root))
            self._survey = frozenset(files), frozenset(folders), frozenset(odd)
        return self._survey

    @property
    def published(self) -> frozenset[str]:
        """The regular files of the live site, reached through real folders only (not the marker)."""
        return self._surveyed()[0]

    @property
    def untrusted(self) -> frozenset[str]:
        """Paths in the live site that are not regular files or folders: links, devices, pipes."""
        return self._surveyed()[2]

    def identity(self) -> str:
        """Which published tree this is: each publish writes a new marker file (a new inode)."""
        try:
            found = os.lstat(self.root / MARKER)
        except OSError:
            return ""
        return f"{found.st_dev}:{found.st_ino}:{found.st_mtime_ns}" if stat.S_ISREG(found.st_mode) else ""

    def describes(self, published: str) -> bool:
        """True when a manifest's `published` identity is this very tree's: that build published it.

        Or this is that very tree restored at the same path by a copy that keeps modification
        times to the nanosecond (`tar --posix`, which actions/cache runs; `cp -a`; `rsync -a`):
        a CI runner restores the output and the cache saved together, and the marker it gets back
        carries the moment the build published it. A new inode alone does not make it another
        tree; any other publish (another cache, `--no-cache`) writes a marker at another moment,
        and a checkout or a copy that does not keep times never reproduces one. Where times are
        whole seconds (some file systems), only the exact identity counts.
        """
        if not published or self.untrusted:
            return False
        current = self.identity()
        if published == current:
            return True
        moment = published.rpartition(":")[2]
        return bool(current) and moment == current.rpartition(":")[2] and moment.isdigit() and int(moment) % 10**9 != 0

    # A build: begin, write/copy, commit (or abort).

    def begin(self) -> frozenset[str]:
        """Check the folder is ours to write and prepare the staging folder; returns the published
        paths not to trust (links, devices): the caller renders those afresh."""
        root = self.root
        if os.path.lexists(root) and not os.path.isdir(root):
            raise OutputError(f"{self.out} exists and is not a folder")
        live = os.path.isdir(root)
        if live:
            foreign = [name for name in os.listdir(root) if name not in IGNORED]
            if foreign and not os.path.isfile(root / MARKER):
                raise OutputError(
                    f"{self.out} holds files that sitegen did not write; "
                    "empty it or choose another output folder with -o"
                )
            parent = os.stat(root.parent)
            self.in_place = (
                os.stat(root).st_dev != parent.st_dev or not os.access(root.parent, os.W_OK) or _mounted(root)
            )
            _discard(root / INSIDE_STAGING)
        staging, spare = _beside(root, "staging"), _beside(root, "spare")
        if self.in_place or not live:
            _discard(staging)
            _discard(spare)
            self.staging = root / INSIDE_STAGING if self.in_place else staging
            os.makedirs(self.staging)
            self._folders = set()
            return self.untrusted
        self.staging = staging
        try:
            # A killed build's staging folder, or else the spare tree: either is only a start.
            base = next((path for path in (staging, spare) if os.path.isdir(path) and not os.path.islink(path)), None)
            for path in (staging, spare):
                if path != base:
                    _discard(path)
            if base is None:
                os.mkdir(staging)
            elif base == spare:
                os.rename(spare, staging)
            os.chmod(staging, stat.S_IMODE(os.stat(staging).st_mode) | stat.S_IRWXU)  # was the live folder's
            record = _take_record(str(staging)) if base is not None else None  # before anything changes
            try:
                self._sync(record if base == spare else None)
            except OSError:  # something in the old tree that cannot be changed: start from nothing
                _discard(staging)
                os.mkdir(staging)
                self._sync()
        except BaseException:
            self.abort()
            raise
        return self.untrusted

    def _sync(self, record: dict[str, Any] | None = None) -> None:
        """Make the staging folder hold exactly the published files, as hard links to them.

        `record`: the spare's own record of what it lacks, taken from it as it became the staging
        folder. It is used only for the live tree it was written for (the same marker, the same
        names, nothing odd in it); then only the files it names are linked.
        """
        staging = str(self.staging)
        published, live_folders, odd_live = self._surveyed()
        self._staged, self._mirrored = True, False
        _discard(os.path.join(staging, MARKER))  # written anew when publishing begins
        if (
            record is not None
            and not odd_live
            and record.get("live") == self.identity() != ""
            and record.get("names") == _names_digest(published)
            and all(type(name) is str and name in published for name in record["lacks"])
        ):
            for relative in record["lacks"]:
                self._link(relative)  # a name the spare has already raises, and `begin` starts over
            self._folders = set(live_folders)
            self._mirrored = True
            return
        self._live = live = _identities(str(self.root), published)  # nothing else changes the live tree
        files, folders, odd = _scan(staging)
        for relative in odd:
            _unlink(os.path.join(staging, relative))  # the link itself, never what it points to
        for relative in sorted(folders - live_folders):
            _discard(os.path.join(staging, relative))
        kept = set()
        for relative, found in files.items():
            if found == live.get(relative):
                kept.add(relative)
            else:
                with contextlib.suppress(FileNotFoundError):  # in a folder just removed
                    _unlink(os.path.join(staging, relative))
        # Parents sort before their children: each folder is made once, before its files are linked.
        for relative in sorted(live_folders - folders):
            with contextlib.suppress(FileExistsError):
                os.mkdir(os.path.join(staging, relative))
        self._folders = set(live_folders)
        for relative in live:
            if relative not in kept:
                self._link(relative)

    def _link(self, relative: str) -> None:
        live, staged = os.path.join(self.root, relative), os.path.join(self.staging, relative)
        for attempt in range(2):
            try:
                os.link(live, staged, follow_symlinks=False)
                return
            except FileNotFoundError:
                if attempt or not os.path.lexists(live):
                    raise
                _make_way(str(self.staging), relative)
            except OSError as exc:
                if exc.errno not in (errno.EXDEV, errno.EMLINK, errno.EPERM):
                    raise
                _stage_file(str(self.staging), relative, _copier(Path(live)), like=live)  # a mount inside
                return

    def abort(self) -> None:
        """Drop this build's files; the staging folder, reduced to published files, is kept as the spare."""
        if self.in_place or not self._staged:
            _discard(self.staging)
        else:
            _to_spare(self.root, self.staging, self._live)  # without identities (mirrored): one look each

    def _check(self, relative: str) -> None:
        if not is_safe_output(relative) or relative.split("/", 1)[0] in IGNORED:
            raise OutputError(f"refusing to write {relative!r}: it would leave the output folder")

    def _make_folder(self, relative: str) -> None:
        """Make the staging folder that `relative` goes in, unless this process knows it is there.

        A folder whose parent is known costs one mkdir; anything else (another worker made it
        first, a file of an earlier build is where it goes, its parents are missing) goes through
        `_make_way`. A known folder that went missing after all (a file replaced it) is made by
        `_stage_file` once its open fails.
        """
        folder = relative.rpartition("/")[0]
        if not folder or folder in self._folders:
            return
        parent = folder.rpartition("/")[0]
        if parent and parent not in self._folders:
            _make_way(str(self.staging), relative)
        else:
            try:
                os.mkdir(os.path.join(self.staging, folder))
            except OSError:
                _make_way(str(self.staging), relative)
        while folder and folder not in self._folders:
            self._folders.add(folder)
            folder = folder.rpartition("/")[0]

    def write(self, relative: str, data: bytes) -> bool:
        """Stage `data` for `relative` unless the published file already has these bytes."""
        self._check(relative)
        if relative in self.published:  # strings and bare calls: this runs per page
            try:
                fd = os.open(os.path.join(self.root, relative), os.O_RDONLY | os.O_NOFOLLOW)
            except OSError:
                pass
            else:
                with open(fd, "rb") as handle:
                    if os.fstat(fd).st_size == len(data) and handle.read() == data:
                        return False
        self._make_folder(relative)
        _stage_file(str(self.staging), relative, _writer(data), fresh=relative not in self.published)
        self._written.add(relative)
        return True

    def copy(self, relative: str, source: Path) -> bool:
        """Stage a copy of `source` (an asset or attachment) unless it is already published.

        Copies keep the source's modification time, so an unchanged copy is recognised by size
        and time without reading it (attachments can be large and many), as rsync does; when
        only the time differs, the bytes decide.
        """
        self._check(relative)
        if relative in self.published:
            target = self.root / relative
            try:
                published, original = target.lstat(), source.stat()
                if (
                    stat.S_ISREG(published.st_mode)
                    and published.st_size == original.st_size
                    and (published.st_mtime_ns == original.st_mtime_ns or filecmp.cmp(target, source, shallow=False))
                ):
                    return False
            except (FileNotFoundError, NotADirectoryError):
                pass
        self._make_folder(relative)
        _stage_file(
            str(self.staging), relative, _copier(source), like=str(source), fresh=relative not in self.published
        )
        self._written.add(relative)
        return True

    def wrote(self, names: Iterable[str]) -> None:
        """Names that worker processes staged anew (`write` returned True there): the parent's
        `commit` must know every file this build changed."""
        self._written.update(names)

    def commit(self, outputs: set[str]) -> int:
        """Publish exactly `outputs` (written by this build, or else published before); returns files removed."""
        for relative in outputs:
            self._check(relative)
        removed = len(self.published - outputs) + len(self.untrusted - outputs)
        if self.in_place:
            self._commit_in_place(outputs)
        else:
            self._commit_swap(outputs)
        return removed

    def _missing(self, relative: str) -> OutputError:
        return OutputError(f"{relative} was neither written by this build nor published by the last one")

    def _commit_swap(self, outputs: set[str]) -> None:
        root, staging, delay = str(self.root), str(self.staging), _delay()
        _stage_file(staging, MARKER, _writer(MARKER_TEXT))  # a new inode each time: `identity`
        live = self._live or {}
        stale = self.published - outputs
        for relative in stale:
            with contextlib.suppress(FileNotFoundError, NotADirectoryError):
                os.unlink(os.path.join(staging, relative))
            _prune(staging, os.path.dirname(os.path.join(staging, relative)))
        changed = set()
        if self._mirrored:
            # Every staged file is the live one except those this build wrote (`_sync`).
            for relative in outputs:
                if delay:
                    time.sleep(delay)
                if relative not in self._written and relative not in self.published:
                    raise self._missing(relative)
            changed = self._written & self.published
        else:
            for relative in outputs:  # the new tree is complete: every output is there, a regular file
                if delay:
                    time.sleep(delay)
                found = _key(os.path.join(staging, relative))
                if found is None:
                    raise self._missing(relative)
                if relative in live and found != live[relative]:
                    changed.add(relative)
        lacks = changed | (outputs - self.published)  # what the spare will not have of the new site
        old = _beside(self.root, "old")
        _discard(old)
        if os.path.isdir(root):
            os.chmod(staging, stat.S_IMODE(os.stat(root).st_mode))  # the folder's permissions stay
        with _signals_held():
            if not os.path.lexists(root):
                os.rename(staging, root)
                return
            if _exchange(self.staging, self.root):
                os.rename(staging, old)
            else:
                os.rename(root, old)
                try:
                    os.rename(staging, root)
                except BaseException:
                    os.rename(old, root)
                    raise
        if delay:
            time.sleep(min(1.0, delay * 250))
        # The previous site becomes the spare tree: only what the new site shares with it stays.
        with contextlib.suppress(OSError):  # else the next build finds it as debris
            os.chmod(old, stat.S_IMODE(os.stat(old).st_mode) | stat.S_IRWXU)  # it had the live folder's mode
            for relative in changed | stale | self.untrusted | {MARKER}:
                path = os.path.join(old, relative)
                with contextlib.suppress(FileNotFoundError, NotADirectoryError):
                    _unlink(path)
                _prune(str(old), os.path.dirname(path))
            if len(lacks) * 2 <= len(outputs):  # else comparing everything costs no more
                _write_record(str(old), self.identity(), outputs, lacks)
            spare = _beside(self.root, "spare")
            _discard(spare)
            os.rename(old, spare)

    def _commit_in_place(self, outputs: set[str]) -> None:
        """Move the staged files into the live folder one by one (a folder that cannot be swapped)."""
        root, staging, delay = str(self.root), str(self.staging), _delay()
        staged = _scan(staging)[0]
        for relative in outputs:
            if relative not in staged and relative not in self.published:
                raise self._missing(relative)
        _stage_file(staging, MARKER, _writer(MARKER_TEXT))  # publishing has begun (tests wait for it)
        if not os.path.isfile(os.path.join(root, MARKER)):
            write_file(os.path.join(root, MARKER), MARKER_TEXT)  # first: a half-published folder is still ours
        for relative in sorted(self.untrusted):
            os.unlink(os.path.join(root, relative))  # the link itself (or device, pipe), never what it points to
        for relative in sorted(staged):
            target = os.path.join(root, relative)
            _make_way(root, relative)
            if os.path.isdir(target) and not os.path.islink(target):
                shutil.rmtree(target)
            os.replace(os.path.join(staging, relative), target)
            if delay:
                time.sleep(delay)
        for relative in sorted(self.published - outputs):
            target = os.path.join(root, relative)
            with contextlib.suppress(FileNotFoundError, NotADirectoryError):
                os.unlink(target)
            _prune(root, os.path.dirname(target))
        write_file(os.path.join(root, MARKER), MARKER_TEXT)  # a new inode: `identity` of the new tree
        _discard(staging)
