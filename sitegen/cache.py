"""A content-hash cache of per-file results, and the store of rendered bodies.

Parsing, validating and converting a Markdown file is a pure function of its bytes, its path and
the generator's version, so the result is cached under a hash of exactly those. Nothing is ever
decided by modification time. The folder (`.sitegen-cache/` in the project by default) can be
deleted at any moment; the next build is then a cold one.

Body HTML is kept on disk under the same key, not in memory, so a 100,000-publication build
holds metadata only; the renderer reads a body back when it renders that page.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

from . import __version__
from .markup import MARKUP_SIGNATURE



def _code_signature() -> str:
    """A hash of sitegen's own source: a new version of any module invalidates everything cached."""
    digest = hashlib.blake2b(digest_size=12)
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


CODE_SIGNATURE = _code_signature()
PARSED, JOURNAL = "parsed.pickle", "parsed-journal.pickle"
# Keys of the route manifest that are not output paths (those never start with a space).
SEARCH_KEY, SEARCH_FILES_KEY, WHOLE_KEY, COUNTS_KEY, NEXT_DUE_KEY, WARNINGS_KEY = (
    " search", " search-files", " whole", " counts", " next-due", " warnings")
JOURNAL_MIN = 100  # records the journal may hold before the store is rewritten, however small it is
CACHE_SIGNATURE = f"sitegen {__version__}|{CODE_SIGNATURE}|{MARKUP_SIGNATURE}".encode()


def content_key(relative_path: str, data: bytes) -> str:
    """The cache key of one source file: its path, its bytes and the generator's signature."""
    digest = hashlib.blake2b(CACHE_SIGNATURE, digest_size=20)
    digest.update(b"\0" + relative_path.encode() + b"\0")
    digest.update(data)
    return digest.hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write through a temporary file and a rename, so readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class BodyStore:
    """Rendered body HTML by key, one small file each (written once, read when rendering)."""

    def __init__(self, root: Path):
        self.root = root
        self._present: set[str] | None = None  # keys of stored bodies, listed on first use

    def _path(self, key: str) -> str:
        return os.path.join(self.root, key[:2], f"{key}.html")  # strings: called 10,000s of times

    def put(self, key: str, html: str) -> None:
        path = self._path(key)
        if not os.path.exists(path):
            write_atomic(Path(path), html.encode("utf-8"))

    def get(self, key: str) -> str:
        with open(self._path(key), encoding="utf-8") as handle:
            return handle.read()

    def has(self, key: str) -> bool:
        if self._present is None:
            # One listing per folder instead of one stat per body: 10,000 stats cost 70 ms.
            present = set()
            for folder in os.listdir(self.root) if os.path.isdir(self.root) else ():
                path = os.path.join(self.root, folder)
                if os.path.isdir(path):
                    present.update(name[:-5] for name in os.listdir(path) if name.endswith(".html"))
            self._present = present
        return key in self._present


class RouteStore:
    """Routes as last rendered, by fingerprint: what a quick rebuild of a page starts from."""

    def __init__(self, root: Path):
        self.root = root

    def _path(self, fingerprint: str) -> Path:
        return self.root / fingerprint[:2] / f"{fingerprint}.pickle"

    def put(self, fingerprint: str, route: Any) -> None:
        path = self._path(fingerprint)
        if not path.exists():
            write_atomic(path, pickle.dumps(route, protocol=pickle.HIGHEST_PROTOCOL))

    def get(self, fingerprint: str) -> Any:
        try:
            return pickle.loads(self._path(fingerprint).read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError, ImportError):
            return None  # gone or unreadable: the full build runs instead


class Cache:
    """The cache folder: parsed records by key, bodies, and the previous build's route fingerprints."""

    def __init__(self, root: Path, enabled: bool = True):
        self.root = root
        self.enabled = enabled
        self.bodies = BodyStore(root / "bodies")
        self.routes = RouteStore(root / "routes")
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
                data = pickle.load(handle)
            if data.get("signature") == CACHE_SIGNATURE:
                return data["value"]
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, KeyError, TypeError, ValueError,
                ImportError, IndexError):
            pass  # a missing or unreadable cache is a cold build, never an error
        return None

    def _save(self, name: str, value: Any) -> None:
        if self.enabled:
            data = pickle.dumps({"signature": CACHE_SIGNATURE, "value": value}, protocol=pickle.HIGHEST_PROTOCOL)
            write_atomic(self.root / name, data)

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
            self._journal = {}
            self._stale = 0
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.root / JOURNAL)
        elif self._dirty:
            self._save(JOURNAL, self._journal)
        self._dirty = False

    def remember_parsed(self, key: str, value: Any) -> None:
        """Add one record to the journal without reading the whole store (for a quick rebuild)."""
        if self.enabled:
            journal = self._load(JOURNAL) or {}
            if len(journal) < JOURNAL_MIN:  # else the next full build parses the file again
                journal[key] = value
                self._save(JOURNAL, journal)

    def load_fingerprints(self, output: Path) -> dict[str, str]:
        return self._load(f"routes-{_output_id(output)}.pickle") or {}

    def save_fingerprints(self, output: Path, fingerprints: dict[str, str]) -> None:
        self._save(f"routes-{_output_id(output)}.pickle", fingerprints)


def _output_id(output: Path) -> str:
    return hashlib.blake2b(str(output.resolve()).encode(), digest_size=8).hexdigest()
