"""The mapping file of `sitegen import`: which column, key or selector gives each field, and how.

This module owns reading and checking the mapping (YAML, read by the same safe loader as front
matter, so every problem names `mapping.yaml:line`) and the defaults for each kind of source. It
reads no source and writes nothing. The format is documented in the README ("Migrating an
existing library") and in `docs/IMPORT.md`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..diagnostics import Diagnostic, did_you_mean
from ..frontmatter import YamlDocument, parse_yaml
from ..schema import LANGUAGE_RE, SLUG_RE

KINDS = ("csv", "json", "feed", "html")

# The fields an import can fill, and what each one is for in a message.
FIELDS: dict[str, str] = {
    "id": "a stable identifier of the row in the old system (Drupal's nid), to find it again on a re-run",
    "url": "the publication's old address, which becomes an alias",
    "title": "the title",
    "date": "the publication date",
    "updated": "the date of the last update",
    "summary": "the plain-text summary",
    "body": "the text (HTML, Markdown or plain text)",
    "component": "the owning component",
    "type": "the publication type",
    "topics": "the topics",
    "attachments": "the files to download",
    "language": "the language code",
    "slug": "the last part of the new URL",
}
KEYED = ("component", "type", "topics")  # fields whose values are keys of the site
POLICIES = {"component": ("error", "create"), "type": ("error", "create"), "topics": ("error", "create", "drop")}
SPEC_KEYS = {"from", "attribute", "split", "map", "formats", "default", "format"}
BODY_FORMATS = ("html", "markdown", "text")
SOURCE_KEYS = {"encoding": "csv, json, html", "delimiter": "csv", "records": "json", "record": "json", "pages": "html"}
TOP_KEYS = {"source", "old_site", "files_prefix", "fields", "unknown"}

# Where each field is found when the mapping does not say: a feed's entries and saved pages have
# a shape of their own; CSV and JSON columns are matched by the field's own name (any case).
FEED_DEFAULTS = {
    "id": "id",
    "url": "link",
    "title": "title",
    "date": "published",
    "updated": "updated",
    "summary": "summary",
    "body": "content",
    "topics": "tags",
    "attachments": "enclosures",
    "language": "language",
}
HTML_DEFAULTS = {"title": "h1", "url": "@canonical", "body": "main", "date": "time"}
COLUMN_NAMES = {
    "id": ("id", "nid", "node id", "guid"),
    "url": ("url", "path", "link", "old url", "alias"),
    "attachments": ("attachments", "files", "file"),
    "topics": ("topics", "tags"),
    "summary": ("summary", "description", "teaser"),
    "date": ("date", "post date", "published"),
}


@dataclass(frozen=True)
class FieldSpec:
    """Where one field comes from and how its text is turned into a value."""

    name: str
    source: str = ""  # column, key path (a.b.0), CSS selector, or @path / @canonical / @url
    attribute: str = ""  # html: read this attribute instead of the text
    split: str = ""  # several values in one cell, separated by this
    values: tuple[tuple[str, str], ...] = ()  # value map: old text -> key or text
    formats: tuple[str, ...] = ()  # strptime formats for dates
    default: str = ""  # used when the row has no value
    format: str = "html"  # body: html, markdown or text
    line: int = 0  # line in the mapping file (0: not in the file)
    given: bool = False  # named in the mapping file, not a default

    def mapped(self, text: str) -> str | None:
        """The value map's target for `text`: exactly, else ignoring case and spacing."""
        for old, new in self.values:
            if old == text:
                return new
        wanted = _fold(text)
        for old, new in self.values:
            if _fold(old) == wanted:
                return new
        return None


@dataclass(frozen=True)
class Mapping:
    kind: str
    fields: dict[str, FieldSpec]
    unknown: dict[str, str] = field(default_factory=dict)  # component/type/topics -> error|create|drop
    encoding: str = ""
    delimiter: str = ","
    records: str = ""
    record: str = ""
    pages: str = "**/*.htm*"
    old_site: str = ""  # https://www.agency.gov: absolute links there are links into the old site
    files_prefix: str = "/sites/default/files/"
    path: str = ""  # the mapping file as shown in messages ("" when there is none)

    def policy(self, name: str) -> str:
        return self.unknown.get(name, "error")

    def where(self, name: str) -> tuple[str, int]:
        spec = self.fields.get(name)
        return (self.path, spec.line) if spec is not None and spec.line else (self.path, 0)


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


class _Problems:
    def __init__(self, doc: YamlDocument, source: str):
        self.doc, self.source = doc, source
        self.found: list[Diagnostic] = []

    def add(self, path: tuple[Any, ...], message: str, hint: str = "", code: str = "mapping") -> None:
        self.found.append(Diagnostic(self.source, self.doc.line(*path), code, message, hint))


def _text(problems: _Problems, value: Any, path: tuple[Any, ...], what: str) -> str | None:
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        shown = (
            "true/false"
            if isinstance(value, bool)
            else "nothing"
            if value is None
            else "a list"
            if isinstance(value, list)
            else "a set of fields"
        )
        problems.add(path, f"{what} must be text, not {shown}", 'put it in quotes: "..."')
        return None
    return str(value)


def check_format(fmt: str) -> str:
    """Why a strptime format cannot read dates ("" when it can)."""
    if "%" not in fmt:
        return "has no % codes, so it cannot read a date"
    sample = dt.datetime(2018, 10, 31, 13, 45, 30)
    try:
        written = sample.strftime(fmt)
        dt.datetime.strptime(written, fmt)
    except ValueError as exc:
        return f"is not a format Python can read dates with ({exc})"
    if not any(code in fmt for code in ("%d", "%j", "%x", "%c", "%e")) and "%s" not in fmt:
        return "has no day (%d)"
    return ""


def _spec(problems: _Problems, name: str, value: Any, kind: str) -> FieldSpec | None:
    path = ("fields", name)
    line = problems.doc.line(*path)
    if isinstance(value, (str, int)) and not isinstance(value, bool):
        return FieldSpec(name, str(value), line=line, given=True)
    if not isinstance(value, dict):
        problems.add(
            path,
            f'"fields.{name}" must be a column name or a set of options such as from: and map:',
            f"for example: {name}: {{from: {name.capitalize()}}}",
        )
        return None
    for key in value:
        if key not in SPEC_KEYS:
            problems.add(
                path + (key,),
                f'unknown option "{key}" in fields.{name}; {did_you_mean(str(key), SPEC_KEYS)}',
                "options: " + ", ".join(sorted(SPEC_KEYS)),
            )
    options: dict[str, Any] = {"name": name, "line": line, "given": True}
    for key in ("from", "attribute", "split", "default", "format"):
        if key in value:
            text = _text(problems, value[key], path + (key,), f"fields.{name}.{key}")
            if text is not None:
                options["source" if key == "from" else key] = text
    if options.get("attribute") and kind != "html":
        problems.add(path + ("attribute",), f"fields.{name}.attribute is only for --from html (saved pages)")
    if "format" in options and options["format"] not in BODY_FORMATS:
        problems.add(
            path + ("format",),
            f'fields.{name}.format must be one of {", ".join(BODY_FORMATS)}, not "{options["format"]}"',
        )
    if "format" in options and name not in ("body", "summary"):
        problems.add(path + ("format",), f"fields.{name}.format is only for body and summary")
    if "map" in value:
        table = value["map"]
        if not isinstance(table, dict):
            problems.add(
                path + ("map",),
                f"fields.{name}.map must be lines of 'old value: new value'",
                'for example: map: {"Immigration and Customs Enforcement": ice}',
            )
        else:
            pairs = []
            for old, new in table.items():
                target = _text(problems, new, path + ("map", old), f'the value map entry "{old}"')
                if target is None:
                    continue
                if name in KEYED and not SLUG_RE.match(target):
                    problems.add(
                        path + ("map", old),
                        f'"{target}" is not a {name.rstrip("s")} key',
                        "keys are lower-case letters, digits and hyphens, e.g. privacy-impact-assessment",
                    )
                    continue
                if name == "language" and not LANGUAGE_RE.match(target):
                    problems.add(
                        path + ("map", old), f'"{target}" is not a language code', "use a code such as en or es"
                    )
                    continue
                pairs.append((str(old), target))
            options["values"] = tuple(pairs)
    if "formats" in value:
        formats = value["formats"]
        if isinstance(formats, str):
            formats = [formats]
        if name not in ("date", "updated"):
            problems.add(path + ("formats",), f"fields.{name}.formats is only for date and updated")
        elif not isinstance(formats, list):
            problems.add(path + ("formats",), f'fields.{name}.formats must be a list such as ["%m/%d/%Y"]')
        else:
            good = []
            for index, fmt in enumerate(formats):
                text = _text(problems, fmt, path + ("formats", index), "a date format")
                if text is None:
                    continue
                why = check_format(text)
                if why:
                    problems.add(
                        path + ("formats", index),
                        f'the date format "{text}" {why}',
                        'write it with strftime codes, e.g. "%m/%d/%Y" for 10/31/2018 or "%B %d, %Y" for October 31, 2018',
                    )
                else:
                    good.append(text)
            options["formats"] = tuple(good)
    return FieldSpec(**options)


def load_mapping(path: Path | None, kind: str, shown: str = "") -> tuple[Mapping | None, list[Diagnostic]]:
    """Read and check a mapping file (None: the defaults for `kind`). Problems name the file and line."""
    if path is None:
        return Mapping(kind, default_fields(kind, {})), []
    shown = shown or str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Diagnostic(shown, 0, "mapping", f"cannot read the mapping file: {exc.strerror}")]
    try:
        yaml_text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return None, [
            Diagnostic(
                shown,
                data[: exc.start].count(b"\n") + 1,
                "not-utf8",
                "the mapping file is not UTF-8 text",
                "save it as UTF-8",
            )
        ]
    doc = parse_yaml(yaml_text, shown)
    if doc.diagnostics:
        return None, doc.diagnostics
    problems = _Problems(doc, shown)
    top = doc.data if doc.data is not None else {}
    if not isinstance(top, dict):
        problems.add((), "the mapping file must be a set of 'field: value' lines (source:, fields:, unknown:)")
        return None, problems.found
    for key in top:
        if key not in TOP_KEYS:
            problems.add(
                (key,),
                f'unknown setting "{key}"; {did_you_mean(str(key), TOP_KEYS)}',
                "settings: " + ", ".join(sorted(TOP_KEYS)),
            )
    options: dict[str, Any] = {}
    source = top.get("source") or {}
    if not isinstance(source, dict):
        problems.add(("source",), "source: must be a set of settings such as encoding: and delimiter:")
        source = {}
    for key, value in source.items():
        if key not in SOURCE_KEYS:
            problems.add(
                ("source", key),
                f'unknown source setting "{key}"; {did_you_mean(str(key), SOURCE_KEYS)}',
                ", ".join(f"{k} ({v})" for k, v in sorted(SOURCE_KEYS.items())),
            )
            continue
        text = _text(problems, value, ("source", key), f"source.{key}")
        if text is None:
            continue
        if kind not in SOURCE_KEYS[key]:
            problems.add(("source", key), f"source.{key} is for --from {SOURCE_KEYS[key]}, not --from {kind}")
        if key == "encoding":
            import codecs

            try:
                codecs.lookup(text)
            except LookupError:
                problems.add(
                    ("source", key),
                    f'"{text}" is not a text encoding Python knows',
                    "for example utf-8, windows-1252 or latin-1",
                )
                continue
        if key == "delimiter" and len(text) != 1:
            problems.add(("source", key), 'source.delimiter must be one character, such as , or ; or a tab ("\\t")')
            continue
        options[key] = text
    for key in ("old_site", "files_prefix"):
        if key in top:
            text = _text(problems, top[key], (key,), key)
            if text is not None:
                options[key] = text.strip()
    old_site = options.get("old_site", "")
    if old_site and not re.match(r"^https?://[A-Za-z0-9.-]+(:\d+)?/?$", old_site):
        problems.add(
            ("old_site",), f'old_site must be the old site\'s address such as https://www.dhs.gov, not "{old_site}"'
        )
    elif old_site:
        options["old_site"] = old_site.rstrip("/")
    prefix = options.get("files_prefix")
    if prefix is not None and prefix and not prefix.startswith("/"):
        problems.add(
            ("files_prefix",),
            f'files_prefix must be a path starting with /, such as /sites/default/files/, not "{prefix}"',
        )
    elif prefix:
        options["files_prefix"] = prefix.rstrip("/") + "/"
    unknown = top.get("unknown") or {}
    policies: dict[str, str] = {}
    if not isinstance(unknown, dict):
        problems.add(("unknown",), "unknown: must be lines such as 'type: create'")
        unknown = {}
    for key, value in unknown.items():
        if key not in POLICIES:
            problems.add(
                ("unknown", key),
                f"unknown: says what to do with new values of component, type or topics, "
                f'not "{key}"; {did_you_mean(str(key), POLICIES)}',
            )
            continue
        text = _text(problems, value, ("unknown", key), f"unknown.{key}")
        if text is not None and text not in POLICIES[key]:
            problems.add(
                ("unknown", key),
                f'unknown.{key} must be one of {", ".join(POLICIES[key])}, not "{text}"',
                "error stops the row; create adds the new value to the site"
                + ("; drop leaves the topic out" if key == "topics" else ""),
            )
        elif text is not None:
            policies[key] = text
    given: dict[str, FieldSpec] = {}
    fields = top.get("fields") or {}
    if not isinstance(fields, dict):
        problems.add(("fields",), "fields: must be lines of 'field: column' such as 'title: Title'")
        fields = {}
    for name, value in fields.items():
        if name not in FIELDS:
            problems.add(
                ("fields", name),
                f'"{name}" is not a field an import can fill; {did_you_mean(str(name), FIELDS)}',
                "fields: " + ", ".join(FIELDS),
            )
            continue
        spec = _spec(problems, name, value, kind)
        if spec is not None:
            given[name] = spec
    if problems.found:
        return None, problems.found
    return Mapping(kind, default_fields(kind, given), policies, path=shown, **options), []


def default_fields(kind: str, given: dict[str, FieldSpec]) -> dict[str, FieldSpec]:
    """The mapping's fields, with each kind's defaults for the fields it does not name."""
    fields = dict(given)
    defaults = FEED_DEFAULTS if kind == "feed" else HTML_DEFAULTS if kind == "html" else {}
    for name, source in defaults.items():
        spec = fields.get(name)
        if spec is None:
            fields[name] = FieldSpec(name, source)
        elif not spec.source and not spec.default:  # options such as map: without from:
            fields[name] = FieldSpec(**{**spec.__dict__, "source": source})
    return fields


def resolve_columns(mapping: Mapping, columns: list[str], source: str) -> tuple[Mapping, list[Diagnostic]]:
    """CSV and JSON: check that every named column exists, and find the unnamed fields by name.

    A column named in the mapping that the export lacks is an error at the mapping's line; a
    field the mapping does not name is looked up among the columns by its own name and the
    usual names for it ("nid", "Post date"), in any case.
    """
    problems = []
    folded = {_fold(column): column for column in columns}
    fields = dict(mapping.fields)
    for name, spec in mapping.fields.items():
        top = spec.source.split(".", 1)[0] if mapping.kind == "json" else spec.source
        if spec.source and spec.source not in columns and top not in columns:
            close = folded.get(_fold(spec.source))
            if close is not None:
                fields[name] = FieldSpec(**{**spec.__dict__, "source": close})
                continue
            shown = ", ".join(columns[:15]) + (", ..." if len(columns) > 15 else "")
            problems.append(
                Diagnostic(
                    mapping.path or source,
                    spec.line,
                    "mapping",
                    f'fields.{name}: "{spec.source}" is not a column of {source}; {did_you_mean(spec.source, columns)}',
                    f"columns: {shown}",
                )
            )
    for name in FIELDS:
        named = fields.get(name)
        if named is not None and (named.source or named.default):
            continue
        for candidate in (name, *COLUMN_NAMES.get(name, ())):
            if _fold(candidate) in folded:
                found = folded[_fold(candidate)]
                fields[name] = FieldSpec(**{**named.__dict__, "source": found}) if named else FieldSpec(name, found)
                break
    return Mapping(**{**mapping.__dict__, "fields": fields}), problems


__all__ = [
    "FIELDS",
    "KINDS",
    "FieldSpec",
    "Mapping",
    "check_format",
    "default_fields",
    "load_mapping",
    "resolve_columns",
]
