"""Turning an export's raw texts into front-matter values: text, dates, keys, old addresses.

Pure functions: no files are read or written here. Every function returns its value and, when
the text needed fixing or could not be used, words for the report, so that each row's problems
are listed, not raised.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import html
import re
import unicodedata
import zoneinfo
from urllib.parse import quote, unquote, urljoin, urlsplit

from ..schema import clean_site_path

# What Windows-1252 text looks like after being read as Latin-1 or UTF-8 decoded twice.
_MOJIBAKE = re.compile(
    "[\u00c2\u00c3\u00e2][\u0080-\u00bf\u2018-\u203a\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u20ac\u2122]"
)
_C1 = re.compile("[\u0080-\u009f]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029\u0085\ufeff\ufffe\uffff]")
_TAG = re.compile(r"<[A-Za-z!/][^>]*>")
_ENTITY = re.compile(r"&(?:#\d{1,7}|#[xX][0-9A-Fa-f]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def clean_text(text: str, *, keep_lines: bool = False) -> tuple[str, list[str]]:
    """Plain text from a cell: entities decoded, mis-decoded Windows quotes repaired, no controls.

    Drupal exports often escape twice (`&amp;#039;`), so entities are decoded until none is
    left (at most three times). A title never holds markup: tags are removed.
    """
    fixes: list[str] = []
    original = text
    for _ in range(3):
        if not _ENTITY.search(text):
            break
        text = html.unescape(text)
    if text != original and "&" in original:
        fixes.append("HTML entities decoded")
    if _C1.search(text):
        # C1 controls are Windows-1252 bytes read as Latin-1: 0x92 is a right single quote.
        text = _C1.sub(lambda m: m.group(0).encode("latin-1").decode("cp1252", errors="ignore"), text)
        fixes.append("Windows-1252 characters repaired")
    if _MOJIBAKE.search(text):
        try:
            repaired = text.encode("cp1252").decode("utf-8")
        except UnicodeError:
            repaired = text
        if repaired != text:
            text = repaired
            fixes.append("text decoded twice (â€™) repaired")
    if "<" in text and _TAG.search(text):
        text = _TAG.sub(" ", text)
        fixes.append("HTML tags removed")
        text = html.unescape(text) if _ENTITY.search(text) else text
    text = unicodedata.normalize("NFC", _CONTROL.sub(" ", text))
    if keep_lines:
        paragraphs = [" ".join(part.split()) for part in re.split(r"\n\s*\n", text)]
        return "\n\n".join(p for p in paragraphs if p), fixes
    return " ".join(text.split()), fixes


def summary_from(text: str, limit: int = 300) -> str:
    """A summary made from body text: its first paragraph, cut at a sentence or word before `limit`."""
    paragraph = next((p for p in re.split(r"\n\s*\n", text) if len(p.split()) >= 3), text)
    paragraph = " ".join(paragraph.split())
    if len(paragraph) <= limit:
        return paragraph
    cut = paragraph[:limit]
    sentence = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    if sentence > limit // 2:
        return cut[: sentence + 1]
    return cut[: cut.rfind(" ")].rstrip(",;:") + "…" if " " in cut else cut[: limit - 1] + "…"


# -- Dates -------------------------------------------------------------------------------------

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIMESTAMP = re.compile(r"^-?\d{9,11}(?:\.\d+)?$")
_DRUPAL_WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+", re.IGNORECASE)


def parse_date(text: str, formats: tuple[str, ...], zone: str) -> tuple[dt.date | None, str]:
    """(date, how) for an export's date text; (None, why not) when no format reads it.

    Tried in order: the mapping's formats, ISO 8601 dates and times, Unix timestamps (Drupal's
    `created`), RFC 822 dates (RSS). A time with a zone is converted to the site's time zone
    first, so 2018-10-01T02:00Z is September 30 in New York, as the old site showed it. Dates
    written with slashes are read only with a format from the mapping: 01/02/2018 is January
    in the United States and February elsewhere.
    """
    text = " ".join(text.split())
    if not text:
        return None, "it is empty"
    tz = zoneinfo.ZoneInfo(zone)

    def local(moment: dt.datetime) -> dt.date:
        return moment.astimezone(tz).date() if moment.tzinfo else moment.date()

    for fmt in formats:
        for candidate in (text, _DRUPAL_WEEKDAY.sub("", text)):
            try:
                return local(dt.datetime.strptime(candidate, fmt)), fmt
            except ValueError:
                continue
    if _ISO_DATE.match(text):
        try:
            return dt.date.fromisoformat(text), "ISO"
        except ValueError:
            return None, "it is not a real date"
    try:
        return local(dt.datetime.fromisoformat(text)), "ISO"
    except ValueError:
        pass
    if _TIMESTAMP.match(text):
        try:
            return local(dt.datetime.fromtimestamp(float(text), dt.UTC)), "Unix time"
        except (OverflowError, OSError, ValueError):
            return None, "it is not a time that can be read"
    try:
        moment = email.utils.parsedate_to_datetime(text)
        if moment is not None:
            return local(moment), "RFC 822"
    except (TypeError, ValueError, IndexError):
        pass
    return None, "no date format reads it"


# -- Keys --------------------------------------------------------------------------------------


def make_key(text: str) -> str:
    from slugify import slugify

    return slugify(text, max_length=60, word_boundary=True) or ""


_SMALL_WORDS = {"of", "and", "the", "for", "on", "in", "to", "a", "an", "&", "u.s.", "us"}


def acronym_of(name: str) -> str:
    """ICE for "Immigration and Customs Enforcement"; a short all-capitals name is its own acronym."""
    words = name.replace("-", " ").split()
    if len(words) == 1 and len(name) <= 10:
        return name.upper() if name.isupper() else name
    letters = "".join(word[0].upper() for word in words if word.lower() not in _SMALL_WORDS and word[0].isalpha())
    return letters or name[:10]


# -- Old addresses -----------------------------------------------------------------------------

# Unreserved characters that hosts decode before matching: they must not stay percent-encoded.
_PLAIN_ENCODED = re.compile(r"%(?:[46][1-9A-Fa-f]|[57][0-9Aa]|3[0-9]|2[DEFdef]|5[Ff]|7[Ee])")


def old_path(url: str, old_site: str, base: str = "") -> tuple[str, str, str]:
    """(path on the old site, host or "", problem) of an old address.

    `/publication/x`, `https://www.dhs.gov/publication/x?nid=1` and `publication/x` all give
    `/publication/x`; the query and fragment are dropped (a static host cannot match them),
    letters that were percent-encoded are decoded, and anything that cannot be a clean site
    path is a problem, not an alias.
    """
    url = url.strip()
    if not url:
        return "", "", "it is empty"
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", url) and not url.startswith("/") and (base or old_site):
        url = urljoin(base or old_site + "/", url)
    parts = urlsplit(url)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return "", "", f'"{parts.scheme}:" addresses are not pages of the old site'
    path = parts.path or "/"
    if not path.startswith("/"):
        path = "/" + path
    path = _PLAIN_ENCODED.sub(lambda m: unquote(m.group(0)), path)
    path = quote(path, safe="/%!$&'()*+,;=:@-._~")
    path = re.sub(r"/{2,}", "/", path)
    problem = clean_site_path(path) if path != "/" else "is the home page of the old site"
    return path, (parts.hostname or "").lower(), problem or ""


def rebase(path: str, redirect_base: str) -> str | None:
    """The alias for an old path: the part after `redirect_base`, as a site path; None when outside it."""
    if redirect_base == "/":
        return path
    if path == redirect_base.rstrip("/"):
        return None
    if not path.startswith(redirect_base):
        return None
    return "/" + path[len(redirect_base) :]


__all__ = ["acronym_of", "clean_text", "make_key", "old_path", "parse_date", "rebase", "summary_from"]
