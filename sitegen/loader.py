"""Turn every Markdown file the scan found (`scan.py`) into model records plus diagnostics.

The expensive part (decode, split, YAML, schema, Markdown, HTML allowlist) is `parse_file`, a
pure function of one file's path and bytes, cached by content hash and spread over worker
processes when many files need it. Checks that need the file system outside the file
(attachments exist) run afterwards, on every build; checks that need other files (keys, slugs,
links) belong to `site.py`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import posixpath
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .accessibility import check_accessibility
from .attachments import read_attachments
from .cache import Cache
from .diagnostics import Diagnostic
from .documents import Document
from .frontmatter import YamlDocument, parse_yaml, split_front_matter
from .markup import Markup
from .model import Attachment, Body, Component, Page, Publication, Retirement
from .output import die_with_parent
from .sanitize import check_html, publishable_html, template_marker
from .scaffold import placeholder_problems
from .scan import Scan, read_file, scan_project
from .schema import COMPONENT_FIELDS, PAGE_FIELDS, PUBLICATION_FIELDS, SLUG_RE, SUMMARY_WARN_LENGTH, Field, validate
from .store import Bodies
from .workers import fork_context, guided_chunks

KIND_FIELDS = {"publication": PUBLICATION_FIELDS, "component": COMPONENT_FIELDS, "page": PAGE_FIELDS}
PARALLEL_THRESHOLD = 200  # below this many files to parse, worker start-up costs more than it saves
PARSE_CHUNK = 128  # files a worker parses at most per chunk (about 0.25 s); fewer near the end
FILE_KINDS = {
    "PDF": "PDF",
    "DOC": "Word document",
    "DOCX": "Word document",
    "XLS": "Excel spreadsheet",
    "XLSX": "Excel spreadsheet",
    "CSV": "CSV",
    "TXT": "Text",
    "ZIP": "ZIP archive",
    "PPT": "PowerPoint",
    "PPTX": "PowerPoint",
    "JSON": "JSON",
    "XML": "XML",
}


@dataclass(frozen=True)
class ParsedFile:
    """The cached result of parsing one content file."""

    kind: str
    source: str
    values: dict[str, Any]
    lines: tuple[tuple[str, int], ...]
    body: Body
    diagnostics: tuple[Diagnostic, ...]
    front_key: str = ""  # identifies the path and the fields alone, not the body (see Publication)

    @property
    def body_key(self) -> str:
        return self.body.key


@dataclass
class Content:
    """Everything under content/ except the site settings."""

    components: dict[str, Component] = field(default_factory=dict)
    publications: list[Publication] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    files: frozenset[str] = frozenset()  # content-relative paths of every non-Markdown file
    parsed_count: int = 0  # files parsed this build (not from the cache)
    broken: set[str] = field(default_factory=set)  # content-relative Markdown files too broken to load
    documents: dict[str, Document] = field(default_factory=dict)  # what each attachment read says, by content key


def file_kind(path: str) -> str:
    """What a download is, as people read it next to its link: "PDF", "Word document"."""
    extension = posixpath.splitext(path)[1].lstrip(".").upper()
    return FILE_KINDS.get(extension, extension or "File")


def _decode(data: bytes, source: str) -> tuple[str | None, list[Diagnostic]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [
            Diagnostic(
                source,
                line,
                "not-utf8",
                "the file is not UTF-8 text (it has bytes that are not valid UTF-8)",
                "save the file with UTF-8 encoding; paste text from Word through a plain-text editor",
            )
        ]


_MARKUP: Markup | None = None


def _markup() -> Markup:
    global _MARKUP
    if _MARKUP is None:
        _MARKUP = Markup()
    return _MARKUP


def parse_file(kind: str, source: str, data: bytes, key: str, bodies: Bodies | None) -> ParsedFile:
    """Parse one file completely. Pure but for storing the body HTML under `key`."""
    text, diags = _decode(data, source)
    values: dict[str, Any] = {}
    lines: tuple[tuple[str, int], ...] = ()
    body = Body(key)
    if text is not None:
        split, problems = split_front_matter(text, source)
        diags += problems
        if split is not None:
            doc = parse_yaml(split.front_matter, source, split.front_matter_line)
            diags += doc.diagnostics
            if doc.data is None and not doc.diagnostics:
                diags.append(
                    Diagnostic(
                        source,
                        1,
                        "missing-field",
                        "the front matter is empty",
                        "add the required fields between the '---' lines",
                    )
                )
            elif doc.data is not None:
                values, problems = validate(doc, KIND_FIELDS[kind], source)
                diags += problems
            lines = tuple((str(path[0]), line) for path, line in doc.lines.items() if len(path) == 1)
            if kind == "publication":  # the placeholders `sitegen new` writes must not go live
                diags += placeholder_problems(values, split.body, source, dict(lines), split.body_line)
            diags += _template_text(doc.data, doc, source)
            content_dir = posixpath.dirname(source.removeprefix("content/"))
            rendered = _markup().render(split.body, source, content_dir, split.body_line)
            diags += rendered.diagnostics
            # The trust boundary: every body is checked and re-parsed as a browser would, no fast path.
            diags += check_html(rendered.html, split.body, source, split.body_line)
            diags += check_accessibility(rendered.html, split.body, source, split.body_line, rendered.links)
            body = Body(key, rendered.links, rendered.fragments)
            if bodies is not None:
                bodies.put(key, publishable_html(rendered.html))
    front_key = hashlib.blake2b(f"{source}|{sorted(values.items())!r}".encode(), digest_size=16).hexdigest()
    return ParsedFile(kind, source, values, lines, body, tuple(diags), front_key)


def _template_text(value: Any, doc: YamlDocument, source: str, path: tuple[Any, ...] = ()) -> list[Diagnostic]:
    """Front-matter text like "{{ name }}", which the output guard would take for a template mistake."""
    if isinstance(value, str):
        found = template_marker(value)
        return (
            [
                Diagnostic(
                    source,
                    doc.line(*path),
                    "template-syntax",
                    f'"{found}" would be taken for a template mistake and stop the build',
                    "remove the braces, or write them apart: { {",
                )
            ]
            if found
            else []
        )
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    return [problem for key, item in items for problem in _template_text(item, doc, source, (*path, key))]


def _parse_chunk(jobs: list[tuple[str, str, str, str]]) -> list[ParsedFile]:
    """Parse a chunk of files; their bodies are stored in one transaction, before the results return."""
    if _WORKER_BODIES is None:
        return [_parse_job(job) for job in jobs]
    with _WORKER_BODIES.batch():
        return [_parse_job(job) for job in jobs]


def _parse_job(job: tuple[str, str, str, str]) -> ParsedFile:
    kind, source, key, project = job
    data = _WORKER_DATA.get(source)  # the bytes the scan read (and computed `key` from)
    if data is None:
        data = read_file(os.path.join(project, source))
    return parse_file(kind, source, data, key, _WORKER_BODIES)


_WORKER_BODIES: Bodies | None = None  # where this process stores the bodies it renders
_WORKER_DATA: dict[str, bytes] = {}  # the scan's bytes of the files (inherited by fork, never pickled)


def _init_worker(bodies: Bodies | None, data: dict[str, bytes], worker: bool = False) -> None:
    global _WORKER_BODIES, _WORKER_DATA
    if worker:
        die_with_parent()  # a build killed with SIGKILL takes its workers with it
    _WORKER_BODIES, _WORKER_DATA = bodies, data


def load_content(
    project: Path, cache: Cache, jobs: int = 1, scan: Scan | None = None
) -> tuple[Content, list[Diagnostic]]:
    """Load every content file, from the cache where its bytes are unchanged."""
    scan = scan or scan_project(project)
    markdown, others = list(scan.markdown), list(scan.others)
    parsed: dict[str, ParsedFile] = {}
    todo: list[tuple[str, str, str, str]] = []
    keys = set()
    for kind, source in markdown:
        key = scan.keys[source]
        keys.add(key)
        hit = cache.get_parsed(key)
        if hit is not None:
            parsed[source] = hit
        else:
            todo.append((kind, source, key, str(project)))
    context = fork_context() if len(todo) >= PARALLEL_THRESHOLD and jobs > 1 else None
    chunks = [todo[start:end] for start, end in guided_chunks(len(todo), jobs, PARSE_CHUNK, 4)]
    if context is not None:
        cache.bodies.before_fork()
        with ProcessPoolExecutor(
            jobs, mp_context=context, initializer=_init_worker, initargs=(cache.bodies, scan.data, True)
        ) as pool:
            results = [result for done in pool.map(_parse_chunk, chunks) for result in done]
    else:
        _init_worker(cache.bodies, scan.data)
        results = [result for chunk in chunks for result in _parse_chunk(chunk)]
    _init_worker(None, {})
    scan.data.clear()  # parsed: the bytes are not needed again
    for job, result in zip(todo, results):
        parsed[job[1]] = result
        cache.put_parsed(job[2], result)
    cache.keep_only(keys)
    cache.save_parsed()

    files = frozenset(others)
    diags: list[Diagnostic] = list(scan.problems) + check_files(project, others)
    content = Content(files=files, parsed_count=len(todo))
    for kind, source in markdown:
        result = parsed[source]
        diags.extend(result.diagnostics)
        stem = os.path.basename(source)[:-3]  # without .md
        if kind == "publication":
            # Attachments are checked even in a file with other errors: report everything at once.
            attachments, problems = _attachments(project, result, files)
            diags += problems
            # A file with errors still joins the site graph when its fields allow, so one run
            # also reports its unknown keys and broken links (the build fails either way).
            if not _complete(result.values, PUBLICATION_FIELDS):
                content.broken.add(source.removeprefix("content/"))
                continue
            publication, problems = _publication(result, stem, attachments)
            diags += problems
            if publication is not None:
                content.publications.append(publication)
            continue
        if not _complete(result.values, KIND_FIELDS[kind]):
            content.broken.add(source.removeprefix("content/"))
            continue
        elif kind == "component":
            if not SLUG_RE.match(stem):
                diags.append(
                    Diagnostic(
                        source,
                        0,
                        "bad-key",
                        f'component file name "{stem}" is not a valid key',
                        "rename the file using lower-case letters, digits and hyphens",
                    )
                )
                continue
            values = result.values
            content.components[stem] = Component(
                stem,
                values["name"],
                values["acronym"],
                values.get("url", ""),
                source,
                result.body,
                names=tuple((language, name) for language, name in values.get("names", ())),
            )
        else:  # a standalone page
            if not SLUG_RE.match(stem):
                diags.append(
                    Diagnostic(
                        source,
                        0,
                        "bad-slug",
                        f'page file name "{stem}" is not a clean URL part',
                        "rename the file using lower-case letters, digits and hyphens",
                    )
                )
                continue
            values = result.values
            content.pages.append(
                Page(stem, values["title"], values.get("summary", ""), values.get("updated"), source, result.body)
            )
    # Every attachment is read once per version of its bytes (attachments.py); its checks need the settings (site.py).
    content.publications, content.documents = read_attachments(project, cache, content.publications, jobs)
    return content, diags


# What may be published from content/files/, by extension, and how each kind's bytes begin.
# Nothing a browser would run on the site's origin: no HTML, SVG, XML, JavaScript.
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
FILE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "doc": _OLE,
    "xls": _OLE,
    "ppt": _OLE,
    "docx": _ZIP,
    "xlsx": _ZIP,
    "pptx": _ZIP,
    "zip": _ZIP,
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
    "csv": (),
    "txt": (),
}
TEXT_KINDS = frozenset({"csv", "txt"})


def check_files(project: Path, others: list[str]) -> list[Diagnostic]:
    """Every file under content/files/ must be of an allowed type, with bytes that match it.

    A `.pdf` that is really HTML would be served from the agency's origin as whatever the host
    guesses; so would a text file that starts like a web page. Files elsewhere under content/
    are never published, and say so.
    """
    diags = []
    for inner in others:
        shown = f"content/{inner}"
        if not inner.startswith("files/"):
            if not inner.endswith((".md", ".yaml", ".yml")):
                diags.append(
                    Diagnostic(
                        shown,
                        0,
                        "unpublished-file",
                        "only files under content/files/ are published",
                        "move it to content/files/ or delete it",
                        severity="warning",
                    )
                )
            continue
        extension = posixpath.splitext(inner)[1].lstrip(".").lower()
        if extension not in FILE_SIGNATURES:
            allowed = ", ".join(sorted(FILE_SIGNATURES))
            diags.append(
                Diagnostic(
                    shown,
                    0,
                    "file-type",
                    f'".{extension}" files cannot be published'
                    if extension
                    else "files without an extension cannot be published",
                    f"publish documents as one of: {allowed}",
                )
            )
            continue
        with open(os.path.join(project, "content", inner), "rb") as handle:
            head = handle.read(4096)
        signatures = FILE_SIGNATURES[extension]
        if extension in TEXT_KINDS:
            if b"\0" in head or head.lstrip()[:1] == b"<":
                diags.append(
                    Diagnostic(
                        shown,
                        0,
                        "file-content",
                        f"this .{extension} file is not plain text",
                        "export it again as plain text, or give it the extension of what it is",
                    )
                )
        elif not head.startswith(signatures) or (extension == "webp" and head[8:12] != b"WEBP"):
            diags.append(
                Diagnostic(
                    shown,
                    0,
                    "file-content",
                    f"this file is not a .{extension} file: its content is of another kind",
                    "export the document again, or give it the extension of what it is",
                )
            )
    return diags


def _complete(values: dict[str, Any], fields: tuple[Field, ...]) -> bool:
    """Whether every required field has a valid value, so the record can be built."""
    return bool(values) and all(f.name in values for f in fields if f.required)


def _attachments(project: Path, parsed: ParsedFile, files: frozenset[str]) -> tuple[list[Attachment], list[Diagnostic]]:
    """Attachments that exist inside content/, with their size and kind."""
    source = parsed.source
    diags: list[Diagnostic] = []
    attachments = []
    for item in parsed.values.get("attachments", ()):
        relative = posixpath.normpath(item["file"])
        if not relative.startswith("files/") or "\\" in item["file"]:
            diags.append(
                Diagnostic(
                    source,
                    item["line"],
                    "attachment-outside-content",
                    f'attachment "{item["file"]}" is outside content/files/',
                    "put the file under content/files/ and write files/<name>",
                )
            )
            continue
        if relative not in files:
            diags.append(
                Diagnostic(
                    source,
                    item["line"],
                    "missing-attachment",
                    f'attachment file "{item["file"]}" does not exist',
                    "check the spelling; paths are relative to content/, e.g. files/report.pdf",
                )
            )
            continue
        size = (project / "content" / relative).stat().st_size
        attachments.append(
            Attachment(item["title"], relative, item.get("language", ""), size, file_kind(relative), item["line"])
        )
    return attachments, diags


def _publication(
    parsed: ParsedFile, stem: str, attachments: list[Attachment]
) -> tuple[Publication | None, list[Diagnostic]]:
    values = parsed.values
    source = parsed.source
    diags: list[Diagnostic] = []
    lines = dict(parsed.lines)
    slug = values.get("slug")
    if slug is None:
        if not SLUG_RE.match(stem):
            diags.append(
                Diagnostic(
                    source,
                    1,
                    "bad-slug",
                    f'file name "{stem}" cannot be used as a URL',
                    'rename the file (lower-case letters, digits, hyphens) or add a "slug:" field',
                )
            )
            return None, diags
        slug = stem
    publication = Publication(
        slug=slug,
        title=values["title"],
        date=values["date"],
        component=values["component"],
        type=values["type"],
        summary=values["summary"],
        source=source,
        body=parsed.body,
        updated=values.get("updated"),
        reviewed=values.get("reviewed"),
        document_number=values.get("document_number", ""),
        topics=tuple(values.get("topics", ())),
        attachments=tuple(attachments),
        aliases=tuple(values.get("aliases", ())),
        draft=values.get("draft", False),
        front_key=parsed.front_key,
        language=values.get("language", ""),
        translations=tuple(values.get("translations", ())),
        publish_at=values.get("publish_at"),
        retired=Retirement(values["retired"]["date"], values["retired"]["reason"]) if "retired" in values else None,
        extra=values.get("extra"),
        lines=tuple(lines.items()),
    )
    if publication.updated and publication.updated < publication.date:
        diags.append(
            Diagnostic(
                source,
                lines.get("updated", 1),
                "updated-before-date",
                f"updated ({publication.updated}) is earlier than date ({publication.date})",
                "check both dates",
                severity="warning",
            )
        )
    diags += _reviewed_problems(publication, lines.get("reviewed", 1))
    if len(publication.summary) > SUMMARY_WARN_LENGTH:
        diags.append(
            Diagnostic(
                source,
                lines.get("summary", 1),
                "long-summary",
                f"the summary is {len(publication.summary)} characters long",
                f"summaries over {SUMMARY_WARN_LENGTH} characters are cut short in search results",
                severity="warning",
            )
        )
    return publication, diags


def latest_date_anywhere() -> dt.date:
    """Today's date where it is latest on Earth (UTC+14): no date a reviewer could have written is after it."""
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=14)).date()


def _reviewed_problems(publication: Publication, line: int) -> list[Diagnostic]:
    reviewed = publication.reviewed
    if reviewed is None:
        return []
    if reviewed < publication.date:
        return [
            Diagnostic(
                publication.source,
                line,
                "reviewed-before-date",
                f"reviewed ({reviewed}) is earlier than date ({publication.date}): "
                "a publication cannot be reviewed before it was published",
                "check both dates",
            )
        ]
    if reviewed > latest_date_anywhere():
        return [
            Diagnostic(
                publication.source,
                line,
                "reviewed-in-future",
                f"reviewed ({reviewed}) is in the future",
                "write the date of the last review, which is today's date at the latest",
            )
        ]
    return []
