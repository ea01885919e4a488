"""Front-matter fields, declared once.

The declarations below drive validation (with lines and "did you mean"), `sitegen new`, the
JSON Schema for editors (`sitegen schema`) and the README's field table (a test keeps the two in
step). Checks that need other files (does component "ice" exist?) belong to `site.py`.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from .diagnostics import Diagnostic, did_you_mean
from .frontmatter import YamlDocument

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SUMMARY_WARN_LENGTH = 300


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # a key of CONVERTERS
    required: bool
    doc: str
    example: Any = None
    of: str = ""  # for key/keys: what the key names (component, type, topic)
    fields: tuple[Field, ...] = ()  # for object/objects: the fields of each item


ATTACHMENT_FIELDS: tuple[Field, ...] = (
    Field("title", "text", True, "Link text of the attachment", "DHS/ICE/PIA-049 Parole Unit Case Management Systems"),
    Field("file", "file", True, "Path of the file, relative to content/", "files/privacy-pia-ice-049.pdf"),
    Field("language", "language", False, "Language of the file, a BCP 47 code; default: the publication's", "es"),
)

PUBLICATION_FIELDS: tuple[Field, ...] = (
    Field(
        "title",
        "text",
        True,
        "Title of the publication, as shown in lists and the page heading",
        "DHS/ICE/PIA-049 Parole Unit Case Management Systems",
    ),
    Field("date", "date", True, "Publication date, YYYY-MM-DD; lists are ordered by it, newest first", "2018-10-01"),
    Field("updated", "date", False, "Date of the last substantive update, YYYY-MM-DD", "2019-02-11"),
    Field(
        "reviewed",
        "date",
        False,
        "Date the publication was last reviewed for accuracy, YYYY-MM-DD; not before date, not in the future",
        "2024-06-03",
    ),
    Field(
        "component",
        "key",
        True,
        "Owning component: a file name (without .md) in content/components/",
        "ice",
        of="component",
    ),
    Field("type", "key", True, "Publication type: a key of content/types.yaml", "privacy-impact-assessment", of="type"),
    Field("topics", "keys", False, "Topics: a list of keys of content/topics.yaml", ["privacy"], of="topic"),
    Field(
        "summary",
        "text",
        True,
        "One-paragraph plain-text summary shown in lists and search results",
        "The Parole Unit ...",
    ),
    Field(
        "document_number",
        "text",
        False,
        "The agency's number of the document, shown in its summary box and given to search engines as its identifier",
        "DHS/ICE/PIA-049",
    ),
    Field("slug", "slug", False, "Last part of the page URL; default: the file name without .md", "dhs-ice-pia-049"),
    Field("language", "language", False, "Language of the publication, a BCP 47 code; default: the site's", "en"),
    Field(
        "attachments",
        "objects",
        False,
        "Files to download: a list of title, file and optional language",
        None,
        fields=ATTACHMENT_FIELDS,
    ),
    Field(
        "aliases",
        "paths",
        False,
        "Old site-relative URLs that must keep working (they redirect here)",
        ["/publication/dhs-ice-pia-049"],
    ),
    Field(
        "translations",
        "slugs",
        False,
        "Slugs of the same publication in other languages (each lists this one too)",
        ["dhs-statement-hurricane-michael-es"],
    ),
    Field(
        "publish_at",
        "moment",
        False,
        "Keep the publication off the site until this moment: YYYY-MM-DD or YYYY-MM-DDTHH:MM with a time zone (Z or -05:00)",
        "2026-12-01T09:00-05:00",
    ),
    Field(
        "retired",
        "object",
        False,
        "Marks a publication withdrawn: it stays reachable with a notice but leaves the listings",
        None,
        fields=(
            Field("date", "date", True, "Date it was retired, YYYY-MM-DD", "2024-01-31"),
            Field("reason", "text", True, "Why, in one sentence shown on the page", "Superseded by DHS/ICE/PIA-062."),
        ),
    ),
    Field("draft", "bool", False, "true keeps the publication out of the site unless built with --drafts", False),
    Field("extra", "mapping", False, "Site-specific data passed to templates untouched", {}),
)

COMPONENT_FIELDS: tuple[Field, ...] = (
    Field("name", "text", True, "Full name of the component", "Immigration and Customs Enforcement"),
    Field("acronym", "text", True, "Short name", "ICE"),
    Field("url", "url", False, "The component's own website", "https://www.ice.gov/"),
    Field(
        "names",
        "names",
        False,
        "The name in other languages, for pages in them: a language code, then the name",
        {"es": "Servicio de Inmigración y Control de Aduanas"},
    ),
)

PAGE_FIELDS: tuple[Field, ...] = (
    Field("title", "text", True, "Page title", "About the library"),
    Field("summary", "text", False, "One-sentence description for search engines and link previews", ""),
    Field("updated", "date", False, "Date the page was last reviewed, YYYY-MM-DD", "2026-10-01"),
)


class Checker:
    """Validates one mapping of front matter against field declarations, collecting diagnostics."""

    def __init__(self, doc: YamlDocument, source: str):
        self.doc = doc
        self.source = source
        self.diagnostics: list[Diagnostic] = []

    def error(self, path: tuple[Any, ...], code: str, message: str, hint: str = "") -> None:
        self.diagnostics.append(Diagnostic(self.source, self.doc.line(*path), code, message, hint))

    def check(self, data: Any, fields: tuple[Field, ...], path: tuple[Any, ...] = ()) -> dict[str, Any]:
        if not isinstance(data, dict):
            what = _what(path)
            self.error(path, "wrong-type", f"{what} must be a set of 'field: value' lines, not {_describe(data)}")
            return {}
        known = {f.name: f for f in fields}
        for key in data:
            if key not in known:
                name = str(key)
                self.error(
                    path + (key,),
                    "unknown-field",
                    f'unknown field "{name}"; {did_you_mean(name, known)}',
                    "site-specific data goes under 'extra:'",
                )
        values: dict[str, Any] = {}
        for f in fields:
            if f.name not in data or data[f.name] is None or data[f.name] == "":
                if f.required:
                    where = _where(path)
                    self.error(
                        path,
                        "missing-field",
                        f'missing required field "{f.name}"{where}',
                        f"add a line '{f.name}: ...': {f.doc[0].lower()}{f.doc[1:]}",
                    )
                continue
            value = CONVERTERS[f.kind](self, data[f.name], path + (f.name,), f)
            if value is not None:
                values[f.name] = value
        return values


def _what(path: tuple[Any, ...]) -> str:
    """What a mapping at `path` is called: the front matter, each item of a list, or a field."""
    if not path:
        return "the front matter"
    return f'each item of "{path[0]}"' if _is_item(path) else f'"{path[-1]}"'


def _where(path: tuple[Any, ...]) -> str:
    """ " in attachments item 2", " in analytics.dap", or "" at the top."""
    if not path:
        return ""
    return f" in {path[0]} item {path[1] + 1}" if _is_item(path) else " in " + ".".join(map(str, path))


def _is_item(path: tuple[Any, ...]) -> bool:
    """An item of a list of objects (attachments 0), as opposed to an object inside an object (analytics dap)."""
    return len(path) > 1 and isinstance(path[1], int)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    if value is None:
        return "nothing"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return f'"{value}"'


def _text(c: Checker, value: Any, path: tuple[Any, ...], f: Field) -> str | None:
    if isinstance(value, bool):
        c.error(
            path,
            "wrong-type",
            f'"{f.name}" must be text, but YAML read it as {str(value).lower()}',
            f'put the value in quotes: {f.name}: "..."',
        )
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if not isinstance(value, str):
        c.error(
            path,
            "wrong-type",
            f'"{f.name}" must be text, not {_describe(value)}',
            f'write it on one line: {f.name}: "..."',
        )
        return None
    return value.strip()


def _url(c: Checker, value: Any, path: tuple[Any, ...], f: Field) -> str | None:
    text = _text(c, value, path, f)
    if text is not None and not re.match(r"^https://[^\s/]+", text):
        c.error(path, "bad-url", f'"{f.name}" must be an https:// address, not "{text}"')
        return None
    return text


def parse_date(text: str) -> dt.date | None:
    if not DATE_RE.match(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _date(c: Checker, value: Any, path: tuple[Any, ...], f: Field) -> dt.date | None:
    text = str(value).strip()
    if not DATE_RE.match(text):
        c.error(
            path,
            "bad-date",
            f'"{f.name}" must be a date written YYYY-MM-DD, not "{text}"',
            f"for example {f.name}: 2019-02-11",
        )
        return None
    date = parse_date(text)
    if date is None:
        c.error(path, "bad-date", f'"{f.name}" is not a real date: {text}', "check the month and day")
    return date


MOMENT_RE = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:\d{2})$")


def _moment(c: Checker, value: Any, path: tuple[Any, ...], f: Field) -> dt.datetime | None:
    """A date (midnight in the site's time zone) or a date-time that names its time zone."""
    text = str(value).strip()
    if DATE_RE.match(text):
        date = _date(c, value, path, f)
        if date is not None and date.year > 9998:
            c.error(
                path, "bad-date", f'"{f.name}" is too far in the future: {text}', "write a date before the year 9999"
            )
            return None
        # No time zone yet: midnight in site.yaml's `timezone`, which the site graph applies.
        return dt.datetime(date.year, date.month, date.day) if date else None
    if not MOMENT_RE.match(text):
        c.error(
            path,
            "bad-date",
            f'"{f.name}" must be YYYY-MM-DD or a date and time with a time zone, not "{text}"',
            f"for example {f.name}: 2026-12-01T09:00-05:00 (Eastern) or 2026-12-01T14:00Z (UTC)",
        )
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        moment.astimezone(dt.UTC)  # 9999-12-31T23:59-14:00 has no UTC time: it overflows
    except ValueError:
        c.error(path, "bad-date", f'"{f.name}" is not a real date and time: {text}', "check the numbers")
        return None
    except OverflowError:
        c.error(path, "bad-date", f'"{f.name}" is too far in the future: {text}', "write a date before the year 9999")
        return None
    return moment


def _key(c: Checker, value: Any, path: tuple[Any, ...], f: Field) -> str | None:
    text = _text(c, value, path, f)
    if text is not None and not SLUG_RE.match(text):
        c.error(path, "bad-key", f'"{f.name}" must be a {f.of} key in lower case, such as "{f.example}", not "{text}"')
        return None
    return text


def _keys(c: Checker, value: Any, path: tuple[Any, ...], f: Field) -> tuple[str, ...] | None:
    if isinstance(value, str):
        c.error(
            path,
            "wrong-type",
            f'"{f.name}" must be a list, not the text "{value}"',
            f"write it as a list: {f.name}: [{value}]",
        )
        return None
    if not isinstance(value, list):
        c.error(path, "wrong-type", f'"{f.name}" must be a list, not {_describe(value)}')
        return None
    keys = []
    for index, item in enumerate(value):
        key = _key(c, item, path + (index,), f)
        if key is not None:
            keys.append(key)
    return tuple(dict.fromkeys(keys))


def _slugs(c: Checker, value: Any, path: tuple[Any, ...], f: Field) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        c.error(path, "wrong-type", f'"{f.name}" must be a list of slugs, not {_describe(value)}')
        return None
    slugs = [_slug(c, item, path + (index,), f) for index, item in enumerate(value)]
    return tuple(dict.fromkeys(slug for slug in slugs if slug))


def _slug(c: Checker, value: Any, path: tuple[Any, ...], f: Field) -> str | None:
    text = _text(c, value, path, f)
    if text is not None and not SLUG_RE.match(text):
        c.error(
            path,
            "bad-slug",
            f'slug "{text}" is not a clean URL part',
            "use lower-case letters, digits and single hyphens only, e.g. dhs-ice-pia-049",
        )
        return None
    return text


def _language(c: Checker, value: Any, path: tuple[Any, ...], f: Field) -> str | None:
    text = _text(c, value, path, f)
    if text is not None and not LANGUAGE_RE.match(text):
        c.error(path, "bad-language", f'"{text}" is not a language code', "use a BCP 47 code such as en, es or zh-Hant")
        return None
    return text


def _file(c: Checker, value: Any, path: tuple[Any, ...], f: Field) -> str | None:
    # Whether the file exists and stays inside content/ is checked by the loader, which knows the paths.
    return _text(c, value, path, f)


def _objects(c: Checker, value: Any, path: tuple[Any, ...], f: Field) -> tuple[dict[str, Any], ...] | None:
    if not isinstance(value, list):
        first = f.fields[0].name
        c.error(
            path,
            "wrong-type",
            f'"{f.name}" must be a list of items',
            f"start each item with '- {first}: ...' on its own line",
        )
        return None
    items = []
    for index, item in enumerate(value):
        checked = c.check(item, f.fields, path + (index,))
        if all(g.name in checked for g in f.fields if g.required):
            # The line to blame later (a missing file): the item's "file" line when it has one.
            checked["line"] = c.doc.line(*path, index, "file")
            items.append(checked)
    return tuple(items)


def _object(c: Checker, value: Any, path: tuple[Any, ...], f: Field) -> dict[str, Any] | None:
    checked = c.check(value, f.fields, path)
    return checked if all(g.name in checked for g in f.fields if g.required) else None


def _timezone(c: Checker, value: Any, path: tuple[Any, ...], f: Field) -> str | None:
    text = _text(c, value, path, f)
    if text is None:
        return None
    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        c.error(
            path,
            "bad-timezone",
            f'"{text}" is not a time zone name',
            "use an IANA name such as America/New_York, America/Chicago, America/Denver, "
            "America/Los_Angeles, Pacific/Honolulu or UTC",
        )
        return None
    return text


def _names(c: Checker, value: Any, path: tuple[Any, ...], f: Field) -> tuple[tuple[str, str], ...] | None:
    """Translations of a name: `{es: "Nombre"}` -> (("es", "Nombre"),), sorted by language."""
    if not isinstance(value, dict):
        c.error(
            path,
            "wrong-type",
            f'"{f.name}" must list a name per language, not {_describe(value)}',
            f'write it as {f.name}: {{es: "..."}}',
        )
        return None
    names = []
    for language, name in value.items():
        code = _language(c, str(language), path + (language,), f)
        text = _text(c, name, path + (language,), Field(f"{f.name}.{language}", "text", True, f.doc))
        if code is not None and text:
            names.append((code, text))
        elif code is not None and text == "":
            c.error(path + (language,), "missing-field", f'the {language} name in "{f.name}" is empty')
    return tuple(sorted(names))


def _int(c: Checker, value: Any, path: tuple[Any, ...], f: Field) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        c.error(path, "wrong-type", f'"{f.name}" must be a whole number above 0, not {_describe(value)}')
        return None
    return value


def clean_site_path(text: str) -> str | None:
    """The problem with a site-relative path such as an alias, or None when it is clean."""
    if not text.startswith("/"):
        return "must start with /"
    if text.startswith("//") or "://" in text:
        return "must be a path on this site, not an address"
    if "\\" in text or any(ch.isspace() for ch in text) or any(ord(ch) < 32 for ch in text):
        return "must not contain spaces or backslashes"
    if "?" in text or "#" in text:
        return "must not contain ? or #"
    if any(part in (".", "..") for part in text.split("/")):
        return "must not contain . or .. segments"
    if "//" in text:
        return "must not contain empty segments (//)"
    if not _PATH_CHARACTERS.match(text):
        return "may use only letters, digits and - . _ ~ % / ! $ & ' ( ) * + , ; = : @"
    # Hosts decode %66iles to files: an encoded letter, digit, dot or slash would slip past the
    # collision checks, which compare paths as written.
    encoded = re.search(r"%(?:[46][1-9A-Fa-f]|[57][0-9Aa]|3[0-9]|2[DEFdef]|5[Ff]|7[Ee])", text)
    if encoded:
        return f"must not percent-encode a plain character ({encoded.group(0)} is {unquote(encoded.group(0))!r}): write it as it is"
    if re.search(r"%(?![0-9A-Fa-f]{2})", text):
        return "has a % that is not followed by two hexadecimal digits"
    return None


# RFC 3986 path characters: nothing that could end a code span, a Markdown link or an HTML attribute.
_PATH_CHARACTERS = re.compile(r"^[A-Za-z0-9._~%/!$&'()*+,;=:@-]*$")


def _paths(c: Checker, value: Any, path: tuple[Any, ...], f: Field) -> tuple[str, ...] | None:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        c.error(path, "wrong-type", f'"{f.name}" must be a list of paths such as /publication/old-name')
        return None
    paths = []
    for index, item in enumerate(value):
        text = _text(c, item, path + (index,), f)
        if text is None:
            continue
        problem = clean_site_path(text)
        if problem:
            c.error(path + (index,), "bad-alias", f'alias "{text}" {problem}', "write it like /publication/old-name")
        else:
            paths.append(text)
    return tuple(paths)


def _link(c: Checker, value: Any, path: tuple[Any, ...], f: Field) -> str | None:
    text = _text(c, value, path, f)
    if text is None:
        return None
    if is_placeholder(text):
        c.error(
            path,
            "placeholder-link",
            f'"{f.name}" is a placeholder ("{text}"), not a real link',
            "give the address of the real page",
        )
        return None
    if text.startswith("/"):
        problem = clean_site_path(text)
        if problem:
            c.error(path, "bad-link", f'"{f.name}" link "{text}" {problem}')
            return None
        return text
    if not re.match(r"^https://[^\s/]+", text):
        c.error(
            path, "bad-link", f'"{f.name}" must be a site path such as /about/ or an https:// address, not "{text}"'
        )
        return None
    return text


def is_placeholder(text: str) -> bool:
    lowered = text.strip().lower()
    return lowered in ("", "#", "/", "tbd", "todo", "none", "null") or any(
        word in lowered for word in ("placeholder", "changeme", "lorem", "xxx")
    )


def _severity(c: Checker, value: Any, path: tuple[Any, ...], f: Field) -> str | None:
    text = _text(c, value, path, f)
    if text is not None and text not in ("warning", "error"):
        c.error(
            path,
            "bad-value",
            f'"{f.name}" must be warning or error, not "{text}"',
            f"{f.name}: error makes these problems stop the build",
        )
        return None
    return text


def _bool(c: Checker, value: Any, path: tuple[Any, ...], f: Field) -> bool | None:
    if not isinstance(value, bool):
        c.error(path, "wrong-type", f'"{f.name}" must be true or false, not {_describe(value)}')
        return None
    return value


def _mapping(c: Checker, value: Any, path: tuple[Any, ...], f: Field) -> Any:
    if not isinstance(value, dict):
        c.error(path, "wrong-type", f'"{f.name}" must be a set of fields, not {_describe(value)}')
        return None
    return value


CONVERTERS: dict[str, Callable[[Checker, Any, tuple[Any, ...], Field], Any]] = {
    "text": _text,
    "url": _url,
    "date": _date,
    "key": _key,
    "keys": _keys,
    "slug": _slug,
    "language": _language,
    "file": _file,
    "moment": _moment,
    "slugs": _slugs,
    "objects": _objects,
    "object": _object,
    "int": _int,
    "paths": _paths,
    "timezone": _timezone,
    "bool": _bool,
    "mapping": _mapping,
    "names": _names,
    "link": _link,
    "severity": _severity,
}


def validate(doc: YamlDocument, fields: tuple[Field, ...], source: str) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Check parsed front matter against `fields`: returns the converted values and the problems."""
    checker = Checker(doc, source)
    data = doc.data if doc.data is not None else {}
    values = checker.check(data, fields)
    return values, checker.diagnostics


# -- JSON Schema for editors ----------------------------------------------------------------

_JSON_TYPES: dict[str, dict[str, Any]] = {
    "text": {"type": ["string", "number"]},
    "url": {"type": "string", "pattern": "^https://"},
    "date": {"type": "string", "pattern": DATE_RE.pattern, "format": "date"},
    "key": {"type": "string", "pattern": SLUG_RE.pattern},
    "keys": {"type": "array", "items": {"type": "string", "pattern": SLUG_RE.pattern}, "uniqueItems": True},
    "slug": {"type": "string", "pattern": SLUG_RE.pattern},
    "slugs": {"type": "array", "items": {"type": "string", "pattern": SLUG_RE.pattern}},
    "moment": {
        "type": "string",
        "pattern": "^\\d{4}-\\d{2}-\\d{2}([T ]\\d{2}:\\d{2}(:\\d{2})?(Z|[+-]\\d{2}:\\d{2}))?$",
    },
    "language": {"type": "string", "pattern": LANGUAGE_RE.pattern},
    "file": {"type": "string"},
    "paths": {"type": "array", "items": {"type": "string", "pattern": "^/"}},
    "bool": {"type": "boolean"},
    "link": {"type": "string"},
    "mapping": {"type": "object"},
    "names": {
        "type": "object",
        "propertyNames": {"pattern": LANGUAGE_RE.pattern},
        "additionalProperties": {"type": "string"},
    },
    "int": {"type": "integer", "minimum": 1},
    "timezone": {"type": "string"},
    "severity": {"type": "string", "enum": ["warning", "error"]},
}


def _json_object(fields: tuple[Field, ...]) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for f in fields:
        if f.kind == "objects":
            prop: dict[str, Any] = {"type": "array", "items": _json_object(f.fields)}
        elif f.kind == "object":
            prop = _json_object(f.fields)
        else:
            prop = dict(_JSON_TYPES[f.kind])
        prop["description"] = f.doc
        if f.example not in (None, "", {}, []):
            prop["examples"] = [f.example]
        properties[f.name] = prop
    return {
        "type": "object",
        "properties": properties,
        "required": [f.name for f in fields if f.required],
        "additionalProperties": False,
    }


def publication_json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of publication front matter, for editors' YAML support."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://github.com/sitegen/publication.schema.json",
        "title": "Publication front matter",
        **_json_object(PUBLICATION_FIELDS),
    }


def markdown_table(fields: tuple[Field, ...] = PUBLICATION_FIELDS) -> str:
    """The README's field table, generated so that it cannot drift from the declarations."""
    rows = ["| field | required | what it is | example |", "| --- | --- | --- | --- |"]
    for f in fields:
        example = "" if f.example in (None, "", {}) else f"`{_yaml_inline(f.example)}`"
        if f.kind == "objects":
            example = "; ".join(f"`{g.name}`" + ("" if g.required else " (optional)") for g in f.fields)
        rows.append(f"| `{f.name}` | {'yes' if f.required else 'no'} | {f.doc} | {example} |")
    return "\n".join(rows)


def _yaml_inline(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)
