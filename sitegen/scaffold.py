"""`sitegen new publication`: a valid file at the conventional path, every field explained.

The file is generated from the schema's field declarations, so a new field shows up here (and in
the JSON Schema and the README) without anyone remembering to add it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from slugify import slugify

from .schema import PUBLICATION_FIELDS, Field


def _value(field: Field, values: dict[str, object]) -> str:
    value = values.get(field.name, field.example)
    if isinstance(value, (dt.date,)):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and _PLAIN.match(value) and value.lower() not in _YAML_WORDS:
        return value
    return json.dumps(value, ensure_ascii=False)  # JSON strings and lists are valid YAML


_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./-]*$")
_YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}


def publication_text(title: str, component: str, type_: str, today: dt.date) -> str:
    values: dict[str, object] = {"title": title, "date": today, "component": component, "type": type_,
                                 "summary": "One or two plain sentences that say what this publication is."}
    lines = ["---"]
    for field in PUBLICATION_FIELDS:
        required = "required" if field.required else "optional"
        lines.append(f"# {field.name} ({required}): {field.doc}")
        if field.name in values:
            lines.append(f"{field.name}: {_value(field, values)}")
        elif field.name == "attachments":
            lines += ["# attachments:", '#   - title: "Title of the file"', "#     file: files/name-of-the-file.pdf"]
        else:
            lines.append(f"# {field.name}: {_value(field, values)}")
    lines += ["---", "Write the publication here in Markdown.", ""]
    return "\n".join(lines)


def new_publication(project: Path, title: str, component: str, type_: str, today: dt.date) -> Path:
    """Write the new file and return its path; refuses to overwrite an existing file."""
    slug = slugify(title, max_length=80, word_boundary=True) or "publication"
    path = project / "content" / "publications" / str(today.year) / f"{slug}.md"
    if path.exists():
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(publication_text(title, component, type_, today), encoding="utf-8")
    return path
