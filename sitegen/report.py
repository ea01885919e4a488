"""Reports about the content for the people who look after it; they read, never write.

- `sitegen report attachments`: every attachment with its pages, size, language and 508 status.
  For the agency's Section 508 coordinator: one row per attachment of every publication (drafts
  and scheduled ones included, since they will go live), as a table to read or CSV to sort and
  file.
- `sitegen report stale`: the publications on the site whose last review (`reviewed`, else
  `updated`, else `date`) is older than a threshold, oldest first, for the content owners' review.

Both read the project like `sitegen check` does: from the cache where files are unchanged,
writing nothing.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
import json
import os
import re
import tempfile
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

from .attachments import CHECKS, declared_language, findings
from .cache import Cache
from .config import SiteConfig, load_config
from .diagnostics import Diagnostic
from .loader import Content, load_content
from .urls import format_size

COLUMNS = (
    "publication",
    "file",
    "title",
    "format",
    "pages",
    "size",
    "language",
    "pdf_language",
    "tagged",
    "text_layer",
    "status",
    "problems",
)


@dataclass(frozen=True)
class AttachmentRow:
    publication: str  # the publication file, relative to the project
    line: int  # of its attachments: entry
    file: str
    title: str
    format: str
    pages: int
    size: int
    language: str  # the language it is declared in (the attachment's, the publication's or the site's)
    pdf_language: str  # what the file itself says (/Lang, dc:language)
    tagged: str  # "yes", "no", "" (not a PDF)
    text_layer: str
    problems: tuple[str, ...]  # codes of attachments.CHECKS

    @property
    def status(self) -> str:
        return "pass" if not self.problems else "fails: " + ", ".join(CHECKS[code] for code in self.problems)

    def values(self) -> tuple[str, ...]:
        return (
            self.publication,
            self.file,
            self.title,
            self.format,
            str(self.pages or ""),
            str(self.size),
            self.language,
            self.pdf_language,
            self.tagged,
            self.text_layer,
            self.status,
            " ".join(self.problems),
        )


def _load(project: Path, jobs: int) -> tuple[SiteConfig | None, Content | None, list[Diagnostic]]:
    """The settings and every loadable file, from the cache where unchanged; nothing is written."""
    config, diags = load_config(project)
    if config is None:
        return None, None, diags
    with tempfile.TemporaryDirectory(prefix="sitegen-report-") as scratch:
        cache = Cache(project / ".sitegen-cache", writable=False, scratch=Path(scratch))
        try:
            content, problems = load_content(project, cache, jobs or os.cpu_count() or 1)
        finally:
            cache.close()
    return config, content, diags + problems


def attachment_rows(project: Path, jobs: int = 0) -> tuple[list[AttachmentRow], list[Diagnostic]]:
    """Every attachment of every loadable publication, sorted by publication file and line."""
    config, content, diags = _load(project, jobs)
    if config is None or content is None:
        return [], diags
    rows = []
    for pub in content.publications:
        for attachment in pub.attachments:
            document = content.documents.get(attachment.document)
            language = declared_language(attachment, pub, config.language)
            found = findings(document, language, attachment.kind) if document is not None else []
            is_pdf = document is not None and document.format == "pdf" and not document.problem
            rows.append(
                AttachmentRow(
                    pub.source,
                    attachment.line,
                    attachment.file,
                    attachment.title,
                    attachment.kind,
                    attachment.pages,
                    attachment.size,
                    language,
                    document.language if document is not None else "",
                    ("yes" if document.tagged and document.structure else "no") if is_pdf and document else "",
                    ("yes" if document.text_layer else "no") if is_pdf and document else "",
                    tuple(f.code for f in found),
                )
            )
    return sorted(rows, key=lambda row: (row.publication, row.line)), diags


def to_csv(rows: list[AttachmentRow]) -> str:
    return _csv(COLUMNS, [row.values() for row in rows])


def _csv(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def to_table(rows: list[AttachmentRow]) -> str:
    """A Markdown table (readable as text, pastable into an issue), then a one-line summary."""
    header = ("publication", "file", "format", "pages", "size", "language", "Section 508")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = (
            f"{row.publication}:{row.line}",
            row.file,
            row.format,
            str(row.pages or ""),
            format_size(row.size),
            row.language
            + (f" (file: {row.pdf_language})" if row.pdf_language and row.pdf_language != row.language else ""),
            row.status,
        )
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    failing = sum(1 for row in rows if row.problems)
    pages = sum(row.pages for row in rows)
    lines.append("")
    lines.append(
        f"{len(rows):,} attachments, {pages:,} pages; {failing:,} with Section 508 problems, "
        f"{len(rows) - failing:,} passing."
    )
    return "\n".join(lines) + "\n"


# -- sitegen report stale ---------------------------------------------------------------------

AGE_RE = re.compile(r"^\s*(\d{1,4})\s*([ymd])\s*$")
AGE_UNITS = {"y": "years", "m": "months", "d": "days"}
STALE_COLUMNS = ("publication", "line", "title", "last_reviewed", "by", "age_days", "age")


def parse_age(text: str) -> tuple[int, str]:
    """ "2y", "18m", "90d" -> (2, "y"); ValueError with a message a person can act on otherwise."""
    match = AGE_RE.match(text.lower())
    if not match or int(match.group(1)) == 0:
        raise ValueError(f'"{text}" is not an age: write a number and y, m or d, such as 2y, 18m or 90d')
    return int(match.group(1)), match.group(2)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day when it has no such day)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    if year < 1:
        return dt.date.min
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def threshold(today: dt.date, age: tuple[int, str]) -> dt.date:
    """The date a review must be on or after not to count as older than `age`."""
    number, unit = age
    if unit == "d":
        return today - dt.timedelta(days=number)
    return months_before(today, number * 12 if unit == "y" else number)


def describe_age(since: dt.date, today: dt.date) -> str:
    """ "2 years, 3 months", "5 months", "40 days": how long ago, in the units people say it in."""
    months = (today.year - since.year) * 12 + today.month - since.month - (today.day < since.day)
    if months < 1:
        days = (today - since).days
        return f"{days} day{'s' * (days != 1)}"
    years, months = divmod(months, 12)
    parts = [f"{years} year{'s' * (years != 1)}"] if years else []
    parts += [f"{months} month{'s' * (months != 1)}"] if months else []
    return ", ".join(parts)


@dataclass(frozen=True)
class StaleRow:
    publication: str  # the publication file, relative to the project
    line: int  # of the field the date comes from
    title: str
    last_reviewed: dt.date
    by: str  # the field it comes from: reviewed, updated or date
    age_days: int
    age: str  # "2 years, 3 months"

    def values(self) -> tuple[str, ...]:
        return (
            self.publication,
            str(self.line),
            self.title,
            self.last_reviewed.isoformat(),
            self.by,
            str(self.age_days),
            self.age,
        )


def site_today(config: SiteConfig) -> dt.date:
    """Today in the site's time zone."""
    return dt.datetime.now(zoneinfo.ZoneInfo(config.timezone)).date()


def stale_rows(
    project: Path, older_than: tuple[int, str], today: dt.date | None = None, jobs: int = 0
) -> tuple[list[StaleRow], dt.date, list[Diagnostic]]:
    """Publications on the site last reviewed before `older_than` ago, oldest first, and the day counted from.

    A publication's last review is its `reviewed` date, else its `updated`, else its `date`.
    Drafts (not on the site) and retired publications (kept for reference only) are left out.
    """
    config, content, diags = _load(project, jobs)
    today = today or (site_today(config) if config is not None else dt.date.today())
    if config is None or content is None:
        return [], today, diags
    limit = threshold(today, older_than)
    rows = []
    for pub in content.publications:
        if pub.draft or pub.retired is not None:
            continue
        by = "reviewed" if pub.reviewed else "updated" if pub.updated else "date"
        when: dt.date = pub.reviewed or pub.updated or pub.date
        if when < limit:
            rows.append(
                StaleRow(
                    pub.source, pub.line_of(by), pub.title, when, by, (today - when).days, describe_age(when, today)
                )
            )
    return sorted(rows, key=lambda row: (row.last_reviewed, row.publication)), today, diags


def stale_csv(rows: list[StaleRow]) -> str:
    return _csv(STALE_COLUMNS, [row.values() for row in rows])


def stale_json(rows: list[StaleRow]) -> str:
    items = [
        {**dict(zip(STALE_COLUMNS, row.values(), strict=True)), "line": row.line, "age_days": row.age_days}
        for row in rows
    ]
    return json.dumps(items, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def stale_table(rows: list[StaleRow], older_than: tuple[int, str], today: dt.date) -> str:
    """A Markdown table, oldest first, then a one-line summary."""
    header = ("publication", "title", "last reviewed", "age")
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = (
            f"{row.publication}:{row.line}",
            row.title,
            row.last_reviewed.isoformat() + ("" if row.by == "reviewed" else f" ({row.by})"),
            row.age,
        )
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    number, unit = older_than
    plural = AGE_UNITS[unit] if number != 1 else AGE_UNITS[unit][:-1]
    lines.append("")
    lines.append(
        f"{len(rows):,} publication{'s' * (len(rows) != 1)} last reviewed more than {number} {plural} "
        f"before {today.isoformat()}."
    )
    return "\n".join(lines) + "\n"
