"""Reading the old library's export: CSV, JSON, an RSS or Atom feed, or a folder of saved pages.

Each reader turns one local source into `Row`s: where the row is (file, line, "row 12") and, for
each field of the mapping, the raw texts found for it. Nothing here judges the values (that is
`values.py`) or writes anything. Sources are untrusted: a reader never follows a symbolic link,
never fetches a URL (feedparser gets bytes, not a path, so it cannot go to the network), and
turns every malformed input into a diagnostic with its line, never an exception.
"""

from __future__ import annotations

import bisect
import codecs
import csv
import fnmatch
import io
import json
import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from ..diagnostics import Diagnostic
from .mapping import FIELDS, FieldSpec, Mapping, resolve_columns

Item = tuple[str, str]  # (value, label): the label is a link's text, an enclosure's title
CSV_FIELD_LIMIT = 16 * 1024 * 1024  # a body cell of a real export can pass csv's default 128 KiB
MAX_SOURCE_BYTES = 2 * 1024**3


@dataclass
class Row:
    """One publication of the source, with the raw texts of each mapped field."""

    source: str  # the file, as shown in messages
    line: int
    label: str  # "row 12", "record 3", "entry 2", "page"
    values: dict[str, list[Item]] = field(default_factory=dict)
    text: str = ""  # the whole page (saved HTML pages only), to find the line of a value

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line else self.source

    def first(self, name: str) -> str:
        return next((value for value, _ in self.values.get(name, ()) if value.strip()), "")

    def line_of(self, needle: str) -> int:
        """The line of `needle` in a saved page, else the row's own line."""
        if self.text and needle:
            index = self.text.find(needle[:80])
            if index >= 0:
                return self.text.count("\n", 0, index) + 1
        return self.line


@dataclass
class Source:
    rows: list[Row] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said once about the whole source
    mapping: Mapping | None = None  # with the columns resolved


def decode(data: bytes, encoding: str, shown: str) -> tuple[str, str]:
    """Text of a source and a note when it was not UTF-8.

    Exports from Windows tools are often Windows-1252 ("smart quotes" as bytes 0x91-0x94): a file
    that is not valid UTF-8 is read as Windows-1252, with the five bytes that code page leaves
    undefined read as Latin-1, so every byte decodes and the report says so.
    """
    if encoding:
        return data.decode(encoding, errors="replace"), ""
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        note = (
            f"{shown} is not UTF-8 (byte 0x{data[exc.start]:02x} on line {line}); it was read as Windows-1252. "
            "Set source: {encoding: ...} in the mapping if that is wrong"
        )
        return windows_1252(data), note


def _lenient_cp1252(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return error.object[error.start : error.end].decode("latin-1"), error.end


codecs.register_error("sitegen-cp1252-latin1", _lenient_cp1252)


def windows_1252(data: bytes) -> str:
    """Windows-1252, with the five bytes it leaves undefined read as Latin-1: every byte decodes."""
    return data.decode("cp1252", errors="sitegen-cp1252-latin1")


def read_bytes(path: Path, shown: str) -> bytes | Diagnostic:
    """A regular file's bytes, or why not: a symlink, folder or special file is refused."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        why = "it is a symbolic link, which an import never follows" if os.path.islink(path) else exc.strerror
        return Diagnostic(shown, 0, "import-source", f"cannot read {shown}: {why}")
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            return Diagnostic(shown, 0, "import-source", f"{shown} is not a regular file")
        if info.st_size > MAX_SOURCE_BYTES:
            return Diagnostic(shown, 0, "import-source", f"{shown} is larger than 2 GB")
        return handle.read()


# -- CSV ---------------------------------------------------------------------------------------


def read_csv(data: bytes, mapping: Mapping, shown: str) -> Source:
    result = Source()
    text, note = decode(data, mapping.encoding, shown)
    if note:
        result.notes.append(note)
    previous = csv.field_size_limit(CSV_FIELD_LIMIT)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=mapping.delimiter)
        try:
            header = next(reader, None)
        except csv.Error as exc:
            result.diagnostics.append(
                Diagnostic(shown, reader.line_num, "import-source", f"the header row cannot be read: {exc}")
            )
            return result
        if not header or not any(cell.strip() for cell in header):
            result.diagnostics.append(
                Diagnostic(
                    shown, 1, "import-source", f"{shown} has no header row", "the first line must name the columns"
                )
            )
            return result
        columns = [cell.strip() for cell in header]
        duplicate = sorted({c for c in columns if c and columns.count(c) > 1})
        if duplicate:
            result.notes.append(f"{shown} has more than one column named {', '.join(duplicate)}; the first is used")
        resolved, problems = resolve_columns(mapping, [c for c in columns if c], shown)
        result.mapping = resolved
        result.diagnostics += problems
        if problems:
            return result
        index: dict[str, int] = {}
        for position, column in enumerate(columns):
            index.setdefault(column, position)
        number = 0
        start = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                result.diagnostics.append(
                    Diagnostic(
                        shown, start, "import-source", f"row {number + 1}: {exc}", "check the quotes in this row"
                    )
                )
                start = reader.line_num + 1
                number += 1
                continue
            if any(cell.strip() for cell in cells):
                number += 1
                record = {column: cells[position] for column, position in index.items() if position < len(cells)}
                row = Row(shown, start, f"row {number}", _extract(record, resolved, nested=False))
                result.rows.append(row)
            start = reader.line_num + 1
    finally:
        csv.field_size_limit(previous)
    return result


# -- JSON --------------------------------------------------------------------------------------

_WS = re.compile(r"[ \t\n\r]*")


class _Located(Exception):
    def __init__(self, offset: int, message: str):
        self.offset, self.message = offset, message


def _skip(text: str, index: int) -> int:
    return _WS.match(text, index).end()  # type: ignore[union-attr]


def _records_at(text: str, index: int, path: list[str], decoder: json.JSONDecoder) -> list[tuple[int, Any]]:
    """(offset, value) of each item of the list at `path`, read from the text so lines are known."""
    index = _skip(text, index)
    if not path:
        if text[index : index + 1] != "[":
            raise _Located(index, "expected a list of records here")
        found: list[tuple[int, Any]] = []
        index = _skip(text, index + 1)
        if text[index : index + 1] == "]":
            return found
        while True:
            index = _skip(text, index)
            value, end = decoder.raw_decode(text, index)
            found.append((index, value))
            index = _skip(text, end)
            if text[index : index + 1] == ",":
                index += 1
                continue
            return found
    if text[index : index + 1] != "{":
        raise _Located(index, f'expected a set of keys holding "{path[0]}" here')
    index = _skip(text, index + 1)
    while text[index : index + 1] == '"':
        key, index = decoder.raw_decode(text, index)
        index = _skip(text, _skip(text, index) + 1)  # the colon
        if key == path[0]:
            return _records_at(text, index, path[1:], decoder)
        _, index = decoder.raw_decode(text, index)
        index = _skip(text, index)
        if text[index : index + 1] == ",":
            index = _skip(text, index + 1)
    raise _Located(index, f'there is no key "{path[0]}" here')


def read_json(data: bytes, mapping: Mapping, shown: str) -> Source:
    result = Source()
    text, note = decode(data, mapping.encoding, shown)
    if note:
        result.notes.append(note)
    try:
        whole = json.loads(text)
    except json.JSONDecodeError as exc:
        result.diagnostics.append(
            Diagnostic(shown, exc.lineno, "import-source", f"not valid JSON: {exc.msg} (column {exc.colno})")
        )
        return result
    except RecursionError:
        result.diagnostics.append(Diagnostic(shown, 1, "import-source", "the JSON is nested too deeply"))
        return result
    path = [part for part in mapping.records.split(".") if part]
    if not path and isinstance(whole, dict):
        lists = [key for key, value in whole.items() if isinstance(value, list)]
        if len(lists) != 1:
            result.diagnostics.append(
                Diagnostic(
                    mapping.path or shown,
                    0,
                    "mapping",
                    f"{shown} holds an object, not a list of records",
                    "say which key holds the records: source: {records: nodes}",
                )
            )
            return result
        path = lists
        result.notes.append(f'the records of {shown} were read from its key "{lists[0]}"')
    breaks = [match.start() for match in re.finditer("\n", text)]
    try:
        located = _records_at(text, 0, path, json.JSONDecoder())
    except _Located as exc:
        line = bisect.bisect_right(breaks, exc.offset) + 1
        result.diagnostics.append(
            Diagnostic(
                shown,
                line,
                "import-source",
                exc.message,
                f'check source: records: ("{mapping.records}") in the mapping',
            )
        )
        return result
    records = []
    for number, (offset, value) in enumerate(located, 1):
        line = bisect.bisect_right(breaks, offset) + 1
        if mapping.record and isinstance(value, dict) and isinstance(value.get(mapping.record), dict):
            value = value[mapping.record]
        if not isinstance(value, dict):
            result.diagnostics.append(
                Diagnostic(
                    shown, line, "import-source", f"record {number} is not a set of keys but {type(value).__name__}"
                )
            )
            continue
        records.append((number, line, value))
    columns = sorted({key for _, _, value in records for key in value if isinstance(key, str)})
    resolved, problems = resolve_columns(mapping, columns, shown) if records else (mapping, [])
    result.mapping = resolved
    result.diagnostics += problems
    if problems:
        return result
    for number, line, value in records:
        result.rows.append(Row(shown, line, f"record {number}", _extract(value, resolved, nested=True)))
    return result


def _lookup(record: dict[str, Any], path: str, nested: bool) -> Any:
    if not nested or path in record:
        return record.get(path)
    value: Any = record
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


_UNWRITABLE = re.compile("[\ud800-\udfff\x00]")


def _scrub(text: str) -> str:
    """No NUL and no lone surrogates (JSON can spell them; no file can hold them as UTF-8)."""
    return _UNWRITABLE.sub("", text) if _UNWRITABLE.search(text) else text


_VALUE_KEYS = ("value", "url", "href", "uri", "src", "term", "name", "title")


def _items(value: Any) -> list[Item]:
    """Texts of a cell or JSON value: lists give several; Drupal's {"value": ...} gives its value."""
    if value is None or isinstance(value, bool):
        return []
    if isinstance(value, (str, int, float)):
        return [(_scrub(str(value)), "")]
    if isinstance(value, list):
        return [item for element in value for item in _items(element)]
    if isinstance(value, dict):
        key = next(
            (k for k in _VALUE_KEYS if isinstance(value.get(k), (str, int, float)) and str(value[k]).strip()), None
        )
        if key is None:
            return []
        label = next(
            (
                str(value[k])
                for k in ("description", "title", "label", "alt")
                if k != key and isinstance(value.get(k), str)
            ),
            "",
        )
        return [(_scrub(str(value[key])), _scrub(label))]
    return []


def _split(items: list[Item], spec: FieldSpec) -> list[Item]:
    if not spec.split:
        return items
    return [(part.strip(), label) for value, label in items for part in value.split(spec.split) if part.strip()]


def _extract(record: dict[str, Any], mapping: Mapping, nested: bool) -> dict[str, list[Item]]:
    values: dict[str, list[Item]] = {}
    for name, spec in mapping.fields.items():
        items = _split(_items(_lookup(record, spec.source, nested)), spec) if spec.source else []
        if not items and spec.default:
            items = [(spec.default, "")]
        values[name] = items
    return values


# -- Feeds ---------------------------------------------------------------------------------------

_ENTRY_TAG = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?(entry|item)[\s>/]")
_OPAQUE = re.compile(r"<!\[CDATA\[.*?\]\]>|<!--.*?-->", re.DOTALL)


def _entry_lines(text: str) -> list[int]:
    """The line of each <entry> or <item>, in document order (CDATA and comments cannot fake one)."""
    blanked = _OPAQUE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    return [blanked.count("\n", 0, match.start()) + 1 for match in _ENTRY_TAG.finditer(blanked)]


def _flatten_entry(entry: dict[str, Any]) -> dict[str, Any]:
    """A feed entry as plain keys: content's text, tags' terms, enclosures' addresses and titles."""
    flat: dict[str, Any] = {key: value for key, value in entry.items() if isinstance(value, str)}
    content = entry.get("content") or []
    flat["content"] = "\n".join(part.get("value", "") for part in content if isinstance(part, dict)) or entry.get(
        "summary", ""
    )
    flat["tags"] = [tag.get("term") or tag.get("label") or "" for tag in entry.get("tags") or []]
    enclosures = [
        {"href": link.get("href", ""), "title": link.get("title", "")}
        for link in entry.get("links") or []
        if link.get("rel") == "enclosure" and link.get("href")
    ]
    seen = {e["href"] for e in enclosures}
    enclosures += [
        {"href": e.get("href", ""), "title": e.get("title", "")}
        for e in entry.get("enclosures") or []
        if e.get("href") and e.get("href") not in seen
    ]
    flat["enclosures"] = enclosures
    return flat


def read_feed(data: bytes, mapping: Mapping, shown: str) -> Source:
    import feedparser

    result = Source(mapping=mapping)
    # Bytes, never a path or address: feedparser would fetch a URL. Its own HTML sanitizer is
    # off so that ours, which reports what it drops, sees the markup as the feed has it.
    parsed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=True)
    problem = parsed.get("bozo_exception")
    line = getattr(problem, "getLineNumber", lambda: 0)() if problem is not None else 0
    if not parsed.entries:
        if problem is not None:
            result.diagnostics.append(
                Diagnostic(shown, line or 1, "import-source", f"not a feed that can be read: {problem}")
            )
        else:
            result.diagnostics.append(
                Diagnostic(
                    shown,
                    1,
                    "import-source",
                    f"{shown} has no entries",
                    "an import reads the <entry> (Atom) or <item> (RSS) elements",
                )
            )
        return result
    if problem is not None and parsed.get("bozo"):
        result.notes.append(f"{shown} is not well-formed XML (line {line or '?'}: {problem}); it was read loosely")
    text = data.decode(parsed.get("encoding") or "utf-8", errors="replace")
    lines = _entry_lines(text)
    language = (parsed.feed.get("language") or "").split("-")[0].lower() if parsed.get("feed") else ""
    for number, entry in enumerate(parsed.entries, 1):
        flat = _flatten_entry(entry)
        flat.setdefault("language", language)
        values = _extract(flat, mapping, nested=True)
        row_line = lines[number - 1] if number - 1 < len(lines) else 0
        result.rows.append(Row(shown, row_line, f"entry {number}", values))
    return result


# -- Saved HTML pages --------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


def _page_text(data: bytes, encoding: str) -> str:
    if encoding:
        return data.decode(encoding, errors="replace")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    declared = _META_CHARSET.search(data[:4096])
    if declared:
        try:
            return data.decode(declared.group(1).decode("ascii"), errors="replace")
        except LookupError:
            pass
    return windows_1252(data)


def check_selectors(mapping: Mapping) -> list[Diagnostic]:
    """A CSS selector the parser cannot read is a mapping error at its line, before any page is read."""
    from selectolax.lexbor import LexborHTMLParser, SelectolaxError

    probe = LexborHTMLParser("<p></p>")
    problems = []
    for name, spec in mapping.fields.items():
        if spec.source and not spec.source.startswith("@"):
            try:
                probe.css(spec.source)
            except (SelectolaxError, ValueError) as exc:
                problems.append(
                    Diagnostic(
                        mapping.path or "mapping",
                        spec.line,
                        "mapping",
                        f'fields.{name}: "{spec.source}" is not a CSS selector ({exc})',
                        'for example "h1.page-title" or "div.field--name-body"',
                    )
                )
    return problems


def page_path_url(relative: str) -> str:
    """The old address of a saved page from its path: publication/x.html -> /publication/x."""
    path = PurePosixPath(relative)
    if path.stem.lower() in ("index", "default") and path.suffix.lower() in (".html", ".htm"):
        return "/" + str(path.parent).strip(".").strip("/") + ("/" if str(path.parent) not in (".", "") else "")
    return "/" + str(path.with_suffix("")) if path.suffix.lower() in (".html", ".htm") else "/" + relative


def _node_items(nodes: Iterable[Any], spec: FieldSpec) -> list[Item]:
    items: list[Item] = []
    for node in nodes:
        if spec.name == "attachments" and not spec.attribute:
            links = [node] if node.tag == "a" else node.css("a")
            items += [
                ((link.attributes.get("href") or "").strip(), " ".join((link.text() or "").split()))
                for link in links
                if (link.attributes.get("href") or "").strip()
            ]
        elif spec.attribute:
            value = node.attributes.get(spec.attribute)
            if value:
                items.append((value, " ".join((node.text() or "").split())))
        elif spec.name == "body" or (spec.name == "summary" and spec.format == "html"):
            items.append((node.html or "", ""))
        elif node.tag == "time" and spec.name in ("date", "updated") and node.attributes.get("datetime"):
            items.append((node.attributes["datetime"], ""))
        elif node.tag == "meta":
            items.append((node.attributes.get("content") or "", ""))
        else:
            items.append((" ".join((node.text(separator=" ") or "").split()), ""))
    return items


def _read_page(text: str, relative: str, mapping: Mapping, shown: str) -> Row:
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(text)
    values: dict[str, list[Item]] = {}
    for name, spec in mapping.fields.items():
        items: list[Item] = []
        if spec.source == "@path":
            items = [(page_path_url(relative), "")]
        elif spec.source == "@canonical":
            canonical = tree.css_first('link[rel="canonical"]')
            href = (canonical.attributes.get("href") or "").strip() if canonical is not None else ""
            items = [(href or page_path_url(relative), "")]
        elif spec.source:
            nodes = tree.css(spec.source)
            if name == "body":
                nodes = nodes[:50]
            items = _split(_node_items(nodes, spec), spec)
        if not items and spec.default:
            items = [(spec.default, "")]
        if name == "body" and len(items) > 1:
            items = [("\n".join(value for value, _ in items), "")]
        values[name] = items
    return Row(shown, 1, "page", values, text)


def read_pages(folder: Path, mapping: Mapping, shown: str) -> Source:
    """Every page file of the folder (never through a symbolic link), in path order."""
    result = Source(mapping=mapping)
    result.diagnostics += check_selectors(mapping)
    if result.diagnostics:
        return result
    found: list[str] = []
    pattern = mapping.pages
    for top, dirs, files in os.walk(folder, followlinks=False):
        relative_top = os.path.relpath(top, folder)
        for name in sorted(dirs):
            if os.path.islink(os.path.join(top, name)):
                result.diagnostics.append(
                    Diagnostic(
                        _join(shown, relative_top, name),
                        0,
                        "import-source",
                        "a symbolic link to a folder; an import never follows links",
                        severity="warning",
                    )
                )
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not os.path.islink(os.path.join(top, d)))
        for name in files:
            relative = name if relative_top == "." else f"{PurePosixPath(Path(relative_top).as_posix())}/{name}"
            matches = fnmatch.fnmatch(relative if "/" in pattern else name, pattern)
            if not matches:
                continue
            if os.path.islink(os.path.join(top, name)):
                result.diagnostics.append(
                    Diagnostic(
                        _join(shown, relative_top, name),
                        0,
                        "import-source",
                        "a symbolic link; an import never follows links",
                        severity="warning",
                    )
                )
                continue
            found.append(relative)
    if not found:
        result.diagnostics.append(
            Diagnostic(
                shown,
                0,
                "import-source",
                f'no pages matching "{pattern}" in {shown}',
                "set source: {pages: ...} in the mapping to the pattern of the page files",
            )
        )
    for relative in sorted(found):
        page_shown = f"{shown.rstrip('/')}/{relative}"
        data = read_bytes(folder / relative, page_shown)
        if isinstance(data, Diagnostic):
            result.diagnostics.append(data)
            continue
        result.rows.append(_read_page(_page_text(data, mapping.encoding), relative, mapping, page_shown))
    return result


def _join(shown: str, top: str, name: str) -> str:
    return "/".join(part for part in (shown.rstrip("/"), "" if top == "." else top, name) if part)


def read_source(path: Path, mapping: Mapping, shown: str) -> Source:
    """Dispatch on the mapping's kind; a missing or unreadable source is one diagnostic."""
    if mapping.kind == "html":
        if not path.is_dir() or path.is_symlink():
            return Source(
                diagnostics=[
                    Diagnostic(
                        shown,
                        0,
                        "import-source",
                        f"{shown} is not a folder of saved pages (--from html reads a folder)",
                    )
                ]
            )
        return read_pages(path, mapping, shown)
    data = read_bytes(path, shown)
    if isinstance(data, Diagnostic):
        return Source(diagnostics=[data])
    reader = {"csv": read_csv, "json": read_json, "feed": read_feed}[mapping.kind]
    return reader(data, mapping, shown)


__all__ = ["FIELDS", "Item", "Row", "Source", "decode", "page_path_url", "read_source"]
