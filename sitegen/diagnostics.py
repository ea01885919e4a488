"""Diagnostics: the problems a build finds in content, as data.

Every stage appends `Diagnostic`s instead of raising, so a contributor sees every problem of a
run at once, sorted by file and line. This module owns the record and its three formats (text,
GitHub annotations, JSON); it never prints or exits (that is the CLI's job).
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem: where (path relative to the project, 1-based line; 0 = whole file), what and how to fix it."""

    path: str
    line: int
    code: str
    message: str
    hint: str = ""
    severity: Severity = "error"

    def text(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        label = "" if self.severity == "error" else "warning: "
        hint = f"; {self.hint}" if self.hint else ""
        return f"{where}: {label}{self.message}{hint}"


def sort_diagnostics(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Sorted by file, then line, without duplicates (a problem found twice is reported once)."""
    return sorted(set(diags), key=lambda d: (d.path, d.line, d.code, d.message))


def has_errors(diags: Iterable[Diagnostic], strict: bool = False) -> bool:
    return any(d.severity == "error" or strict for d in diags)


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """'did you mean "ice"?' for the closest known key, or the list of known keys when none is close."""
    known = sorted(known)
    close = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    if close:
        return f'did you mean "{close[0]}"?'
    if not known:
        return "none are defined"
    shown = ", ".join(known[:12]) + (", ..." if len(known) > 12 else "")
    return f"known: {shown}"


def format_text(diags: list[Diagnostic]) -> str:
    return "\n".join(d.text() for d in diags)


def _github_escape(value: str, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(diags: list[Diagnostic]) -> str:
    """Workflow commands, so a pull request shows each problem on its changed line."""
    lines = []
    for d in diags:
        props = f"file={_github_escape(d.path, True)}"
        if d.line:
            props += f",line={d.line}"
        props += f",title={_github_escape(d.code, True)}"
        message = d.message + (f"; {d.hint}" if d.hint else "")
        lines.append(f"::{d.severity} {props}::{_github_escape(message)}")
    return "\n".join(lines)


def format_json(diags: list[Diagnostic]) -> str:
    return json.dumps([asdict(d) for d in diags], indent=2, sort_keys=True, ensure_ascii=False)


FORMATTERS = {"text": format_text, "github": format_github, "json": format_json}
