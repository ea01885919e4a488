"""Body HTML and kept routes, in one SQLite database in the cache folder.

A 10,000-publication build keeps 10,000 rendered bodies and 10,000 routes for quick rebuilds. As
small files they cost more in the file system than the bytes they hold (creating one took 0.1 to
0.3 ms here, and as much again in the kernel's bookkeeping); SQLite writes a row in 35 us and
reads one in 8 us, from one file. It is a cache: written without waiting for the disk, and a
database that cannot be read is deleted and the build runs cold.

A worker writes the rows of one chunk of work (the files it parsed, the pages it rendered) in one
transaction at the chunk's end (`Store.batch`): a transaction per row cost as much as the row
itself. A build killed mid-chunk loses that chunk's rows whole, and every row is complete and
authenticated on its own, so the cache is consistent at any moment. Large pages (64 KiB) hold a
body in one page instead of three overflow pages, which halves the cost of writing it.

SQLite connections must not cross a fork, so each process (and each thread) opens its own on
first use, and the parent closes its own before it forks workers (`before_fork`).

The cache folder sits in the project, so it is untrusted input like the content: a pull request
could commit one. Every row that is used is authenticated first, with an HMAC-SHA256 under a key
that is kept outside the project (`secret_key`): a body's row before its HTML is published, a
route's row before it is unpickled. A database whose schema or authenticated schema row is not
exactly what this user's sitegen writes (an older format, another user's or key's, a planted one)
is deleted at open, and the build runs cold.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import pickle
import secrets
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

# In name order, exactly as sqlite_master keeps them: a database with any other schema is not ours.
_TABLES = (
    "CREATE TABLE bodies (key TEXT PRIMARY KEY, html BLOB NOT NULL, mac BLOB NOT NULL)",
    "CREATE TABLE meta (name TEXT PRIMARY KEY, mac BLOB NOT NULL)",
    "CREATE TABLE routes (fingerprint TEXT PRIMARY KEY, route BLOB NOT NULL, mac BLOB NOT NULL)",
)
_SCHEMA = "\n".join(_TABLES).encode()
SCHEMA_VERSION = b"sitegen store 2"  # authenticated in the `meta` table; a new format changes it
KEY_ENV = "SITEGEN_CACHE_KEY"
_EPHEMERAL: list[bytes] = []  # this process's key when no key file can be kept
_HEX = "*[^0-9a-f]*"  # keys and fingerprints are lowercase hex; a row with another key is not ours
PAGE_SIZE = 65536  # bytes; set when a database is created (an existing one keeps its own)
_PUT_BODY = "INSERT OR REPLACE INTO bodies VALUES (?, ?, ?)"
_PUT_ROUTE = "INSERT OR REPLACE INTO routes VALUES (?, ?, ?)"


class Unverified(sqlite3.DatabaseError):
    """The database, or a row of it, was not written by this user's sitegen: it is discarded."""


def key_file() -> Path:
    """The per-user key file: `$XDG_CACHE_HOME/sitegen/cache-key`, by default `~/.cache/sitegen/cache-key`."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(base) if os.path.isabs(base) else Path.home() / ".cache") / "sitegen" / "cache-key"


def secret_key() -> bytes:
    """The key that authenticates the cache, never stored in the project or the cache folder.

    `SITEGEN_CACHE_KEY` when set: a CI system that restores the cache folder between runs sets
    it from a secret, so the restored cache verifies. Else a per-user key file of 32 random bytes,
    created (mode 0600, atomically) on first use. When no key file can be kept, a key for this
    process only: the cache is then never reused across runs, which is slower but still safe.
    """
    configured = os.environ.get(KEY_ENV)
    if configured:
        return os.fsencode(configured)
    try:
        return _key_from_file(key_file())
    except (OSError, RuntimeError):  # RuntimeError: no home folder to find
        if not _EPHEMERAL:
            _EPHEMERAL.append(secrets.token_bytes(32))
        return _EPHEMERAL[0]


def _key_from_file(path: Path) -> bytes:
    try:
        key = path.read_bytes()
    except FileNotFoundError:
        key = None
    if key is not None and len(key) >= 16:
        return key
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, secrets.token_bytes(32))
        finally:
            os.close(fd)
        if key is None:
            try:
                os.link(temporary, path)  # never replaces a key another process made meanwhile
            except FileExistsError:
                pass
            except OSError:  # no hard links on this file system
                os.replace(temporary, path)
        else:  # an empty or cut short key file
            os.replace(temporary, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
    key = path.read_bytes()
    if len(key) < 16:
        raise OSError(f"{path} holds no usable key")
    return key


def sign(key: bytes, kind: bytes, name: bytes, value: bytes) -> bytes:
    """The HMAC-SHA256 of one value, bound to what it is (`kind`) and where it is kept (`name`)."""
    return hmac.digest(key, b"%s\0%s\0%s" % (kind, name, value), "sha256")


def verify(key: bytes, kind: bytes, name: bytes, value: object, mac: object) -> bool:
    """Whether `mac` authenticates `value` (anything not bytes, as a planted row may hold, does not)."""
    return (
        isinstance(value, bytes) and isinstance(mac, bytes) and hmac.compare_digest(sign(key, kind, name, value), mac)
    )


class Store:
    """The database file, and this process's and thread's connection to it."""

    def __init__(self, path: Path, writable: bool = True):
        self.path = path
        self.writable = writable  # False for `sitegen check`: read what is there, write nothing
        self._local = threading.local()
        self._key: bytes | None = None

    def _pending(self) -> dict[str, list[tuple[Any, ...]]] | None:
        """This thread's rows waiting for the end of its batch (None outside a batch)."""
        held: tuple[int, dict[str, list[tuple[Any, ...]]]] | None = getattr(self._local, "pending", None)
        return held[1] if held is not None and held[0] == os.getpid() else None  # a parent's never crosses a fork

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Keep this thread's writes until the block ends, then write them in one transaction.

        The rows wait in memory, not in an open transaction, so two workers never wait for each
        other's work, only for each other's commit. When the block raises, its rows are dropped
        (each would still be valid; but a failing chunk's results are not used either).
        """
        if self._pending() is not None:  # nested: the outer batch writes them
            yield
            return
        pending: dict[str, list[tuple[Any, ...]]] = {}
        self._local.pending = (os.getpid(), pending)
        try:
            yield
        finally:
            self._local.pending = None
        db = self.db() if pending and self.writable else None
        if db is not None:
            db.execute("BEGIN IMMEDIATE")
            try:
                for statement, rows in pending.items():
                    db.executemany(statement, rows)
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    def write(self, statement: str, row: tuple[Any, ...]) -> None:
        """Run an INSERT now, or at the end of this thread's batch."""
        pending = self._pending()
        if pending is not None:
            pending.setdefault(statement, []).append(row)
            return
        db = self.db() if self.writable else None
        if db is not None:
            db.execute(statement, row)

    def waiting(self, statement: str, key: str) -> Any:
        """The last row of this thread's batch for `statement` under `key` (its first column), or None."""
        pending = self._pending()
        for row in reversed(pending.get(statement, ()) if pending else ()):
            if row[0] == key:
                return row
        return None

    @property
    def key(self) -> bytes:
        """The key rows are authenticated with, read once (forked workers inherit it)."""
        if self._key is None:
            self._key = secret_key()
        return self._key

    def db(self) -> sqlite3.Connection | None:
        """This thread's connection (None when there is no database and nothing may be written)."""
        held: tuple[int, sqlite3.Connection] | None = getattr(self._local, "held", None)  # (pid, connection)
        if held is not None and held[0] == os.getpid():
            return held[1]
        if not self.writable and not self.path.exists():
            return None
        try:
            connection = self._open()
        except sqlite3.OperationalError:
            raise  # busy or locked: another build holds it (sqlite waits 60 s first)
        except sqlite3.DatabaseError:  # not a database, a damaged one, or not ours: start again
            if not self.writable:
                return None
            self.discard()
            connection = self._open()
        self._local.held = (os.getpid(), connection)
        return connection

    def _open(self) -> sqlite3.Connection:
        if not self.writable:
            connection = sqlite3.connect(
                f"{self.path.absolute().as_uri()}?mode=ro", uri=True, timeout=60, isolation_level=None
            )
            try:
                if not self._ours(connection):
                    raise Unverified(f"{self.path} is empty")
            except BaseException:
                connection.close()
                raise
            return connection
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        connection.execute(f"PRAGMA page_size={PAGE_SIZE}")  # before WAL: a new database's pages only
        connection.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
        connection.execute("PRAGMA synchronous=OFF")  # a cache: losing it to a power cut costs a cold build
        try:
            if not self._ours(connection):  # a new, empty database: create the tables
                connection.execute("BEGIN IMMEDIATE")  # one process creates them; others then find them made
                try:
                    if not _schema(connection):
                        for statement in _TABLES:
                            connection.execute(statement)
                        connection.execute(
                            "INSERT INTO meta VALUES ('schema', ?)",
                            (sign(self.key, b"store", b"schema", SCHEMA_VERSION),),
                        )
                except BaseException:
                    connection.execute("ROLLBACK")
                    raise
                connection.execute("COMMIT")
                if not self._ours(connection):
                    raise Unverified(f"{self.path} is not a cache this user's sitegen wrote")
        except BaseException:
            connection.close()
            raise
        return connection

    def _ours(self, connection: sqlite3.Connection) -> bool:
        """Whether the database has exactly our schema and a schema row authenticated by our key.

        Raises Unverified when it is some other database (`db` then deletes it); False when empty.
        """
        schema = _schema(connection)
        if not schema:
            return False
        if schema == _SCHEMA:
            row = connection.execute("SELECT CAST(mac AS BLOB) FROM meta WHERE name = 'schema'").fetchone()
            if row is not None and verify(self.key, b"store", b"schema", SCHEMA_VERSION, row[0]):
                return True
        raise Unverified(f"{self.path} is not a cache this user's sitegen wrote")

    def before_fork(self) -> None:
        """Create the database if it is missing, then close this process's connection.

        Workers forked next open their own; creating it here first means they never race to.
        """
        if self.writable:
            self.db()
        self.key  # noqa: B018 - read now, so every worker inherits the same key
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
    """Rendered body HTML by content key: written once when parsed, read when its page renders.

    `scratch` is where `sitegen check` keeps the bodies it parses: a temporary database of its
    own, so the project's cache is read (bodies of unchanged files) but never written.
    """

    def __init__(self, store: Store, scratch: Store | None = None):
        self.store = store
        self.scratch = scratch
        self._present: set[str] | None = None  # keys stored before this build, read on first use

    def put(self, key: str, html: str) -> None:
        target = self.scratch if self.scratch is not None else self.store
        if target.writable:
            data = html.encode("utf-8")  # replaces any row under the key: what was parsed now wins
            target.write(_PUT_BODY, (key, data, sign(target.key, b"body", key.encode(), data)))

    def batch(self) -> contextlib.AbstractContextManager[None]:
        """Write the bodies put in the block in one transaction, at its end (see `Store.batch`)."""
        return (self.scratch if self.scratch is not None else self.store).batch()

    def get(self, key: str) -> str:
        """The body's HTML, authenticated: it is published as trusted HTML.

        A row that does not verify raises Unverified, a DatabaseError: the build then deletes the
        database and runs again cold, parsing every file (see `builder.build`).
        """
        for store in (self.scratch, self.store):
            if store is None:
                continue
            row = store.waiting(_PUT_BODY, key)  # put in this chunk, not yet written
            if row is not None:
                row = row[1:]
            else:
                db = store.db()
                row = (
                    db.execute(
                        "SELECT CAST(html AS BLOB), CAST(mac AS BLOB) FROM bodies WHERE key = ?", (key,)
                    ).fetchone()
                    if db
                    else None
                )
            if row is None:
                continue
            if not verify(store.key, b"body", key.encode(), row[0], row[1]):
                raise Unverified(f"the body {key} in {store.path} is not one this user's sitegen wrote")
            return bytes(row[0]).decode("utf-8")
        raise KeyError(f"no body {key} in {self.store.path}")

    def before_fork(self) -> None:
        """Prepare both databases for forked workers (see `Store.before_fork`)."""
        self.store.before_fork()
        if self.scratch is not None:
            self.scratch.before_fork()

    def has(self, key: str) -> bool:
        if self._present is None:
            db = self.store.db()
            self._present = (
                {row[0] for row in db.execute("SELECT key FROM bodies WHERE key NOT GLOB ?", (_HEX,))} if db else set()
            )
        return key in self._present

    def keep_only(self, keys: Iterable[str]) -> int:
        """Delete the bodies of files that no longer exist; returns how many went."""
        return _keep_only(self.store, "bodies", "key", keys)


class Routes:
    """Routes as last rendered, by fingerprint: what a quick rebuild of a page starts from."""

    def __init__(self, store: Store):
        self.store = store

    def put(self, fingerprint: str, route: Any) -> None:
        if self.store.writable:
            data = pickle.dumps(route, protocol=pickle.HIGHEST_PROTOCOL)
            self.store.write(
                _PUT_ROUTE, (fingerprint, data, sign(self.store.key, b"route", fingerprint.encode(), data))
            )

    def batch(self) -> contextlib.AbstractContextManager[None]:
        """Write the routes put in the block in one transaction, at its end (see `Store.batch`)."""
        return self.store.batch()

    def get(self, fingerprint: str) -> Any:
        """The route kept under the fingerprint; None when it is missing or does not verify."""
        try:
            db = self.store.db()
            row = (
                db.execute(
                    "SELECT CAST(route AS BLOB), CAST(mac AS BLOB) FROM routes WHERE fingerprint = ?", (fingerprint,)
                ).fetchone()
                if db
                else None
            )
            if row is None or not verify(self.store.key, b"route", fingerprint.encode(), row[0], row[1]):
                return None  # never unpickled unless this user's sitegen wrote it
            return pickle.loads(row[0])  # noqa: S301 - verified above as written by this user's sitegen
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
    stale = [
        (value,)
        for (value,) in db.execute(
            f"SELECT {column} FROM {table} WHERE {column} NOT GLOB ?",  # noqa: S608
            (_HEX,),
        )
        if value not in wanted
    ]
    with db:
        db.execute("BEGIN")
        db.executemany(f"DELETE FROM {table} WHERE {column} = ?", stale)  # noqa: S608
    return len(stale)


def _schema(connection: sqlite3.Connection) -> bytes:
    """The database's schema as sqlite_master keeps it (read as bytes: a planted one may not be UTF-8)."""
    rows = connection.execute("SELECT CAST(sql AS BLOB) FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name")
    return b"\n".join(row[0] for row in rows)
