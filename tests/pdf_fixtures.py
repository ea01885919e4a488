"""Real PDF and Office files for the attachment tests, written by libraries that make them.

reportlab draws the pages (text, or a scanned-looking image and no text); pikepdf then adds what
reportlab cannot write: the structure tree and marked content of a tagged PDF, /Lang, the viewer
preference that shows the title, and encryption. Every file is deterministic (reportlab's
`invariant` mode, fixed pikepdf IDs), so a test can compare bytes; encrypted files are the exception (their salts
are random). A few hostile files (a
decompression bomb, deep nesting) are assembled by hand, since no library would write them.
"""

from __future__ import annotations

import io
import random
import zipfile
import zlib
from pathlib import Path

import pikepdf
from reportlab.lib.pagesizes import letter
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

WORDS = (
    "privacy impact assessment records border travelers information system program department "
    "retention sharing notice redress security controls analysis"
).split()
PALABRAS = (
    "evaluación impacto privacidad registros frontera viajeros información sistema programa "
    "departamento declaración huracán seguridad"
).split()


def _pages(pages: int, title: str | None, words: tuple[str, ...] | list[str], seed: int, marker: str = "") -> bytes:
    rng = random.Random(seed)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter, invariant=1)
    if title is not None:
        pdf.setTitle(title)
    for number in range(pages):
        pdf.setFont("Helvetica", 11)
        y = 720
        if number == 0 and marker:
            pdf.drawString(72, y, marker)
            y -= 16
        for _ in range(12):
            pdf.drawString(72, y, " ".join(rng.choice(words) for _ in range(11)))
            y -= 16
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def untagged_pdf(pages: int = 2, title: str | None = None, seed: int = 1, marker: str = "") -> bytes:
    """A text PDF as many exporters write it: no tags, no /Lang, the title "untitled"."""
    return _pages(pages, title, WORDS, seed, marker)


def tagged_pdf(
    pages: int = 2,
    language: str = "en-US",
    title: str = "A tagged report",
    seed: int = 1,
    display_title: bool = True,
    marker: str = "",
    spanish: bool = False,
) -> bytes:
    """A tagged PDF: each page's content is marked (/P with an MCID) and hangs in a structure
    tree (Document > P per page) with its parent tree; /MarkInfo, /Lang, DisplayDocTitle."""
    source = pikepdf.open(io.BytesIO(_pages(pages, title, PALABRAS if spanish else WORDS, seed, marker)))
    pdf = pikepdf.new()
    for page in source.pages:
        pdf.pages.append(page)
    document = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document))
    kids = pikepdf.Array()
    nums = pikepdf.Array()
    for index, page in enumerate(pdf.pages):
        content = (
            page.obj.Contents.read_bytes()
            if not isinstance(page.obj.Contents, pikepdf.Array)
            else b"".join(part.read_bytes() for part in page.obj.Contents)
        )
        page.obj.Contents = pdf.make_stream(b"/P <</MCID 0>> BDC\n" + content + b"\nEMC\n")
        page.obj.StructParents = index
        paragraph = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.P, P=document, Pg=page.obj, K=0)
        )
        kids.append(paragraph)
        nums.append(index)
        nums.append(pikepdf.Array([paragraph]))
    document.K = kids
    tree = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.StructTreeRoot,
            K=document,
            ParentTree=pdf.make_indirect(pikepdf.Dictionary(Nums=nums)),
            ParentTreeNextKey=len(pdf.pages),
        )
    )
    document.P = tree
    pdf.Root.StructTreeRoot = tree
    pdf.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    if language:
        pdf.Root.Lang = pikepdf.String(language)
    if display_title:
        pdf.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
    pdf.docinfo["/Title"] = pikepdf.String(title)
    return _save(pdf)


def image_only_pdf(pages: int = 1, seed: int = 3) -> bytes:
    """A scan: each page one image, no text layer at all (a screen reader finds nothing)."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=letter, invariant=1)
    pdf.setTitle("Scanned letter")
    for _ in range(pages):
        image = Image.new("L", (306, 396), 255)
        draw = ImageDraw.Draw(image)
        for line in range(20):
            draw.rectangle((30, 30 + line * 16, 30 + rng.randrange(120, 270), 38 + line * 16), fill=40)
        pdf.drawImage(ImageReader(image), 0, 0, width=612, height=792)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def encrypted_pdf(user_password: str = "secret", accessibility: bool = True) -> bytes:  # noqa: S107 - a test file's password
    """Encrypted: with a user password nobody can open it without the password; with only an
    owner password it opens, but may forbid extraction for assistive technology. That permission
    means something only up to revision 3 (128-bit RC4, common in older agency files): from
    revision 4 on, readers always grant it, so those files are AES-256 (revision 6)."""
    pdf = pikepdf.open(io.BytesIO(tagged_pdf(1, title="Encrypted report")))
    permissions = pikepdf.Permissions(accessibility=accessibility, extract=accessibility)
    revision = 6 if accessibility else 3
    return _save(
        pdf,
        encryption=pikepdf.Encryption(
            owner="owner-password",
            user=user_password,
            R=revision,
            aes=revision >= 4,
            metadata=revision >= 4,
            allow=permissions,
        ),
    )


def damaged_pdf() -> bytes:
    """A PDF cut off in the middle of a download: the object table and the end are missing."""
    data = untagged_pdf(6, title="Cut short")
    return data[: len(data) // 2]


def garbage_pdf() -> bytes:
    """Starts like a PDF, and nothing after the header is one."""
    return b"%PDF-1.7\n" + random.Random(5).randbytes(3000)


def _assemble(objects: list[bytes]) -> bytes:
    """A PDF from raw object bodies (object 1 is the catalog), with a correct cross-reference table."""
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, start)
    return out


def bomb_pdf(megabytes: int = 600) -> bytes:
    """One page whose content stream inflates from well under a megabyte to `megabytes` MB."""
    stream = zlib.compress(b" " * (megabytes << 20), 9)
    return _assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
        ]
    )


def deep_pdf(depth: int = 100_000) -> bytes:
    """An array nested `depth` levels deep, hung from the catalog."""
    return _assemble(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Deep 3 0 R >>",
            b"<< /Type /Pages /Kids [] /Count 0 >>",
            b"[" * depth + b"]" * depth,
        ]
    )


def _save(pdf: pikepdf.Pdf, **options: object) -> bytes:
    buffer = io.BytesIO()
    # An encrypted file cannot have an ID derived from its content (and its salts are random).
    pdf.save(buffer, **({"static_id": True} if "encryption" in options else {"deterministic_id": True}), **options)
    return buffer.getvalue()


def docx(
    title: str = "Grant guidance",
    pages: int = 12,
    language: str = "en-US",
    text: str = "Applicants must submit the form before the deadline.",
) -> bytes:
    """A minimal but valid Word document with its docProps (title, language, page count)."""
    return _office(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
            "docProps/core.xml": (
                '<?xml version="1.0"?><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
                f'xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{title}</dc:title><dc:language>{language}</dc:language></cp:coreProperties>'
            ),
            "docProps/app.xml": f'<?xml version="1.0"?><Properties><Pages>{pages}</Pages></Properties>',
            "word/document.xml": f'<?xml version="1.0"?><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>',
        }
    )


def pptx(title: str = "Briefing", slides: int = 3) -> bytes:
    parts = {
        "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
        "docProps/core.xml": f'<?xml version="1.0"?><cp:coreProperties xmlns:dc="d"><dc:title>{title}</dc:title></cp:coreProperties>',
        "docProps/app.xml": f'<?xml version="1.0"?><Properties><Slides>{slides}</Slides></Properties>',
    }
    for number in range(1, slides + 1):
        parts[f"ppt/slides/slide{number}.xml"] = f'<p:sld xmlns:a="a"><a:t>Slide {number} text</a:t></p:sld>'
    return _office(parts)


def xlsx(title: str = "Data tables") -> bytes:
    return _office(
        {
            "[Content_Types].xml": '<?xml version="1.0"?><Types/>',
            "docProps/core.xml": f'<?xml version="1.0"?><cp:coreProperties xmlns:dc="d"><dc:title>{title}</dc:title></cp:coreProperties>',
            "xl/sharedStrings.xml": "<sst><si><t>Fiscal year</t></si><si><t>Grant amount</t></si></sst>",
        }
    )


def _office(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            archive.writestr(info, text)
    return buffer.getvalue()


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path
