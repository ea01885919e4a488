"""Reading attachments: what a PDF or Office file says about itself, and its text for search.

`read_document` turns one file's bytes into a `Document` (pages, title, language, whether a PDF is
tagged, has a text layer, shows its title) and up to `TEXT_LIMIT` characters of its text. It is a
pure function of the bytes, so its results are cached by content hash (`attachments.py`).

The files are untrusted input: a pull request can attach a decompression bomb or a PDF nested
ten thousand levels deep. PDFs are therefore never parsed in the build's own process. They are
read by worker processes (`python -m sitegen.documents`) that run under an address-space limit
and a CPU-time limit per file, and that the build kills when a file takes longer than its wall
time; a file that breaks a limit, crashes its reader or cannot be parsed becomes a `problem` of
its record, which the build reports at the publication's `attachments:` line.

Two libraries read PDFs, each for what it does best (the comparison is in the commit that
introduced this module and in README "Attachments"):

- pikepdf (qpdf; MPL-2.0, qpdf Apache-2.0) for the document's structure: the catalog's
  /MarkInfo, /StructTreeRoot, /Lang and /ViewerPreferences, the Info and XMP titles, encryption
  and its permissions, and the page count. qpdf repairs damaged cross-reference tables best of
  the three, and reads the catalog in well under a millisecond.
- pypdfium2 (PDFium, Chrome's PDF engine; Apache-2.0 or BSD-3-Clause, PDFium BSD-3-Clause) for
  the text layer: three to four times faster than pypdf at extracting text, and fuzzed for
  years as a browser component. It cannot read /ViewerPreferences booleans or XMP, which is why
  pikepdf is there.

DOCX, XLSX and PPTX are ZIP files of XML: their docProps parts give the title, language and
page or slide count, and their text runs the search text, read with the standard library (with
size caps on every part, since a ZIP entry can be a bomb too).

This module reads files and returns records; it never reports, renders or caches.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import selectors
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

TEXT_LIMIT = 5_000  # characters of each document's text kept for search (about 750 words: its first page or two)
MEMORY_LIMIT = 1 << 30  # bytes of address space a reader process may use
CPU_LIMIT = 20  # CPU seconds a reader may spend on one file
WALL_LIMIT = 60.0  # seconds the build waits for one file before it kills the reader
ZIP_PART_LIMIT = 8 << 20  # bytes read from any one part of an Office file
# PDFium allocates and frees a page's worth of memory for every page it reads, and glibc gives it
# back to the system each time, so the next page faults it in again: 1.1-1.6 ms of kernel time a
# document, more than reading its structure. Keeping 16 MB at the top of the heap (and trimming
# only past 128 MB) takes that to 0.2 ms (bench/README.md "Attachments"). Other C libraries ignore it.
MALLOC_TUNABLES = "glibc.malloc.top_pad=16777216:glibc.malloc.trim_threshold=134217728"
READER_VERSION = "1"  # bump when what is read changes: every cached record is read again
READ_FORMATS = frozenset({"pdf", "docx", "xlsx", "pptx"})
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Document:
    """What one file says about itself. `problem` is empty when it could be read."""

    format: str  # "pdf", "docx", "xlsx", "pptx"
    pages: int = 0  # pages or slides; 0 when the format or the file does not say
    title: str = ""  # Info /Title or XMP dc:title; docProps dc:title
    language: str = ""  # the catalog's /Lang; docProps dc:language
    tagged: bool = False  # PDF: /MarkInfo /Marked true
    structure: bool = False  # PDF: the catalog has a /StructTreeRoot
    display_title: bool = False  # PDF: /ViewerPreferences /DisplayDocTitle true
    text_layer: bool = False  # some page has text (an image-only scan has none)
    encrypted: bool = False  # encrypted, but readable without a password
    assistive: bool = True  # encryption permits text extraction for accessibility
    text_chars: int = 0  # characters of text kept (at most TEXT_LIMIT)
    problem: str = ""  # "", "damaged", "password", "limits"
    detail: str = ""  # the reader's own words about the problem

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Document:
        names = {f.name for f in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in names})


def reader_signature() -> str:
    """Identifies the reading code and libraries: a new one reads every file again."""
    digest = hashlib.blake2b(f"{READER_VERSION}|{TEXT_LIMIT}".encode(), digest_size=12)
    digest.update(Path(__file__).read_bytes())
    for name in ("pikepdf", "pypdfium2"):
        try:
            from importlib.metadata import version

            digest.update(f"|{name} {version(name)}".encode())
        except Exception:  # not installed: the reader reports it for each file
            digest.update(f"|{name} missing".encode())
    return digest.hexdigest()


def format_of(path: str) -> str:
    """The format a file is read as, by its extension ("" for formats that are not read)."""
    extension = os.path.splitext(path)[1].lstrip(".").lower()
    return extension if extension in READ_FORMATS else ""


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text.replace("\x00", "")).strip()


# -- PDF ------------------------------------------------------------------------------------------


def read_pdf(path: str, limit: int = TEXT_LIMIT) -> tuple[Document, str]:
    """Read one PDF in this process. Call it only in a reader process (see module docstring)."""
    import pikepdf
    import pypdfium2 as pdfium  # type: ignore[import-untyped]

    info: dict[str, Any] = {"format": "pdf"}
    try:
        pdf = pikepdf.open(path, suppress_warnings=True)
    except pikepdf.PasswordError:
        return Document("pdf", problem="password", detail="it cannot be opened without a password"), ""
    except (pikepdf.PdfError, RecursionError, ValueError) as exc:
        return Document("pdf", problem="damaged", detail=_first_line(exc)), ""
    try:
        root = pdf.Root
        info["pages"] = len(pdf.pages)
        mark = root.get("/MarkInfo")
        info["tagged"] = bool(isinstance(mark, pikepdf.Dictionary) and _is_true(mark.get("/Marked")))
        info["structure"] = isinstance(root.get("/StructTreeRoot"), pikepdf.Dictionary)
        language = root.get("/Lang")
        info["language"] = _clean(str(language)) if isinstance(language, pikepdf.String) else ""
        preferences = root.get("/ViewerPreferences")
        info["display_title"] = bool(
            isinstance(preferences, pikepdf.Dictionary) and _is_true(preferences.get("/DisplayDocTitle"))
        )
        title = pdf.docinfo.get("/Title") if pdf.trailer.get("/Info") is not None else None
        info["title"] = _clean(str(title)) if isinstance(title, pikepdf.String) else ""
        if not info["title"] and "/Metadata" in root:
            with contextlib.suppress(Exception):  # unreadable XMP is only a missing title
                info["title"] = _clean(str(pdf.open_metadata().get("dc:title") or ""))
        info["encrypted"] = pdf.is_encrypted
        info["assistive"] = bool(pdf.allow.accessibility) if pdf.is_encrypted else True
    except (pikepdf.PdfError, RecursionError, ValueError, TypeError) as exc:
        return Document("pdf", problem="damaged", detail=_first_line(exc)), ""
    finally:
        pdf.close()
    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as exc:
        return Document("pdf", pages=info.get("pages", 0), problem="damaged", detail=_first_line(exc)), ""
    try:
        text, text_layer = _pdf_text(document, pdfium, limit)
    except pdfium.PdfiumError as exc:
        return Document("pdf", pages=info.get("pages", 0), problem="damaged", detail=_first_line(exc)), ""
    finally:
        document.close()
    return Document(**info, text_layer=text_layer, text_chars=len(text)), text


def _pdf_text(document: Any, pdfium: Any, limit: int) -> tuple[str, bool]:
    """Up to `limit` characters of text, page by page, and whether any page has text at all.

    Text is extracted only until the limit is reached; after that (or on pages that gave
    none) only whether a page holds text objects is asked, which costs a tenth as much.
    """
    import pypdfium2.raw as raw  # type: ignore[import-untyped]

    parts: list[str] = []
    kept = 0
    text_layer = False
    for index in range(len(document)):
        page = document[index]
        try:
            if kept < limit:
                textpage = page.get_textpage()
                try:
                    text = _clean(textpage.get_text_range())
                finally:
                    textpage.close()
                if text:
                    text_layer = True
                    parts.append(text[: limit - kept])
                    kept += len(parts[-1]) + 1
            elif text_layer:
                break
            if not text_layer and any(True for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT], max_depth=2)):
                text_layer = True  # text objects without extractable characters still are a layer
        finally:
            page.close()
        if kept >= limit and text_layer:
            break
    return " ".join(parts)[:limit], text_layer


def _is_true(value: object) -> bool:
    """A PDF boolean that is true (pikepdf gives booleans as Python's own)."""
    return value is True


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    line = text[0] if text else type(exc).__name__
    # qpdf starts its messages with the file name, which is a temporary path here
    return re.sub(r"^[^:]*\.pdf(?: \([^)]*\))?: ", "", line)[:200]


# -- Office ---------------------------------------------------------------------------------------

_TAG_TEXT = re.compile(rb"<(?:w|a):t(?:\s[^>]*)?>([^<]*)</(?:w|a):t>")
_SHARED = re.compile(rb"<t(?:\s[^>]*)?>([^<]*)</t>")


def _xml_value(data: bytes, name: str) -> str:
    match = re.search(rb"<(?:[A-Za-z]+:)?" + name.encode() + rb"(?:\s[^>]*)?>([^<]*)<", data)
    return _unescape(match.group(1)) if match else ""


def _unescape(raw: bytes) -> str:
    from html import unescape

    return _clean(unescape(raw.decode("utf-8", "replace")))


def _part(archive: zipfile.ZipFile, name: str) -> bytes:
    """One part of an Office file, never more than ZIP_PART_LIMIT bytes of it (a ZIP entry can be a bomb)."""
    try:
        with archive.open(name) as handle:
            return handle.read(ZIP_PART_LIMIT)
    except KeyError:
        return b""


def read_office(path: str, kind: str, limit: int = TEXT_LIMIT) -> tuple[Document, str]:
    """docProps (title, language, pages or slides) and text runs of a DOCX, XLSX or PPTX file."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            core = _part(archive, "docProps/core.xml")
            app = _part(archive, "docProps/app.xml")
            pages = 0
            count = _xml_value(app, "Pages" if kind == "docx" else "Slides" if kind == "pptx" else "_none_")
            if count.isdigit():
                pages = int(count)
            language = _xml_value(core, "language")
            chunks: list[str] = []
            if kind == "docx":
                parts = ["word/document.xml"]
                if not language:
                    match = re.search(rb'<w:lang\b[^>]*\bw:val="([^"]+)"', _part(archive, "word/styles.xml"))
                    language = match.group(1).decode("ascii", "replace") if match else ""
            elif kind == "pptx":
                slides = [n for n in names if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)]
                parts = sorted(slides, key=lambda n: int(re.sub(r"\D", "", n)))
                pages = pages or len(parts)
            else:
                parts = ["xl/sharedStrings.xml"]
            kept = 0
            for name in parts:
                if kept >= limit:
                    break
                pattern = _SHARED if kind == "xlsx" else _TAG_TEXT
                text = " ".join(_unescape(m.group(1)) for m in pattern.finditer(_part(archive, name)))
                text = _clean(text)[: limit - kept]
                if text:
                    chunks.append(text)
                    kept += len(text) + 1
            if not ({"[Content_Types].xml"} & names):
                return Document(kind, problem="damaged", detail="it is a ZIP file but not an Office document"), ""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        return Document(kind, problem="damaged", detail=_first_line(exc)), ""
    text = " ".join(chunks)[:limit]
    return Document(
        kind,
        pages=pages,
        title=_xml_value(core, "title"),
        language=language,
        text_layer=bool(text),
        text_chars=len(text),
    ), text


def read_document(path: str, kind: str, limit: int = TEXT_LIMIT) -> tuple[Document, str]:
    """Read one file of a READ_FORMATS kind in this process (PDFs: only in a reader process)."""
    if kind == "pdf":
        return read_pdf(path, limit)
    return read_office(path, kind, limit)


# -- reader processes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Limits:
    memory: int = MEMORY_LIMIT
    cpu: int = CPU_LIMIT
    wall: float = WALL_LIMIT
    text: int = TEXT_LIMIT


def _worker_main() -> None:
    """A reader process: one JSON request per line in, one JSON answer per line out."""
    import resource

    memory, cpu = int(sys.argv[1]), int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    import logging
    import warnings

    logging.disable(logging.CRITICAL)  # the libraries' complaints about a file are its `detail`
    warnings.simplefilter("ignore")
    for line in sys.stdin:
        request = json.loads(line)
        used = resource.getrusage(resource.RUSAGE_SELF)
        spent = int(used.ru_utime + used.ru_stime) + 1
        # SIGXCPU ends this process when one file takes more than `cpu` seconds; the build
        # sees the pipe close and reports that file.
        resource.setrlimit(resource.RLIMIT_CPU, (spent + cpu, resource.RLIM_INFINITY))
        try:
            document, text = read_document(request["path"], request["kind"], request["limit"])
        except MemoryError:
            document, text = (
                Document(
                    request["kind"], problem="limits", detail="reading it needs more memory than a document may use"
                ),
                "",
            )
        except RecursionError:
            document, text = (
                Document(request["kind"], problem="damaged", detail="its objects are nested too deeply"),
                "",
            )
        except Exception as exc:  # a library's own bug on a hostile file is that file's problem
            document, text = Document(request["kind"], problem="damaged", detail=_first_line(exc)), ""
        sys.stdout.write(json.dumps({"document": document.to_json(), "text": text}, ensure_ascii=False) + "\n")
        sys.stdout.flush()


def reader_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """A reader process's environment: the build's, this package importable, and MALLOC_TUNABLES."""
    package = str(Path(__file__).resolve().parent.parent)
    return {
        **environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [package, environ.get("PYTHONPATH", "")])),
        "GLIBC_TUNABLES": ":".join(filter(None, [environ.get("GLIBC_TUNABLES", ""), MALLOC_TUNABLES])),
    }


class _Reader:
    """One reader process and the request it is working on."""

    def __init__(self, limits: Limits):
        self.process = subprocess.Popen(  # noqa: S603 - this interpreter and module, fixed arguments
            [sys.executable, "-m", "sitegen.documents", str(limits.memory), str(limits.cpu)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=reader_environment(os.environ),
            start_new_session=True,
        )  # Ctrl-C reaches the build, which ends its readers itself
        self.buffer = b""
        self.job: tuple[str, str] | None = None
        self.deadline = 0.0

    def send(self, job: tuple[str, str], path: str, kind: str, limits: Limits) -> None:
        self.job = job
        self.deadline = time.monotonic() + limits.wall
        if self.process.stdin is None:
            raise BrokenPipeError
        self.process.stdin.write(json.dumps({"path": path, "kind": kind, "limit": limits.text}).encode() + b"\n")
        self.process.stdin.flush()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self.process.stdin, self.process.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


def read_documents(
    jobs: Iterable[tuple[str, str, str]],
    workers: int = 1,
    limits: Limits = Limits(),
    sink: Callable[[str, Document, str], None] | None = None,
) -> dict[str, tuple[Document, str]]:
    """Read every (key, path, kind) job; returns key -> (Document, text).

    PDFs go to reader processes (at most `workers`, each under `limits`); Office files are
    read here, since the standard library's ZIP and a size cap per part bound them already.
    With a `sink`, each result goes to it as it arrives and the returned texts are empty, so
    15,000 documents' text is never all in memory at once.
    """
    results: dict[str, tuple[Document, str]] = {}

    def deliver(key: str, document: Document, text: str) -> None:
        if sink is not None:
            sink(key, document, text)
            text = ""
        results[key] = (document, text)

    queue: list[tuple[str, str, str]] = []
    for key, path, kind in {job[0]: job for job in jobs}.values():  # one read per content key
        if kind == "pdf":
            queue.append((key, path, kind))
        else:
            deliver(key, *read_document(path, kind, limits.text))
    if not queue:
        return results
    queue.reverse()  # popped from the end: the given order
    selector = selectors.DefaultSelector()
    readers: list[_Reader] = []

    def start() -> None:
        reader = _Reader(limits)
        readers.append(reader)
        if reader.process.stdout is None:
            raise OSError("the reader process has no output pipe")
        os.set_blocking(reader.process.stdout.fileno(), False)
        selector.register(reader.process.stdout, selectors.EVENT_READ, reader)
        feed(reader)

    def feed(reader: _Reader) -> None:
        if queue:
            key, path, kind = queue.pop()
            try:
                reader.send((key, kind), path, kind, limits)
            except (BrokenPipeError, OSError):
                queue.append((key, path, kind))
                retire(reader, None)
        else:
            reader.job = None

    def retire(reader: _Reader, problem: Document | None) -> None:
        """A reader that died or overran: its file gets `problem`, a new reader takes the rest."""
        if reader.job is not None and problem is not None:
            deliver(reader.job[0], problem, "")
        reader.job = None
        if reader.process.stdout is not None:
            with contextlib.suppress(KeyError, ValueError):
                selector.unregister(reader.process.stdout)
        reader.kill()
        readers.remove(reader)
        if queue:
            start()

    try:
        for _ in range(max(1, min(workers, len(queue)))):
            start()
        while any(reader.job is not None for reader in readers):
            now = time.monotonic()
            timeout = min(reader.deadline for reader in readers if reader.job is not None) - now
            events = selector.select(max(0.0, timeout))
            for selected, _ in events:
                reader = selected.data
                try:
                    chunk = os.read(selected.fd, 1 << 20)
                except BlockingIOError:
                    continue
                if not chunk:  # the reader died: a limit, or a crash of the library
                    kind = reader.job[1] if reader.job else "pdf"
                    retire(reader, Document(kind, problem="limits", detail=_death(reader.process, limits)))
                    continue
                reader.buffer += chunk
                while b"\n" in reader.buffer and reader.job is not None:
                    line, reader.buffer = reader.buffer.split(b"\n", 1)
                    answer = json.loads(line)
                    deliver(reader.job[0], Document.from_json(answer["document"]), answer["text"])
                    feed(reader)
            now = time.monotonic()
            for reader in [r for r in readers if r.job is not None and r.deadline <= now]:
                retire(
                    reader,
                    Document(
                        reader.job[1] if reader.job else "pdf",
                        problem="limits",
                        detail=f"reading it took more than {limits.wall:g} seconds",
                    ),
                )
    finally:
        for reader in list(readers):
            reader.kill()
        selector.close()
    return results


def _death(process: subprocess.Popen[bytes], limits: Limits) -> str:
    import signal

    code = process.wait()
    if code == -signal.SIGXCPU:
        return f"reading it took more than {limits.cpu} seconds of processor time"
    if code in (-signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS, -signal.SIGKILL):
        return "the PDF reader could not finish it (it needs more memory than a document may use, or is malformed)"
    return f"the PDF reader stopped on it (exit status {code})"


if __name__ == "__main__":
    _worker_main()
