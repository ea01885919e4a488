"""Reading attachments (sitegen/documents.py) on real files: tagged, untagged, scanned, encrypted,
damaged, long and hostile PDFs, Office files, a hand-written PDF and the generated library's."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from pdf_fixtures import (
    bomb_pdf,
    damaged_pdf,
    deep_pdf,
    docx,
    encrypted_pdf,
    garbage_pdf,
    image_only_pdf,
    pptx,
    tagged_pdf,
    untagged_pdf,
    write,
    xlsx,
)
from sitegen.documents import Document, Limits, format_of, read_documents
from sitekit import Project

HAND_WRITTEN = Path(__file__).parent / "fixtures" / "hand-written-3-pages.pdf"


def read(tmp_path: Path, name: str, data: bytes) -> tuple[Document, str]:
    path = write(tmp_path, name, data)
    return read_documents([("k", str(path), format_of(name))], 1)["k"]


def test_a_tagged_pdf_has_its_structure_language_title_and_text(tmp_path: Path) -> None:
    document, text = read(tmp_path, "tagged.pdf", tagged_pdf(3, marker="Roadrunner appendix"))
    assert document == Document(
        "pdf",
        pages=3,
        title="A tagged report",
        language="en-US",
        tagged=True,
        structure=True,
        display_title=True,
        text_layer=True,
        text_chars=len(text),
    )
    assert text.startswith("Roadrunner appendix privacy") or "Roadrunner appendix" in text


def test_an_untagged_pdf_says_so(tmp_path: Path) -> None:
    document, text = read(tmp_path, "plain.pdf", untagged_pdf(2))
    assert (document.pages, document.tagged, document.structure, document.language, document.display_title) == (
        2,
        False,
        False,
        "",
        False,
    )
    assert document.title == "untitled"  # reportlab's default, which the checks take for no title
    assert document.text_layer and text


def test_an_image_only_pdf_has_no_text_layer(tmp_path: Path) -> None:
    document, text = read(tmp_path, "scan.pdf", image_only_pdf(2))
    assert document.pages == 2 and not document.text_layer and text == "" and not document.problem


def test_a_password_protected_pdf_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    document, text = read(tmp_path, "locked.pdf", encrypted_pdf())
    assert document.problem == "password" and text == ""


def test_an_owner_password_pdf_opens_and_says_whether_assistive_technology_may_read_it(tmp_path: Path) -> None:
    document, _ = read(tmp_path, "owner.pdf", encrypted_pdf(user_password="", accessibility=False))
    assert document.encrypted and not document.assistive and not document.problem and document.pages == 1
    document, _ = read(tmp_path, "owner-ok.pdf", encrypted_pdf(user_password="", accessibility=True))
    assert document.encrypted and document.assistive


@pytest.mark.parametrize("name, data", [("cut.pdf", damaged_pdf()), ("garbage.pdf", garbage_pdf())])
def test_a_damaged_pdf_is_a_problem_with_the_readers_words(tmp_path: Path, name: str, data: bytes) -> None:
    document, text = read(tmp_path, name, data)
    assert document.problem == "damaged" and document.detail and text == ""


def test_a_long_pdf_is_counted_and_its_text_bounded(tmp_path: Path) -> None:
    document, text = read(tmp_path, "long.pdf", tagged_pdf(120))
    assert document.pages == 120 and document.text_layer
    assert len(text) == document.text_chars <= Limits().text


def test_hostile_pdfs_have_bounded_time_and_memory(tmp_path: Path) -> None:
    """A decompression bomb (600 MB from 0.6 MB) breaks the memory limit in the reader process,
    not the build; 100,000 nested arrays are refused; the build goes on with the next file."""
    limits = Limits(memory=400 << 20, cpu=10, wall=20)
    files = {"bomb.pdf": bomb_pdf(600), "deep.pdf": deep_pdf(), "fine.pdf": untagged_pdf(1)}
    jobs = [(name, str(write(tmp_path, name, data)), "pdf") for name, data in files.items()]
    clock = time.monotonic()
    results = read_documents(jobs, 2, limits)
    assert time.monotonic() - clock < 20
    assert results["bomb.pdf"][0].problem in ("limits", "damaged")
    assert results["deep.pdf"][0].problem in ("limits", "damaged") or results["deep.pdf"][0].pages == 0
    assert results["fine.pdf"][0].pages == 1 and not results["fine.pdf"][0].problem


def test_a_reader_that_overruns_its_wall_time_is_killed(tmp_path: Path) -> None:
    path = write(tmp_path, "slow.pdf", tagged_pdf(120))
    results = read_documents(
        [("slow", str(path), "pdf"), ("next", str(write(tmp_path, "n.pdf", untagged_pdf(1))), "pdf")],
        1,
        Limits(wall=0.001),
    )
    assert results["slow"][0].problem == "limits" and "seconds" in results["slow"][0].detail
    assert results["next"][0].problem == "limits"  # a millisecond is too little for any file


def test_office_files_give_their_docprops(tmp_path: Path) -> None:
    document, text = read(tmp_path, "guide.docx", docx())
    assert (document.format, document.pages, document.title, document.language) == (
        "docx",
        12,
        "Grant guidance",
        "en-US",
    )
    assert "deadline" in text
    document, text = read(tmp_path, "deck.pptx", pptx(slides=4))
    assert (document.pages, document.title) == (4, "Briefing") and "Slide 3 text" in text
    document, text = read(tmp_path, "data.xlsx", xlsx())
    assert (document.pages, document.title) == (0, "Data tables") and "Grant amount" in text
    document, _ = read(tmp_path, "fake.docx", b"PK\x03\x04" + b"\0" * 100)
    assert document.problem == "damaged"


def test_a_hand_written_pdf_and_the_librarys_attachments(library: Project) -> None:
    """A PDF written without a PDF library (as a script or an old system writes one: Type 1 fonts,
    no tags, kept in tests/fixtures/) and the generated library's tagged ones."""
    files = [HAND_WRITTEN, *sorted((library.root / "content/files").glob("*.pdf"))]
    assert len(files) == 4
    results = read_documents([(p.name, str(p), "pdf") for p in files], 2)
    assert all(
        not document.problem and document.text_layer and document.pages >= 1 for document, _ in results.values()
    ), results
    assert results[HAND_WRITTEN.name][0].pages == 3 and not results[HAND_WRITTEN.name][0].tagged
    assert "Parole" in results[HAND_WRITTEN.name][1]


def test_readers_keep_their_heap_instead_of_faulting_it_in_for_every_page() -> None:
    """Reader processes run with glibc told to keep freed memory (documents.MALLOC_TUNABLES),
    added to the tunables the build itself was given, and with this package importable."""
    from sitegen.documents import MALLOC_TUNABLES, reader_environment

    assert "top_pad" in MALLOC_TUNABLES and "trim_threshold" in MALLOC_TUNABLES
    environment = reader_environment({"GLIBC_TUNABLES": "glibc.malloc.arena_max=2", "PATH": "/bin"})
    assert environment["GLIBC_TUNABLES"] == f"glibc.malloc.arena_max=2:{MALLOC_TUNABLES}"
    assert environment["PATH"] == "/bin"
    assert reader_environment({})["GLIBC_TUNABLES"] == MALLOC_TUNABLES
    assert Path(environment["PYTHONPATH"], "sitegen", "documents.py").is_file()
