"""`sitegen report attachments`: every attachment with its pages, size, language and 508 status.

For the agency's Section 508 coordinator: one row per attachment of every publication (drafts
and scheduled ones included, since they will go live), as a table to read or CSV to sort and
file. It reads the project like `sitegen check` does: from the cache where files are unchanged,
writing nothing.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .attachments import CHECKS, declared_language, findings
from .cache import Cache
from .config import load_config
from .diagnostics import Diagnostic
from .loader import load_content
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


def attachment_rows(project: Path, jobs: int = 0) -> tuple[list[AttachmentRow], list[Diagnostic]]:
    """Every attachment of every loadable publication, sorted by publication file and line."""
    config, diags = load_config(project)
    if config is None:
        return [], diags
    with tempfile.TemporaryDirectory(prefix="sitegen-report-") as scratch:
        cache = Cache(project / ".sitegen-cache", writable=False, scratch=Path(scratch))
        try:
            content, problems = load_content(project, cache, jobs or os.cpu_count() or 1)
        finally:
            cache.close()
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
    return sorted(rows, key=lambda row: (row.publication, row.line)), diags + problems


def to_csv(rows: list[AttachmentRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(row.values() for row in rows)
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
