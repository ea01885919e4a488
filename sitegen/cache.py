"""A content-hash cache of per-file results, and the store of rendered bodies.

Parsing, validating and converting a Markdown file is a pure function of its bytes, its path and
the generator's version, so the result is cached under a hash of exactly those. Nothing is ever
decided by modification time. The folder (`.sitegen-cache/` in the project by default) can be
deleted at any moment; the next build is then a cold one.

Body HTML is kept on disk under the same key (in `store.py`'s database), not in memory, so a
100,000-publication build holds metadata only; the renderer reads a body back when it renders
that page.

The folder is untrusted input: it sits in the project, so a pull request could commit one. Every
file read from it is authenticated (HMAC-SHA256 under `store.secret_key`, kept outside the
project) before it is unpickled, and anything that does not verify is treated as missing.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import importlib.util
import os
import pickle
from pathlib import Path
from typing import Any

from . import __version__
from .manifest import Manifest, readable
from .store import Bodies, Routes, Store


def _code_signature() -> str:
    """A hash of sitegen's own source: a new version of any module invalidates everything cached."""
    digest = hashlib.blake2b(digest_size=12)
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def _engine_signature() -> str:
    """A hash of the installed Python-Markdown's own source: another version of it, or a patched
    copy, invalidates every cached body. The package is found, not imported: a build that finds
    nothing changed converts no body, and importing the engine was a tenth of such a build.
    (How sitegen configures it, `markup.EXTENSIONS`, is part of CODE_SIGNATURE.)"""
    spec = importlib.util.find_spec("markdown")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    if not folders:  # not installed as plain files (a zip, a frozen build): its version must do
        import markdown

        return f"markdown {markdown.__version__}"
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted(Path(folder).rglob("*.py")):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


CODE_SIGNATURE = _code_signature()
MARKUP_SIGNATURE = _engine_signature()
PARSED, JOURNAL = "parsed.pickle", "parsed-journal.pickle"
FILE_HASHES = "file-hashes.pickle"  # attachment -> (stat, hash of its bytes): see scan.Scan
MAC_SIZE = 32  # a cache file is the HMAC-SHA256 of the rest of it (bound to its name), then a pickle
JOURNAL_MIN = 100  # records the journal may hold before the store is rewritten, however small it is
CACHE_SIGNATURE = f"sitegen {__version__}|{CODE_SIGNATURE}|{MARKUP_SIGNATURE}".encode()


def content_key(relative_path: str, data: bytes) -> str:
    """The cache key of one source file: its path, its bytes and the generator's signature.

    SHA-256, as every build, one that finds nothing changed included, runs it over all the
    Markdown: OpenSSL's uses the CPU's SHA instructions (x86 since 2017, ARMv8). Reading and
    hashing the 10,000-publication corpus (77 MB) took 0.19 s on one thread against BLAKE2b's
    0.33 s (`python bench/scan_hash.py DIR`).
    """
    digest = hashlib.sha256(CACHE_SIGNATURE)
    digest.update(b"\0" + relative_path.encode() + b"\0")
    digest.update(data)
    return digest.hexdigest()


def write_file(path: str, data: bytes, atomic: bool = True) -> None:
    """Write a whole file through bare system calls, creating its folder only when it is missing.

    A build writes tens of thousands of small files (its pages); pathlib's mkdir and
    open on each cost more than the writing. Readers never see half a file: the bytes go to a
    temporary name of this process first, then are renamed into place (unless nobody reads the
    folder until it is complete: `atomic=False`, for the staging folder).
    """
    temporary = f"{path}.{os.getpid()}.tmp" if atomic else path
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    try:
        fd = os.open(temporary, flags, 0o666)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(temporary, flags, 0o666)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        if atomic:
            os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


class Cache:
    """The cache folder: parsed records by key, bodies, and the previous build's route fingerprints."""

    def __init__(self, root: Path, enabled: bool = True, writable: bool = True, scratch: Path | None = None):
        self.root = root
        self.enabled = enabled  # False: use nothing from earlier builds (bodies are still stored to render)
        self.store = Store(root / "store.sqlite", writable=writable)  # writable=False: `check` writes nothing
        # `check` reads the cache but keeps the bodies it parses in a scratch folder of its own.
        self.bodies = Bodies(self.store, Store(scratch / "bodies.sqlite") if scratch is not None else None)
        self.routes = Routes(self.store)
        self._parsed: dict[str, Any] | None = None
        self._journal: dict[str, Any] = {}  # records parsed since the store was last written whole
        self._stale = 0  # records in the store of files that no longer exist
        self._dirty = False

    def folder(self, name: str) -> Path:
        """A sub-folder of the cache for another cache (compiled templates), created on demand."""
        path = self.root / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _load(self, name: str) -> Any:
        try:
            with open(self.root / name, "rb") as handle:
                blob = handle.read()
            payload = memoryview(blob)[MAC_SIZE:]
            if not hmac.compare_digest(_file_mac(self.store.key, name, payload), blob[:MAC_SIZE]):
                return None  # not written by this user's sitegen (or cut short): never unpickled
            data = pickle.loads(payload)  # noqa: S301 - only after the HMAC above proves we wrote it
            if data.get("signature") == CACHE_SIGNATURE:
                return data["value"]
        except (
            OSError,
            pickle.UnpicklingError,
            EOFError,
            AttributeError,
            KeyError,
            TypeError,
            ValueError,
            ImportError,
            IndexError,
        ):
            pass  # a missing or unreadable cache is a cold build, never an error
        return None

    def _save(self, name: str, value: Any) -> None:
        if self.enabled and self.store.writable:
            data = pickle.dumps({"signature": CACHE_SIGNATURE, "value": value}, protocol=pickle.HIGHEST_PROTOCOL)
            write_file(str(self.root / name), _file_mac(self.store.key, name, data) + data)

    @property
    def parsed(self) -> dict[str, Any]:
        if self._parsed is None:
            self._parsed = (self._load(PARSED) if self.enabled else None) or {}
            self._journal = (self._load(JOURNAL) if self.enabled else None) or {}
            self._parsed.update(self._journal)
        return self._parsed

    def get_parsed(self, key: str) -> Any:
        value = self.parsed.get(key)
        if value is not None and not self.bodies.has(value.body_key):
            return None  # the body went missing: parse again
        return value

    def put_parsed(self, key: str, value: Any) -> None:
        self.parsed[key] = value
        self._journal[key] = value
        self._dirty = True

    def keep_only(self, keys: set[str]) -> None:
        """Forget records of files that no longer exist, so the cache does not grow forever."""
        stale = [key for key in self.parsed if key not in keys]
        for key in stale:
            del self.parsed[key]
            self._journal.pop(key, None)
        self._stale = len(stale)

    def save_parsed(self) -> None:
        """Append what this build parsed to a small journal; rewrite the whole store only now and then.

        Pickling 10,000 records costs 0.15 s, too much for a one-file rebuild. Records are keyed
        by content, so any mix of store and journal is correct; the store is rewritten (and the
        journal dropped) once the journal and the forgotten records outgrow a tenth of it.
        """
        if not self.enabled or self._parsed is None:
            return
        if len(self._journal) + self._stale > max(JOURNAL_MIN, len(self._parsed) // 10):
            self._save(PARSED, self._parsed)
            self.bodies.keep_only(value.body_key for value in self._parsed.values())
            self._journal = {}
            self._stale = 0
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.root / JOURNAL)
        elif self._dirty:
            self._save(JOURNAL, self._journal)
        self._dirty = False

    def remember_parsed(self, key: str, value: Any) -> None:
        """Add one record to the journal without reading the whole store (for a quick rebuild)."""
        if self.enabled and self.store.writable:
            journal = self._load(JOURNAL) or {}
            if len(journal) < JOURNAL_MIN:  # else the next full build parses the file again
                journal[key] = value
                self._save(JOURNAL, journal)

    def file_hashes(self) -> dict[str, tuple[str, str]]:
        """The last scan's attachment hashes by stat (scan.Scan.file_hashes); {} when none."""
        found = self._load(FILE_HASHES) if self.enabled else None
        return found if isinstance(found, dict) else {}

    def keep_file_hashes(self, hashes: dict[str, tuple[str, str]], known: dict[str, tuple[str, str]]) -> None:
        """Keep a scan's attachment hashes for the next one, unless they are the ones it was given."""
        if hashes != known:
            self._save(FILE_HASHES, hashes)

    def load_manifest(self, output: Path) -> Manifest | None:
        """The record of the last good build into `output`, if this sitegen wrote one."""
        return readable(self._load(f"manifest-{_output_id(output)}.pickle"))

    def close(self) -> None:
        """Close this process's database connections (now, not when a collector finds them)."""
        self.store.close()
        if self.bodies.scratch is not None:
            self.bodies.scratch.close()

    def save_manifest(self, output: Path, manifest: Manifest | None) -> None:
        """Keep the record of a build; None forgets it (before a publish switches trees, so that
        after a crash everything is checked against the disk again)."""
        self._save(f"manifest-{_output_id(output)}.pickle", manifest)


def _file_mac(key: bytes, name: str, payload: bytes | memoryview) -> bytes:
    digest = hmac.new(key, b"file\0%s\0" % name.encode(), "sha256")
    digest.update(payload)  # no copy of a store of 100,000 records
    return digest.digest()


def _output_id(output: Path) -> str:
    return hashlib.blake2b(str(output.resolve()).encode(), digest_size=8).hexdigest()
