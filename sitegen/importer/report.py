"""The import report: what was imported, updated or skipped and why, and every value that was mapped.

Data, and its text and JSON forms; the CLI prints it. A problem with a place is a `Diagnostic`
(`export.csv:13: row 12: ...`), so it reads like every other sitegen message.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from ..diagnostics import Diagnostic

ACTIONS = ("imported", "updated", "unchanged", "skipped")


@dataclass
class RowResult:
    where: str  # export.csv:13 (row 12)
    title: str
    action: str = "skipped"  # imported, updated, unchanged, skipped
    path: str = ""  # the publication file, relative to the project
    reasons: list[str] = field(default_factory=list)  # why it was skipped
    notes: list[str] = field(default_factory=list)  # what was changed or left out on the way


@dataclass
class ImportReport:
    source: str = ""
    kind: str = ""
    dry_run: bool = False
    rows: list[RowResult] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)  # problems of the input, with their place
    notes: list[str] = field(default_factory=list)  # about the whole source
    mapped: dict[tuple[str, str, str, str], int] = field(default_factory=dict)  # (field, old, new, how) -> rows
    created: list[tuple[str, str, str, str]] = field(default_factory=list)  # (kind, key, name, file)
    files_copied: int = 0
    files_reused: int = 0
    aliases: int = 0
    redirects: list[str] = field(default_factory=list)  # what was written for the host, and how
    check: list[Diagnostic] | None = None  # `sitegen check` on the result; None when it was not run
    check_publications: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def count(self, action: str) -> int:
        return sum(row.action == action for row in self.rows)

    @property
    def ok(self) -> bool:
        """No input errors and a result that `sitegen check` accepts (warnings allowed)."""
        return not any(d.severity == "error" for d in self.diagnostics) and not any(
            d.severity == "error" for d in self.check or ()
        )

    @property
    def strict_ok(self) -> bool:
        return self.ok and not self.check

    def to_json(self) -> str:
        data = {
            "source": self.source,
            "kind": self.kind,
            "dry_run": self.dry_run,
            "counts": {action: self.count(action) for action in ACTIONS},
            "rows": [asdict(row) for row in self.rows],
            "problems": [asdict(d) for d in self.diagnostics],
            "notes": self.notes,
            "mapped": [
                {"field": f, "from": old, "to": new, "how": how, "rows": n}
                for (f, old, new, how), n in sorted(self.mapped.items())
            ],
            "created": [{"kind": k, "key": key, "name": name, "file": path} for k, key, name, path in self.created],
            "files": {"copied": self.files_copied, "already_there": self.files_reused},
            "aliases": self.aliases,
            "redirects": self.redirects,
            "check": None if self.check is None else [asdict(d) for d in self.check],
            "seconds": round(self.seconds, 2),
        }
        return json.dumps(data, indent=2, ensure_ascii=False)

    def to_text(self, limit: int = 200) -> str:
        would = "would be " if self.dry_run else ""
        lines = [
            f"sitegen import --from {self.kind} {self.source}"
            + (" (dry run: nothing was written)" if self.dry_run else "")
        ]
        lines += [f"  note: {note}" for note in self.notes]
        problems = [d for d in self.diagnostics if d.severity == "error"]
        warnings = [d for d in self.diagnostics if d.severity != "error"]
        lines += _section(f"Problems ({len(problems)}):", [d.text() for d in problems], limit)
        lines += _section(f"Warnings ({len(warnings)}):", [d.text() for d in warnings], limit)
        skipped = [row for row in self.rows if row.action == "skipped"]
        lines += _section(
            "Skipped:", [f'{row.where}: "{_short(row.title)}": ' + "; ".join(row.reasons) for row in skipped], limit
        )
        lines += _section(
            "Values mapped:",
            [
                f'{name} "{_short(old)}" -> {new} ({how}, {rows} row{"s" * (rows != 1)})'
                for (name, old, new, how), rows in sorted(self.mapped.items())
            ],
            limit,
        )
        lines += _section(
            f"New in the site ({would or ''}written):",
            [f'{kind} {key} "{name}" in {path}' for kind, key, name, path in self.created],
            limit,
        )
        lines += _section(
            "Changed on the way in (review these):",
            [
                f"{row.where} -> {row.path}: " + "; ".join(row.notes)
                for row in self.rows
                if row.notes and row.action in ("imported", "updated")
            ],
            limit,
        )
        if self.files_copied or self.files_reused:
            lines += [
                "",
                (
                    f"Attachments: {self.files_copied} {would}copied to content/files/, "
                    f"{self.files_reused} already there."
                ),
            ]
        if self.aliases or self.redirects:
            lines += ["", f"Old addresses: {self.aliases} aliases."] + [f"  {line}" for line in self.redirects]
        lines.append("")
        if self.check is None and self.rows and not any(row.action in ("imported", "updated") for row in self.rows):
            lines.append("Nothing to write, so sitegen check was not run.")
        elif self.check is None:
            lines.append("sitegen check was not run.")
        elif not self.check:
            lines.append(f"sitegen check --strict passes on the result ({self.check_publications:,} publications).")
        else:
            errors = sum(d.severity == "error" for d in self.check)
            lines.append(
                f"sitegen check on the result: {errors} errors, {len(self.check) - errors} warnings"
                + (" (--strict fails)" if not errors else "")
                + ":"
            )
            lines += [f"  {d.text()}" for d in self.check[:limit]]
        lines.append("")
        lines.append(
            f"{self.count('imported')} {would}imported, {self.count('updated')} {would}updated, "
            f"{self.count('unchanged')} unchanged, {self.count('skipped')} skipped "
            f"({len(self.rows)} rows in {self.seconds:.1f} s)."
        )
        return "\n".join(lines)


def _section(title: str, items: list[str], limit: int) -> list[str]:
    if not items:
        return []
    more = [f"  ... and {len(items) - limit} more (--format json lists them all)"] if len(items) > limit else []
    return ["", title] + [f"  {item}" for item in items[:limit]] + more


def _short(text: str, limit: int = 70) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["ImportReport", "RowResult"]
