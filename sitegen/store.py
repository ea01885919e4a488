"""Body HTML and kept routes, in one SQLite database in the cache folder.

A 10,000-publication build keeps 10,000 rendered bodies and 10,000 routes for quick rebuilds. As
small files they cost more in the file system than the bytes they hold (creating one took 0.1 to
0.3 ms here, and as much again in the kernel's bookkeeping); SQLite writes a row in 35 us and
reads one in 8 us, from one file. It is a cache: written without waiting for the disk, and a
database that cannot be read is deleted and the build runs cold.

SQLite connections must not cross a fork, so each process (and each thread) opens its own on
first use, and the parent closes its own before it forks workers (`before_fork`).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterable

_SCHEMA = """
CREATE TABLE IF NOT EXISTS bodies (key TEXT PRIMARY KEY, html TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS routes (fingerprint TEXT PRIMARY KEY, route BLOB NOT NULL);
"""


class Store:
    """The database file, and this process's and thread's connection to it."""

    def __init__(self, path: Path, writable: bool = True):
        self.path = path
        self.writable = writable  # False for `sitegen check`: read what is there, write nothing
        self._local = threading.local()

    def db(self) -> sqlite3.Connection | None:
        """This thread's connection (None when there is no database and nothing may be written)."""
        held = getattr(self._local, "held", None)
        if held is not None and held[0] == os.getpid():
            return held[1]
        if not self.writable and not self.path.exists():
            return None
        try:
            connection = self._open()
        except sqlite3.OperationalError:
            raise  # busy or locked: another build holds it (sqlite waits 60 s first)
        except sqlite3.DatabaseError:  # not a database, or a damaged one: start again
            if not self.writable:
                return None
            self.discard()
            connection = self._open()
        self._local.held = (os.getpid(), connection)
        return connection

    def _open(self) -> sqlite3.Connection:
        if not self.writable:
            return sqlite3.connect(f"{self.path.absolute().as_uri()}?mode=ro", uri=True, timeout=60,
                                   isolation_level=None)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
        connection.execute("PRAGMA synchronous=OFF")  # a cache: losing it to a power cut costs a cold build
        connection.executescript(_SCHEMA)
        return connection

    def before_fork(self) -> None:
        """Create the database if it is missing, then close this process's connection.

        Workers forked next open their own; creating it here first means they never race to.
        """
        if self.writable:
            self.db()
        self.close()

    def discard(self) -> None:
        """Delete the database (it is only a cache): after a crash damaged it, say."""
        self.close()
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(f"{self.path}{suffix}")

    def close(self) -> None:
        """Close this thread's connection."""
        held = getattr(self._local, "held", None)
        self._local.held = None
        if held is not None and held[0] == os.getpid():
            held[1].close()


class Bodies:
    """Rendered body HTML by content key: written once when parsed, read when its page renders."""

    def __init__(self, store: Store):
        self.store = store
        self._present: set[str] | None = None  # keys stored before this build, read on first use

    def put(self, key: str, html: str) -> None:
        db = self.store.db() if self.store.writable else None
        if db is not None:
            db.execute("INSERT OR IGNORE INTO bodies VALUES (?, ?)", (key, html))

    def get(self, key: str) -> str:
        db = self.store.db()
        row = db.execute("SELECT html FROM bodies WHERE key = ?", (key,)).fetchone() if db else None
        if row is None:
            raise KeyError(f"no body {key} in {self.store.path}")
        return row[0]

    def has(self, key: str) -> bool:
        if self._present is None:
            db = self.store.db()
            self._present = {row[0] for row in db.execute("SELECT key FROM bodies")} if db else set()
        return key in self._present

    def keep_only(self, keys: Iterable[str]) -> int:
        """Delete the bodies of files that no longer exist; returns how many went."""
        return _keep_only(self.store, "bodies", "key", keys)


class Routes:
    """Routes as last rendered, by fingerprint: what a quick rebuild of a page starts from."""

    def __init__(self, store: Store):
        self.store = store

    def put(self, fingerprint: str, route: Any) -> None:
        db = self.store.db() if self.store.writable else None
        if db is not None:
            db.execute("INSERT OR IGNORE INTO routes VALUES (?, ?)",
                       (fingerprint, pickle.dumps(route, protocol=pickle.HIGHEST_PROTOCOL)))

    def get(self, fingerprint: str) -> Any:
        try:
            db = self.store.db()
            row = db.execute("SELECT route FROM routes WHERE fingerprint = ?", (fingerprint,)).fetchone() if db else None
            return pickle.loads(row[0]) if row else None
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, TypeError, ValueError, ImportError):
            return None  # gone or unreadable: the full build runs instead

    def keep_only(self, fingerprints: Iterable[str]) -> int:
        return _keep_only(self.store, "routes", "fingerprint", fingerprints)


def _keep_only(store: Store, table: str, column: str, keep: Iterable[str]) -> int:
    db = store.db() if store.writable else None
    if db is None:
        return 0
    wanted = set(keep)
    (count,) = db.execute(f"SELECT count(*) FROM {table}").fetchone()  # noqa: S608 - our own names
    if count <= len(wanted) + len(wanted) // 4:  # a few stale rows are cheaper to keep than to find
        return 0
    stale = [(value,) for (value,) in db.execute(f"SELECT {column} FROM {table}") if value not in wanted]  # noqa: S608
    with db:
        db.execute("BEGIN")
        db.executemany(f"DELETE FROM {table} WHERE {column} = ?", stale)  # noqa: S608
    return len(stale)
