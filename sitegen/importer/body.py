"""HTML bodies of an export -> Markdown a contributor could have written, with nothing unsafe in it.

An old CMS's body HTML is untrusted. It goes through three steps, and the Markdown that comes out
is then checked like any contributor's file (`sitegen check`, run by the import before anything
is written):

1. `unsafe_parts` lists, for the report, what the sanitizer will drop: script, frames, forms,
   event handlers, `javascript:` and `data:` links. It parses with selectolax (Lexbor, an HTML5
   parser), as a browser would.
2. nh3 (html5ever, the project's trust boundary) keeps only `sanitize.ALLOWED_TAGS` and the
   attributes that carry meaning (`href`, `src`, `alt`, table spans); CMS classes, ids and styles
   go, as do comments and the content of script and style elements.
3. The clean tree (BeautifulSoup, which markdownify works on) is fixed where the content checks
   would refuse it (headings renumbered from `##` without skips, a first table row made the
   header when a table has none, images without a description and empty links removed, each one
   reported) and converted by markdownify with our own escaping: every character that Markdown,
   raw HTML or an attribute list could read as syntax (`<`, `&`, `[`, `{`, `*`, `|`...) is
   escaped in text, so text in the old site stays text here.

Local links and images are replaced by tokens that the import resolves once every row's new
place is known (`Converted.refs`). Pure functions of their arguments, so they run in workers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote, urljoin, urlsplit

import nh3

from ..sanitize import ALLOWED_TAGS, URL_SCHEMES, unsafe_url

if TYPE_CHECKING:
    from bs4 import Tag
    from markdownify import MarkdownConverter

REF_PREFIX = "sitegen-import-ref-"
# Tags whose removal loses something the reader would have seen or run: reported when dropped.
REPORTED_TAGS = frozenset(
    {
        "script",
        "style",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "form",
        "input",
        "button",
        "select",
        "textarea",
        "link",
        "meta",
        "base",
        "svg",
        "math",
        "template",
        "video",
        "audio",
        "canvas",
        "noscript",
    }
)
_CONTENT_DROPPED = {
    "script",
    "style",
    "template",
    "noscript",
    "textarea",
    "select",
    "title",
    "iframe",
    "object",
    "svg",
    "math",
    "head",
}
_ATTRIBUTES = {
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "abbr": {"title"},
    "time": {"datetime"},
    "*": {"lang", "dir"},
}
_TAGS = set(ALLOWED_TAGS) - {"details", "summary"}
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
IMAGE_FILE = re.compile(r"^[\w ().-]+\.(png|jpe?g|gif|webp|svg|bmp|tiff?)$", re.IGNORECASE)


@dataclass
class Converted:
    markdown: str
    text: str  # plain text, to make a summary from
    dropped: list[str] = field(default_factory=list)  # unsafe parts removed
    notes: list[str] = field(default_factory=list)  # other changes
    refs: list[tuple[str, str, str]] = field(default_factory=list)  # (token, "a" or "img", old address)


def unsafe_parts(raw: str) -> list[str]:
    """What the sanitizer drops that a reader would miss or that would run, counted by kind."""
    from selectolax.lexbor import LexborHTMLParser

    counts: dict[str, int] = {}

    def add(what: str) -> None:
        counts[what] = counts.get(what, 0) + 1

    tree = LexborHTMLParser(raw)
    for node in tree.css("*"):
        tag = node.tag or ""
        if tag in REPORTED_TAGS and not (
            tag in ("meta", "link") and node.parent is not None and node.parent.tag == "head"
        ):
            add(f"<{tag}>")
        for name, value in (node.attributes or {}).items():
            if name.lower().startswith("on"):
                add(f'event handler "{name.lower()}"')
            elif name.lower() in ("href", "src", "action", "formaction", "xlink:href") and value:
                why = unsafe_url(value)
                if why:
                    scheme = re.match(r"^\s*([A-Za-z][A-Za-z0-9+.-]*):", value)
                    add(f'"{scheme.group(1).lower()}:" address' if scheme else "address that leaves the site")
    return [what + (f" ({count})" if count > 1 else "") for what, count in sorted(counts.items())]


def _escape_url(url: str) -> str:
    return quote(url.strip(), safe="/:?#[]@!$&'*+,;=%-._~")


def _escape_text(text: str) -> str:
    text = text.replace("\\", "\\\\").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"([`*_{}\[\]|!#+])", r"\\\1", text)
    text = re.sub(r"(^|\n)([ \t]*)(-+)(?=\s|$)", lambda m: m.group(1) + m.group(2) + "\\-" * len(m.group(3)), text)
    text = re.sub(r"(^|\n)([ \t]*\d{1,9})([.)])(?=\s|$)", r"\1\2\\\3", text)
    text = re.sub(r"(^|\n)([ \t]*)(=+)", lambda m: m.group(1) + m.group(2) + "&#61;" * len(m.group(3)), text)
    return re.sub(r"~{3,}", lambda m: "&#126;" * len(m.group(0)), text)


def _converter() -> MarkdownConverter:
    from markdownify import MarkdownConverter

    class SafeConverter(MarkdownConverter):
        def escape(self, text: str, parent_tags: set[str]) -> str:
            return _escape_text(text) if text else ""

        def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
            href = str(el.get("href") or "")
            words = text.strip()
            if not words:
                return ""
            if not href or "_noformat" in parent_tags:
                return text
            prefix = " " if text[:1].isspace() else ""
            suffix = " " if text[-1:].isspace() else ""
            return f"{prefix}[{words}]({_escape_url(href)}){suffix}"

        def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
            alt = _escape_text(" ".join(str(el.get("alt") or "").split()))
            src = str(el.get("src") or "")
            return f"![{alt}]({_escape_url(src)})" if src and alt else ""

        def convert_li(self, el: Tag, text: str, parent_tags: set[str]) -> str:
            # Python-Markdown needs four spaces before a nested list or a second paragraph.
            text = (text or "").strip()
            if not text:
                return "\n"
            parent = el.parent
            if parent is not None and parent.name == "ol":
                start = int(str(parent.get("start"))) if str(parent.get("start") or "").isdigit() else 1
                bullet = f"{start + len(el.find_previous_siblings('li'))}. "
            else:
                bullet = "- "
            first, *rest = text.split("\n")
            return bullet + first + "".join("\n" + ("    " + line if line.strip() else "") for line in rest) + "\n"

        def convert_pre(self, el: Tag, text: str, parent_tags: set[str]) -> str:
            if not text.strip("\n"):
                return ""
            longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
            fence = "`" * max(3, longest + 1)
            return f"\n\n{fence}\n{text.strip(chr(10))}\n{fence}\n\n"

    return SafeConverter(
        heading_style="ATX",
        bullets="-",
        strong_em_symbol="*",
        autolinks=False,
        sub_symbol="<sub>",
        sup_symbol="<sup>",
        table_infer_header=True,
        escape_misc=False,
        escape_asterisks=False,
        escape_underscores=False,
    )


_CONVERTER: MarkdownConverter | None = None


def _markdownify(soup: object) -> str:
    global _CONVERTER
    if _CONVERTER is None:
        _CONVERTER = _converter()
    return _CONVERTER.convert_soup(soup)


def _fix_headings(headings: list, notes: list[str]) -> None:  # type: ignore[type-arg]
    previous = 1
    changed = False
    for heading in headings:
        if not heading.get_text(strip=True):
            heading.decompose()
            changed = True
            continue
        level = int(heading.name[1])
        wanted = min(max(level, 2), previous + 1)
        if wanted != level:
            heading.name = f"h{wanted}"
            changed = True
        previous = wanted
    if changed:
        notes.append("headings renumbered so the text starts at level 2 (##) and skips none")


def _fix_tables(tables: list, notes: list[str]) -> None:  # type: ignore[type-arg]
    """Every table gets a header row with words in it: the first row that has any, else it goes."""
    for table in tables:
        rows = table.find_all("tr")
        first = next((r for r in rows if any(c.get_text(strip=True) for c in r.find_all(["td", "th"]))), None)
        if first is None:
            table.decompose()
            notes.append("an empty table was left out")
            continue
        header = [c for c in first.find_all("th")]
        if header and rows[0] is first:
            continue
        for row in rows[: rows.index(first)]:
            row.decompose()
        for cell in first.find_all("td"):
            cell.name = "th"
        notes.append("a table without header cells got its first row as the header")


def _is_local(url: str, hosts: tuple[str, ...]) -> bool:
    parts = urlsplit(url)
    if parts.scheme and parts.scheme not in ("http", "https"):
        return False
    if parts.netloc:
        return (parts.hostname or "").lower() in hosts
    return not url.startswith("#")


def convert_html(raw: str, hosts: tuple[str, ...] = (), page_url: str = "") -> Converted:
    """Safe Markdown for an HTML body; local links become tokens listed in `refs`."""
    from bs4 import BeautifulSoup

    dropped = unsafe_parts(raw) if "<" in raw else []
    clean = nh3.clean(
        raw,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
        clean_content_tags=_CONTENT_DROPPED,
    )
    soup = BeautifulSoup(clean, "html.parser")
    notes: list[str] = []
    refs: list[tuple[str, str, str]] = []
    # One walk of the tree (each find_all is a walk of its own), then the fixes.
    tags: dict[str, list] = {}  # type: ignore[type-arg]
    for element in soup.find_all(True):
        tags.setdefault(element.name, []).append(element)
    _fix_headings([e for e in soup.find_all(_HEADINGS)] if any(h in tags for h in _HEADINGS) else [], notes)
    _fix_tables(tags.get("table", []), notes)
    base = page_url or "/"
    for image in tags.get("img", []):
        if image.parent is None:
            continue
        if unsafe_url(image.get("src") or ""):
            image.decompose()  # unsafe_parts has counted it
            continue
        alt = " ".join((image.get("alt") or "").split())
        src = (image.get("src") or "").strip()
        if not src:
            image.decompose()
            continue
        if not alt or IMAGE_FILE.match(alt) or alt.lower() == src.rsplit("/", 1)[-1].lower():
            notes.append(f'image "{src[:80]}" left out: it has no description (add it by hand, with one)')
            image.decompose()
            continue
        if _is_local(src, hosts):
            token = f"{REF_PREFIX}{len(refs)}"
            refs.append((token, "img", urljoin(base, src)))
            image["src"] = token
    for link in tags.get("a", []):
        if link.parent is None:
            continue
        href = (link.get("href") or "").strip()
        has_words = bool(link.get_text(strip=True)) or any(img.get("alt") for img in link.find_all("img"))
        if not has_words:
            link.decompose()
            continue
        if not href:
            link.unwrap()
            continue
        if unsafe_url(href):  # //host, /\host: another site dressed as this one
            link.unwrap()
            continue
        if href.startswith("#"):
            link.unwrap()  # the old page's anchors do not survive the conversion
            continue
        if _is_local(href, hosts):
            token = f"{REF_PREFIX}{len(refs)}"
            refs.append((token, "a", urljoin(base, href)))
            link["href"] = token
    text = "\n\n".join(p.get_text(" ") for p in tags.get("p", [])[:5]) or soup.get_text(" ")
    markdown = _tidy(_markdownify(soup))
    return Converted(markdown, text, dropped, list(dict.fromkeys(notes)), refs)


def convert_text(raw: str) -> Converted:
    """A plain-text body: paragraphs kept, every character escaped."""
    paragraphs = [" ".join(part.split()) for part in re.split(r"\n\s*\n", raw.replace("\r\n", "\n"))]
    paragraphs = [p for p in paragraphs if p]
    return Converted(
        "\n\n".join(_escape_text(p) for p in paragraphs) + ("\n" if paragraphs else ""), "\n\n".join(paragraphs)
    )


def _tidy(markdown: str) -> str:
    lines = [line.rstrip() if not line.endswith("  ") or not line.strip() else line for line in markdown.split("\n")]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")
    return text + "\n" if text else ""


def resolve_refs(markdown: str, targets: dict[str, str | None]) -> str:
    """Put each token's target in; a token with no target loses its link (text kept) or image."""

    def link(match: re.Match[str]) -> str:
        bang, text, token = match.group(1), match.group(2), match.group(3)
        target = targets.get(token)
        if target:
            return f"{bang}[{text}]({_escape_url(target)})"
        return "" if bang else text

    return re.sub(r"(!?)\[((?:\\.|[^\]\\])*)\]\((" + re.escape(REF_PREFIX) + r"\d+)\)", link, markdown)


__all__ = ["REF_PREFIX", "Converted", "convert_html", "convert_text", "resolve_refs", "unsafe_parts"]
