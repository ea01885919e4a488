"""`sitegen init DIR`: a new site project that builds and passes `check --strict` at once.

The project is the files of `sitegen/starter/` (package data), with the agency's names filled
in: `content/` (site.yaml with every setting explained, one component, one type, one topic,
one publication, the pages the footer identifier links to), `.gitignore`, the two content-site
workflows (which install sitegen alone, from `requirements.txt`), CONTRIBUTING.md for its editors
and a README for its web team. It has no templates/ or assets/: the built-in theme (`theme.py`)
serves, and a file put there later overrides the built-in one of its name.

In the starter files `[[name]]` is replaced by a value as text, `[[=name]]` by the value as a
YAML scalar (quoted when it must be), `[[~name]]` by the value escaped for the inside of a YAML
double-quoted string. Names in paths are filled in too; `gitignore` and `github/` become
dot-files, which packaging tools may leave out.

This module writes only into DIR, and only when DIR is empty or missing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from . import __version__

STARTER = Path(__file__).resolve().parent / "starter"
_PLACEHOLDER = re.compile(r"\[\[([=~]?)([a-z_]+)\]\]")
_PLAIN_YAML = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ./,()'-]*$")
_YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}
_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$")
DOT_NAMES = {"gitignore": ".gitignore", "github": ".github"}


class InitError(Exception):
    """DIR cannot become a new project, or an option is unusable; the message says why."""


@dataclass(frozen=True)
class Settings:
    """What `sitegen init` asks for; everything else is the starter's and is edited afterwards."""

    agency: str = "Example Agency"
    acronym: str = "EXA"
    domain: str = "example.gov"
    title: str = "Publications Library"
    base_url: str = ""  # default: https://www.<domain>/library/
    label: str = "Office"  # what the agency calls its parts (labels.component)
    labels: str = ""  # the plural; default: label + "s"


def _yaml_scalar(value: str) -> str:
    if _PLAIN_YAML.match(value) and value.lower() not in _YAML_WORDS and ": " not in value:
        return value
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _values(settings: Settings, today: dt.date) -> dict[str, str]:
    for name in ("agency", "acronym", "title", "label"):
        value = getattr(settings, name)
        if not value.strip() or "\n" in value:
            raise InitError(f"--{name.replace('_', '-')} must be one line of text")
    domain = settings.domain.strip().lower()
    if not _HOST.match(domain):
        raise InitError(f'--domain "{settings.domain}" is not a domain name such as agency.gov')
    base_url = settings.base_url or f"https://www.{domain}/library/"
    if not re.match(r"^https://[A-Za-z0-9.-]+(:\d+)?(/[^\s?#]*)?$", base_url):
        raise InitError(f'--base-url "{base_url}" must be an https address such as https://www.{domain}/library/')
    if not base_url.endswith("/"):
        base_url += "/"
    label = settings.label.strip()
    labels = settings.labels.strip() or f"{label}s"
    return {
        "title": settings.title.strip(),
        "agency": settings.agency.strip(),
        "acronym": settings.acronym.strip(),
        "domain": domain,
        "agency_url": f"https://www.{domain}/",
        "base_url": base_url,
        "description": f"Publications of the {settings.agency.strip()}, newest first.",
        "label": label,
        "labels": labels,
        "label_lower": label.lower(),
        "labels_lower": labels.lower(),
        "component_key": "public-affairs",
        "component_name": "Office of Public Affairs",
        "component_acronym": "OPA",
        "year": str(today.year),
        "date": today.isoformat(),
        "version": __version__,
    }


def _fill(text: str, values: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        how, name = match.groups()
        value = values[name]  # a KeyError is a starter file's typo: a bug, caught by the tests
        if how == "=":
            return _yaml_scalar(value)
        if how == "~":
            return json.dumps(value, ensure_ascii=False)[1:-1]
        return value

    return _PLACEHOLDER.sub(replace, text)


def starter_files(settings: Settings, today: dt.date) -> dict[str, str]:
    """Relative path in the new project -> its text."""
    values = _values(settings, today)
    files: dict[str, str] = {}
    for path in sorted(STARTER.rglob("*")):
        if not path.is_file() or path.name.startswith(".") or "__pycache__" in path.parts:
            continue
        parts = list(path.relative_to(STARTER).parts)
        parts[0] = DOT_NAMES.get(parts[0], parts[0])
        relative = _fill("/".join(parts), values)
        files[relative] = _fill(path.read_text("utf-8"), values)
    return files


def init_project(folder: Path, settings: Settings, today: dt.date | None = None) -> list[str]:
    """Write a new project into folder (missing or empty); returns the files written, relative to it."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise InitError(f"{folder} is not a folder")
    if folder.is_dir() and any(folder.iterdir()):
        raise InitError(f"{folder} is not empty; give a new folder's name, or empty this one first")
    files = starter_files(settings, today or dt.date.today())
    for relative, text in files.items():
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return sorted(files)
