"""Attachments as the build knows them: read once, checked for Section 508, labelled for people.

Every attachment a publication lists is read by `documents.py` once per version of its bytes.
The records (and the text kept for search) live in `documents.sqlite` in the cache folder,
keyed by a hash of the bytes and the reader's signature; a file is recognised as unchanged by
its size and modification time, as rsync does (as the scan does before it hashes one), so an
incremental build reads no attachment it read before, and a build with nothing changed stops
before this stage. Rows are authenticated like every cache row (store.py): a planted database
cannot change what a page says about a file.

The checks report at the publication's `attachments:` entry (`file:line`). They are warnings,
errors when site.yaml says `accessibility: {attachments: error}` (and, like every warning, fail
`sitegen check --strict`): a file that cannot be read (damaged, password, over the limits), and
for PDFs the Section 508 basics: tagged (/MarkInfo /Marked true and a structure tree), a
document language (/Lang) that agrees with the attachment's, a title (Info or XMP) shown in the
title bar (DisplayDocTitle), text that assistive technology may extract, and a text layer.

This module decides and describes; it renders nothing and writes nothing but its cache rows.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .diagnostics import Diagnostic, Severity
from .documents import Document, Limits, format_of, read_documents, reader_signature
from .model import Attachment, Publication
from .store import Bodies, sign, verify
from .strings import strings_for
from .urls import Urls, format_size

if TYPE_CHECKING:
    from .cache import Cache
    from .config import SiteConfig

DATABASE = "documents.sqlite"
STORE_BATCH = 200  # documents read per transaction of the store
_TABLES = (
    "CREATE TABLE documents (key TEXT PRIMARY KEY, record BLOB NOT NULL, mac BLOB NOT NULL, text BLOB NOT NULL, "
    "text_mac BLOB NOT NULL)",
    "CREATE TABLE files (path TEXT PRIMARY KEY, stat TEXT NOT NULL, key TEXT NOT NULL, mac BLOB NOT NULL)",
)
# What each check is about, for the report's "508" column: code -> short name.
CHECKS: dict[str, str] = {
    "attachment-damaged": "damaged",
    "attachment-encrypted": "needs a password",
    "attachment-unreadable": "over the reading limits",
    "attachment-restricted": "blocks assistive technology",
    "attachment-untagged": "untagged",
    "attachment-no-language": "no language",
    "attachment-language-mismatch": "language mismatch",
    "attachment-no-title": "no title",
    "attachment-title-hidden": "title not shown",
    "attachment-no-text": "no text layer",
}
PLACEHOLDER_TITLES = frozenset({"untitled", "untitled document", "title", "document"})
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "csv": "text/csv",
    "txt": "text/plain",
    "zip": "application/zip",
    "json": "application/json",
    "xml": "application/xml",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
}


def media_type(path: str) -> str:
    """The IANA media type of a published file, by its extension (its bytes were checked to match)."""
    return MEDIA_TYPES.get(os.path.splitext(path)[1].lstrip(".").lower(), "application/octet-stream")


# -- the cache of records -------------------------------------------------------------------------


class DocumentStore:
    """documents.sqlite: records and text by content key, and the content key of each file by its stat.

    Read from `sources` (the cache folder's database, unless --no-cache), written to `target`
    (the cache folder's; a scratch folder's when the cache may not be written: `check`, --no-cache).
    """

    def __init__(self, secret: bytes, sources: tuple[Path, ...], target: Path | None):
        self.secret = secret
        self.sources = sources
        self.target = target
        self._db: dict[Path, sqlite3.Connection | None] = {}

    def db(self, path: Path, write: bool = False) -> sqlite3.Connection | None:
        if self._db.get(path) is not None or (path in self._db and not write):
            return self._db[path]
        db = None
        if write or path.is_file():
            try:
                if write:
                    path.parent.mkdir(parents=True, exist_ok=True)
                db = sqlite3.connect(f"file:{path}" + ("" if write else "?mode=ro"), uri=True, isolation_level=None)
                schema = tuple(
                    row[0] for row in db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' ORDER BY name")
                )
                if schema != _TABLES:
                    if write:
                        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                            db.execute(f'DROP TABLE "{name}"')  # not ours, or an older format: start again
                        for statement in _TABLES:
                            db.execute(statement)
                    else:
                        db.close()
                        db = None
                if db is not None and write:
                    db.execute("PRAGMA synchronous = OFF")  # a cache: a crash costs a re-read, never a wrong answer
            except sqlite3.DatabaseError:
                db = None
        self._db[path] = db
        return db

    def _readable(self) -> list[sqlite3.Connection]:
        paths = list(dict.fromkeys(self.sources + ((self.target,) if self.target else ())))
        found = [self.db(path, write=path == self.target) for path in paths]
        return [db for db in found if db is not None]

    def known(self) -> tuple[dict[str, tuple[str, str]], dict[str, Document]]:
        """(path -> (stat, key), key -> Document) of every authenticated row."""
        files: dict[str, tuple[str, str]] = {}
        records: dict[str, Document] = {}
        for db in [self.db(path) for path in self.sources]:
            if db is None:
                continue
            try:
                for path, stat, key, mac in db.execute("SELECT path, stat, key, mac FROM files"):
                    if verify(self.secret, b"document-file", str(path).encode(), f"{stat}\0{key}".encode(), mac):
                        files[path] = (stat, key)
                for key, record, mac in db.execute("SELECT key, record, mac FROM documents"):
                    if verify(self.secret, b"document", str(key).encode(), record, mac):
                        with contextlib.suppress(ValueError, TypeError):
                            records[key] = Document.from_json(json.loads(record))
            except sqlite3.DatabaseError:
                continue
        return files, records

    def put(self, files: dict[str, tuple[str, str]], read: dict[str, tuple[Document, str]]) -> None:
        db = self.db(self.target, write=True) if self.target else None
        if db is None:
            return
        rows = []
        for key, (document, text) in read.items():
            record = json.dumps(document.to_json(), sort_keys=True).encode()
            packed = zlib.compress(text.encode("utf-8"), 6)
            rows.append(
                (
                    key,
                    record,
                    sign(self.secret, b"document", key.encode(), record),
                    packed,
                    sign(self.secret, b"document-text", key.encode(), packed),
                )
            )
        with contextlib.suppress(sqlite3.DatabaseError), _transaction(db):
            db.executemany("INSERT OR REPLACE INTO documents VALUES (?, ?, ?, ?, ?)", rows)
            db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
                [
                    (path, stat, key, sign(self.secret, b"document-file", path.encode(), f"{stat}\0{key}".encode()))
                    for path, (stat, key) in files.items()
                ],
            )

    def keep_only(self, paths: set[str], keys: set[str]) -> None:
        """Forget files no publication attaches any more, and records no file has."""
        db = self.db(self.target, write=True) if self.target else None
        if db is None:
            return
        with contextlib.suppress(sqlite3.DatabaseError), _transaction(db):
            stale_paths = [(path,) for (path,) in db.execute("SELECT path FROM files") if path not in paths]
            stale_keys = [(key,) for (key,) in db.execute("SELECT key FROM documents") if key not in keys]
            db.executemany("DELETE FROM files WHERE path = ?", stale_paths)
            db.executemany("DELETE FROM documents WHERE key = ?", stale_keys)

    def text(self, key: str) -> str:
        """The search text of one document ("" when it is not kept or does not verify)."""
        for db in self._readable():
            try:
                row = db.execute("SELECT text, text_mac FROM documents WHERE key = ?", (key,)).fetchone()
            except sqlite3.DatabaseError:
                continue
            if row is not None and verify(self.secret, b"document-text", key.encode(), row[0], row[1]):
                with contextlib.suppress(zlib.error, UnicodeDecodeError):
                    return str(zlib.decompress(row[0]).decode("utf-8"))
        return ""

    def close(self) -> None:
        for db in self._db.values():
            if db is not None:
                db.close()
        self._db = {}


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """One transaction for many rows (the connection is in autocommit mode otherwise)."""
    db.execute("BEGIN")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _scratch(bodies: Bodies) -> Path | None:
    return bodies.scratch.path.with_name(DATABASE) if bodies.scratch is not None else None


def store_for(cache: Cache) -> DocumentStore:
    main = cache.root / DATABASE
    sources = (main,) if cache.enabled else ()
    target = main if cache.store.writable else _scratch(cache.bodies)
    return DocumentStore(cache.store.key, sources, target)


def texts(bodies: Bodies) -> DocumentStore:
    """Where the search index finds the attachments' text: beside the bodies it indexes."""
    scratch = _scratch(bodies)
    return DocumentStore(
        bodies.store.key, (*((scratch,) if scratch else ()), bodies.store.path.with_name(DATABASE)), None
    )


# -- reading --------------------------------------------------------------------------------------


def read_attachments(
    project: Path, cache: Cache, publications: list[Publication], workers: int = 1, limits: Limits | None = None
) -> tuple[list[Publication], dict[str, Document]]:
    """Publications with each readable attachment's page count and content key; key -> Document.

    Reads only the files whose size or modification time changed since they were last read,
    and of those only the bytes nobody read before.
    """
    wanted = sorted({a.file for pub in publications for a in pub.attachments if format_of(a.file)})
    if not wanted:
        return publications, {}
    store = store_for(cache)
    try:
        known_files, records = store.known()
        signature = reader_signature().encode()
        keys: dict[str, str] = {}
        new_files: dict[str, tuple[str, str]] = {}
        todo: list[tuple[str, str, str]] = []
        for relative in wanted:
            path = os.path.join(project, "content", relative)
            try:
                info = os.stat(path)
            except OSError:
                continue  # the loader reported it missing
            stat = f"{info.st_size}:{info.st_mtime_ns}"
            known = known_files.get(relative)
            if known is not None and known[0] == stat and known[1] in records:
                keys[relative] = known[1]
                continue
            with open(path, "rb") as handle:
                key = hashlib.sha256(signature + b"\0" + handle.read()).hexdigest()  # as content_key
            keys[relative] = key
            new_files[relative] = (stat, key)
            if key not in records:
                todo.append((key, path, format_of(relative)))
        batch: dict[str, tuple[Document, str]] = {}

        def keep(key: str, document: Document, text: str) -> None:
            """Each result to the store as it comes, a few hundred rows per transaction."""
            records[key] = document
            batch[key] = (document, text)
            if len(batch) >= STORE_BATCH:
                store.put({}, batch)
                batch.clear()

        if todo:
            read_documents(todo, workers, limits or Limits(), sink=keep)
        if batch or new_files:
            store.put(new_files, batch)
        if any(path not in keys for path in known_files) or set(records) - set(keys.values()):
            store.keep_only(set(keys), set(keys.values()))
    finally:
        store.close()
    documents = {key: records[key] for key in set(keys.values()) if key in records}
    enriched = []
    for pub in publications:
        if any(a.file in keys for a in pub.attachments):
            attachments = tuple(_with_document(a, keys.get(a.file, ""), documents) for a in pub.attachments)
            pub = replace(pub, attachments=attachments)
        enriched.append(pub)
    return enriched, documents


def _with_document(attachment: Attachment, key: str, documents: dict[str, Document]) -> Attachment:
    document = documents.get(key)
    if document is None:
        return attachment
    return replace(attachment, pages=document.pages if not document.problem else 0, document=key)


# -- checks ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    hint: str


def findings(document: Document, declared_language: str, kind: str) -> list[Finding]:
    """What is wrong with one attachment, from its record and the language it is declared in."""
    if document.problem == "password":
        return [
            Finding(
                "attachment-encrypted",
                f"this {kind} needs a password to open, so the public cannot read it",
                "publish it without a password (in Acrobat: File > Properties > Security > No Security)",
            )
        ]
    if document.problem == "damaged":
        return [
            Finding(
                "attachment-damaged",
                f"this {kind} could not be read: {document.detail or 'it is damaged'}",
                "export or download it again, and check that it opens in a reader",
            )
        ]
    if document.problem:
        return [
            Finding(
                "attachment-unreadable",
                f"this {kind} could not be read within the limits for one document: {document.detail}",
                "a real document reads in well under a second; export it again or split it",
            )
        ]
    if document.format != "pdf":
        return []
    found = []
    if not document.assistive:
        found.append(
            Finding(
                "attachment-restricted",
                "the PDF's security settings forbid text extraction for "
                "accessibility, so screen readers may not read it (Section 508)",
                "remove the restriction, or allow content copying for accessibility",
            )
        )
    if not (document.tagged and document.structure):
        missing = (
            "no /MarkInfo /Marked true and no structure tree"
            if not (document.tagged or document.structure)
            else "no structure tree"
            if not document.structure
            else "/MarkInfo does not say /Marked true"
        )
        found.append(
            Finding(
                "attachment-untagged",
                f"this PDF is not tagged ({missing}): screen readers cannot follow "
                "its headings, lists and tables (Section 508)",
                "export it again with tags (Word: Save as PDF > Options > Document structure tags for "
                "accessibility; Acrobat: Accessibility > Autotag Document)",
            )
        )
    if not document.language:
        found.append(
            Finding(
                "attachment-no-language",
                "this PDF does not say what language it is in (/Lang), so a "
                "screen reader may read it with the wrong voice (Section 508)",
                "set it in Acrobat: File > Properties > Advanced > Language",
            )
        )
    elif declared_language and _primary(document.language) != _primary(declared_language):
        found.append(
            Finding(
                "attachment-language-mismatch",
                f'the attachment is in "{declared_language}", but the PDF says its language is "{document.language}"',
                "correct the attachment's language: line, or the PDF's language (Acrobat: File > "
                "Properties > Advanced > Language)",
            )
        )
    title = document.title.strip()
    if not title or title.lower() in PLACEHOLDER_TITLES:
        what = "has no title (Info or XMP)" if not title else f'has the placeholder title "{title}"'
        found.append(
            Finding(
                "attachment-no-title",
                f"this PDF {what}, so readers and screen readers announce its file name (Section 508)",
                "set the title in Acrobat: File > Properties > Description > Title",
            )
        )
    elif not document.display_title:
        found.append(
            Finding(
                "attachment-title-hidden",
                "this PDF's title bar shows its file name, not its title (DisplayDocTitle is not set)",
                "in Acrobat: File > Properties > Initial View > Show: Document Title",
            )
        )
    if not document.text_layer:
        found.append(
            Finding(
                "attachment-no-text",
                "this PDF has no text layer: it is images only (a scan), which a "
                "screen reader cannot read and search cannot find (Section 508)",
                "run text recognition (Acrobat: Scan & OCR > Recognize Text), then tag it",
            )
        )
    return found


def _primary(language: str) -> str:
    return language.replace("_", "-").split("-")[0].lower()


def declared_language(attachment: Attachment, pub: Publication, site_language: str) -> str:
    return attachment.language or pub.language or site_language


def check_attachments(
    config: SiteConfig, publications: Iterable[Publication], documents: dict[str, Document]
) -> list[Diagnostic]:
    """Diagnostics at each attachment's line of every publication that attaches a file with findings."""
    severity: Severity = "error" if config.attachment_checks == "error" else "warning"
    diags = []
    for pub in publications:
        for attachment in pub.attachments:
            document = documents.get(attachment.document)
            if document is None:
                continue
            for finding in findings(document, declared_language(attachment, pub, config.language), attachment.kind):
                diags.append(
                    Diagnostic(
                        pub.source,
                        attachment.line,
                        finding.code,
                        f"{attachment.file}: {finding.message}",
                        finding.hint,
                        severity,
                    )
                )
    return diags


# -- labels and machine-readable descriptions -----------------------------------------------------


def kind_name(attachment: Attachment, language: str) -> str:
    """ "PDF", "Word document"; in the page's language when the interface text has it."""
    names: dict[str, str] = strings_for(language).get("file_kinds", {})
    return names.get(attachment.kind, attachment.kind)


def label(attachment: Attachment, language: str) -> str:
    """ "PDF, 18 pages, 218 KB", as agencies label downloads; in the page's language."""
    strings = strings_for(language)
    parts = [kind_name(attachment, language)]
    if attachment.pages:
        pages = strings.get("file_pages", ("{n} page", "{n} pages"))
        parts.append((pages[0] if attachment.pages == 1 else pages[1]).format(n=f"{attachment.pages:,}"))
    size = format_size(attachment.size)
    decimal = strings.get("decimal_mark", ".")
    parts.append(size.replace(".", decimal) if decimal != "." else size)
    return ", ".join(parts)


@dataclass(frozen=True)
class Download:
    """One attachment as a publication page shows it (see templates/publication.html)."""

    title: str
    file: str  # content-relative, files/...
    language: str  # as declared on the attachment ("" when it is the publication's)
    in_language: str  # the language it is in: declared, else the publication's, else the site's
    label: str  # "PDF, 18 pages, 218 KB" in the page's language
    media_type: str
    pages: int
    size: int
    url: str  # absolute

    @property
    def media_object(self) -> dict[str, Any]:
        """The schema.org MediaObject of the JSON-LD (the page count stays in the label: schema.org's
        numberOfPages is a property of Book, not of MediaObject)."""
        data: dict[str, Any] = {
            "@type": "MediaObject",
            "name": self.title,
            "contentUrl": self.url,
            "encodingFormat": self.media_type,
            "contentSize": f"{self.size} B",
            "inLanguage": self.in_language,
        }
        return data


def downloads(
    pub: Publication, page_language: str, site_language: str, absolute: Callable[[str], str]
) -> tuple[Download, ...]:
    """The publication's attachments as its page lists them; `absolute` turns a site path into a URL."""
    return tuple(
        Download(
            a.title,
            a.file,
            a.language,
            declared_language(a, pub, site_language),
            label(a, page_language),
            media_type(a.file),
            a.pages,
            a.size,
            absolute(Urls.file(a.file)),
        )
        for a in pub.attachments
    )


def catalog_fields(attachment: Attachment) -> dict[str, Any]:
    """What index.json adds to each attachment: its media type and page count."""
    return {"mediaType": media_type(attachment.file), "pages": attachment.pages or None}
