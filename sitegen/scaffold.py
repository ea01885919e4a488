"""`sitegen new publication`: a draft at the conventional path, every field explained.

The file is generated from the schema's field declarations, so a new field shows up here (and in
the JSON Schema and the README) without anyone remembering to add it. It is written with
`draft: true` and a placeholder summary and body: `placeholder_problems` (called where every
publication file is parsed) reports each placeholder left in, as a reminder while the file is a
draft and as an error once it would be published, so an unfinished file never goes live.

`--component ICE` and `--type "Fact Sheet"` are matched to keys by `match_key`: the key, its
display name or the component's acronym, in any case, with "did you mean" when nothing matches.
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .diagnostics import Diagnostic, Severity
from .schema import PUBLICATION_FIELDS, Field

# Recognisable, and unlike anything a real publication would say.
PLACEHOLDER_SUMMARY = "Replace this with one or two plain sentences that say what this publication is."
PLACEHOLDER_BODY = "Replace this with the text of the publication, in Markdown."


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
    values: dict[str, object] = {
        "title": title,
        "date": today,
        "component": component,
        "type": type_,
        "summary": PLACEHOLDER_SUMMARY,
        "draft": True,
    }
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
    lines += ["---", PLACEHOLDER_BODY, ""]
    return "\n".join(lines)


def _words(text: str) -> str:
    return " ".join(text.split()).lower()


def placeholder_problems(
    values: Mapping[str, Any], body: str, source: str = "", lines: Mapping[str, int] | None = None, body_line: int = 1
) -> list[Diagnostic]:
    """A diagnostic for each placeholder of `sitegen new` still in a publication file.

    An error when the publication would be published (no `draft: true`), a warning while it is a
    draft. `lines` maps top-level fields to their file lines, `body_line` is the file line the
    body starts on.
    """
    draft = values.get("draft") is True
    severity: Severity = "warning" if draft else "error"
    then = "before you remove draft: true" if draft else "before it is published"
    found = []
    summary = values.get("summary")
    if isinstance(summary, str) and _words(PLACEHOLDER_SUMMARY) in _words(summary):
        found.append(
            Diagnostic(
                source,
                (lines or {}).get("summary", 1),
                "placeholder-text",
                "the summary is still the placeholder that `sitegen new` wrote",
                f"write one or two plain sentences that say what this publication is, {then}",
                severity,
            )
        )
    placeholder = _words(PLACEHOLDER_BODY)
    for index, line in enumerate(body.splitlines()):
        if placeholder in _words(line):
            found.append(
                Diagnostic(
                    source,
                    body_line + index,
                    "placeholder-text",
                    "the text is still the placeholder that `sitegen new` wrote",
                    f"replace this line with the text of the publication, {then}",
                    severity,
                )
            )
    return found


def match_key(given: str, names: Mapping[str, tuple[str, ...]]) -> tuple[str | None, str]:
    """(key, "") for the key that `given` names; (None, why not) otherwise, suggesting the nearest keys.

    `names` maps each key to the other names it goes by (display name, acronym). "ICE",
    "ice", "Immigration and Customs Enforcement" and "immigration-and-customs-enforcement" all
    name the key "ice"; "Fact Sheet" names "fact-sheet".
    """
    if given in names:
        return given, ""
    wanted = _normal(given)
    exact = sorted({key for key, other in names.items() if wanted in {_normal(key), *map(_normal, other)}})
    if len(exact) == 1:
        return exact[0], ""
    if exact:
        return None, f'"{given}" could be any of: {", ".join(exact)}; give the key'
    candidates: dict[str, str] = {}  # normalised name -> key
    for key in sorted(names):
        for name in (key, *names[key]):
            candidates.setdefault(_normal(name), key)
    close = difflib.get_close_matches(wanted, list(candidates), n=3, cutoff=0.6)
    suggested = list(dict.fromkeys(candidates[name] for name in close))
    if suggested:
        shown = " or ".join(f'"{key}"' + (f" ({names[key][0]})" if names[key] else "") for key in suggested)
        return None, f"did you mean {shown}?"
    if not names:
        return None, "none are defined"
    known = sorted(names)
    return None, "known: " + ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")


def _normal(name: str) -> str:
    from slugify import slugify  # not at the top: every build imports this module

    return slugify(name, lowercase=True) or name.strip().lower()


def component_names(project: Path) -> dict[str, tuple[str, ...]]:
    """Each component key (file name) with its name and acronym, as far as its file can be read."""
    from .frontmatter import parse_yaml, split_front_matter

    found: dict[str, tuple[str, ...]] = {}
    for path in sorted((project / "content" / "components").glob("*.md")):
        names: tuple[str, ...] = ()
        try:
            text = path.read_text("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            text = ""
        split, _ = split_front_matter(text, path.name) if text else (None, [])
        if split is not None:
            data = parse_yaml(split.front_matter, path.name, split.front_matter_line).data
            if isinstance(data, dict):
                names = tuple(
                    str(data[field])
                    for field in ("name", "acronym")
                    if isinstance(data.get(field), str) and data[field].strip()
                )
        found[path.stem] = names
    return found


def new_publication(project: Path, title: str, component: str, type_: str, today: dt.date) -> Path:
    """Write the new file and return its path; refuses to overwrite an existing file."""
    from slugify import slugify

    slug = slugify(title, max_length=80, word_boundary=True) or "publication"
    path = project / "content" / "publications" / str(today.year) / f"{slug}.md"
    if path.exists():
        raise FileExistsError(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(publication_text(title, component, type_, today), encoding="utf-8")
    return path
