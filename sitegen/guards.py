"""Output guards: cheap checks of one rendered HTML page, run on every page of every build.

`check_page` looks for mistakes a template or the renderer can make and no content check sees:
leftover template syntax, an empty <title> or <h1>, a page without the official banner or the
identifier, no `lang`, an image without `alt`, a download link without its file type and size,
an external link in the main content that is not marked as external. It is a pure function of
the page text: a regular-expression screen clears ordinary pages in microseconds, and only pages
it cannot clear are parsed with `html.parser` (one pass, no DOM) for exact messages.

Each problem is a `PageProblem`: the page line, the message, and the evidence (the href, src
or text that shows it), by which the builder finds the content or template line that caused it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from urllib.parse import urlsplit

from .urls import is_government_host

TEMPLATE_SYNTAX = ("{{", "{%")
# Where template-like text is legitimate page content (a code sample that shows a template).
LITERAL_TAGS = frozenset({"code", "pre", "samp", "kbd"})
# Elements that end the text "after a download link" (the link's own list item, paragraph, cell).
_BLOCK_TAGS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "dd",
        "details",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
        "br",
        "a",
    }
)
# "(PDF, 1.2 MB)", "PDF, 340 KB", "Word document, 12 KB, Español": a file type, then a size.
_FILE_META = re.compile(r"\w[\w .+-]*,\s*\d[\d.,]*\s*(?:bytes|B|KB|MB|GB|TB)\b", re.IGNORECASE)
_FILE_META_WINDOW = 120  # characters of text after a download link that are searched for the meta


@dataclass(frozen=True)
class PageProblem:
    line: int  # in the rendered page
    message: str
    evidence: str = ""  # page text that shows the problem (an href, a src, template text); "" for absences
    markup: bool = False  # the evidence is a tag (`<h1`) of the page's own markup, to look for in templates only


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _PageChecker(HTMLParser):
    def __init__(self, templated: bool = True) -> None:
        super().__init__(convert_charrefs=True)
        self.templated = templated  # False: the page has no "{{" or "{%" at all, skip looking for them
        self.problems: list[PageProblem] = []
        self.html_seen = False
        self.title_seen = False
        self.title_text: list[str] | None = None  # collecting while inside <title>
        self.title_line = 0
        self.h1s: list[tuple[int, str]] = []  # (line, text) of every <h1>
        self.h1_text: list[str] | None = None
        self.h1_depth = 0
        self.banner = False
        self.identifier = False
        self.main_depth = 0
        self.literal_depth = 0
        # The download link whose trailing text is being collected: (line, href, text so far).
        self.download: tuple[int, str, list[str]] | None = None
        self.download_open = False  # still inside that <a>

    # -- helpers ---------------------------------------------------------------------------------

    def report(self, message: str, line: int | None = None, evidence: str = "", markup: bool = False) -> None:
        self.problems.append(PageProblem(line if line is not None else self.getpos()[0], message, evidence, markup))

    def finish_download(self) -> None:
        if self.download is None:
            return
        line, href, pieces = self.download
        self.download = None
        self.download_open = False
        if not _FILE_META.search("".join(pieces)[:_FILE_META_WINDOW]):
            self.report(
                f'download link to {href} has no file type and size after it (e.g. "(PDF, 1.2 MB)")', line, href
            )

    def check_template_syntax(self, text: str, where: str) -> None:
        for marker in TEMPLATE_SYNTAX:
            index = text.find(marker)
            if index >= 0:
                # Up to the line's end or a quote: inside JSON-LD the text goes on with the data's syntax.
                evidence = text[index:].split("\n", 1)[0].split('"', 1)[0][:40].strip()
                self.report(
                    f'leftover template syntax "{marker}" in {where}: "{_short(text[max(0, index - 20) :], 60)}"',
                    evidence=evidence,
                )
                return

    # -- parser callbacks ------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        classes = ""
        for name, value in attr_list:
            if not value:
                continue
            if name == "class":
                classes = value
            if self.templated and "{" in value:
                self.check_template_syntax(value, f'the {name}="…" attribute of <{tag}>')
        if self.download is not None and not self.download_open and tag in _BLOCK_TAGS:
            self.finish_download()
        if not self.identifier and "usa-identifier" in classes and "usa-identifier" in classes.split():
            self.identifier = True

        if tag == "a":
            self.check_link(dict(attr_list), classes)
        elif tag == "img":
            attrs = dict(attr_list)
            if "alt" not in attrs:
                self.report(
                    f'<img src="{_short(attrs.get("src") or "", 60)}"> has no alt attribute',
                    evidence=attrs.get("src") or "",
                )
            elif self.h1_text is not None and attrs.get("alt"):
                self.h1_text.append(attrs["alt"] or "")
        elif tag in LITERAL_TAGS:
            self.literal_depth += 1
        elif tag == "h1":
            self.h1_depth += 1
            if self.h1_depth == 1:
                self.h1_text = []
                self.h1s.append((self.getpos()[0], ""))
        elif tag == "main":
            self.main_depth += 1
        elif tag == "section":
            if "usa-banner" in classes.split():
                self.banner = True
        elif tag == "title":
            if self.title_text is None and not self.title_seen:
                self.title_seen = True
                self.title_text = []
                self.title_line = self.getpos()[0]
        elif tag == "html":
            self.html_seen = True
            if not (dict(attr_list).get("lang") or "").strip():
                self.report("<html> has no lang attribute", evidence="<html", markup=True)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)  # a self-closed <img/> or <br/>: nothing to close

    def check_link(self, attrs: dict[str, str | None], classes: str) -> None:
        href = (attrs.get("href") or "").strip()
        if not href:
            return
        try:
            parts = urlsplit(href)
        except ValueError:
            self.report(f'malformed link "{_short(href, 60)}"', evidence=href)
            return
        if not parts.scheme and not parts.netloc and ("/files/" in parts.path or parts.path.startswith("files/")):
            self.download = (self.getpos()[0], href, [])  # one of this site's attachments
            self.download_open = True
        if self.main_depth and (parts.scheme in ("http", "https") or href.startswith("//")):
            host = parts.hostname or ""
            if host and not is_government_host(host) and "usa-link--external" not in classes.split():
                self.report(
                    f'external link to {_short(href, 60)} in <main> lacks the class "usa-link--external"', evidence=href
                )

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.download_open:
            self.download_open = False
        elif self.download is not None and not self.download_open and tag in _BLOCK_TAGS:
            self.finish_download()
        if tag == "title" and self.title_text is not None:
            if not "".join(self.title_text).strip():
                self.report("the <title> is empty", self.title_line, "<title", markup=True)
            self.title_text = None
        elif tag == "h1" and self.h1_depth:
            self.h1_depth -= 1
            if self.h1_depth == 0 and self.h1_text is not None:
                line, _ = self.h1s[-1]
                self.h1s[-1] = (line, "".join(self.h1_text))
                self.h1_text = None
        elif tag == "main" and self.main_depth:
            self.main_depth -= 1
        if tag in LITERAL_TAGS and self.literal_depth:
            self.literal_depth -= 1

    def handle_data(self, data: str) -> None:
        if self.title_text is not None:
            self.title_text.append(data)
        if self.h1_text is not None:
            self.h1_text.append(data)
        if self.download is not None and not self.download_open:
            self.download[2].append(data)
        if self.templated and not self.literal_depth and "{" in data:
            self.check_template_syntax(data, "the text")

    def close(self) -> None:
        super().close()
        self.finish_download()
        if self.title_text is not None:  # <title> never closed
            self.report("the <title> is not closed", self.title_line, "<title", markup=True)
        if not self.html_seen:
            self.report("no <html> element with a lang attribute", 1)
        if not self.title_seen:
            self.report("the page has no <title>", 1)
        if not self.h1s:
            self.report("the page has no <h1>", 1)
        for line, text in self.h1s:
            if not text.strip():
                self.report("the <h1> is empty", line, "<h1", markup=True)
        if not self.banner:
            self.report("the official banner (section.usa-banner) is missing", 1)
        if not self.identifier:
            self.report("the identifier (.usa-identifier) is missing", 1)


_TITLE = re.compile(r"<title>([^<]*)</title>")
_H1 = re.compile(r"<h1\b[^>]*>([^<]*)</h1>")
_HTML_LANG = re.compile(r'<html\b[^>]*\slang="\s*[A-Za-z]')
_BANNER = re.compile(r'<section\s[^>]*\bclass="(?:[^"]*\s)?usa-banner[\s"]')
_IMG = re.compile(r"<img\b[^>]*>")
_ALT = re.compile(r'\salt(?:\s*=\s*(?:"[^"]*"|\'[^\']*\'|[^\s>]*))?(?=[\s/>])')
_ATTRIBUTE_VALUE = re.compile(r'"[^"]*"|\'[^\']*\'')
_ABSOLUTE_HREF = re.compile(r'href="(?:[hH][tT][tT][pP][sS]?:)?//([^/"?#]+)')  # a literal start: searched at C speed
# What the screen leaves to the parser, in three scans (each is a pass over the page, so they
# are few): template syntax; comments, CDATA, upper-case tags, <a> tags written oddly and markup
# inside script or style; hrefs that are not double-quoted or hold entities or spaces. A link
# to a file is judged by `_labelled`, which leaves to the parser what it cannot read. Attribute
# names are taken to be lower case: the sanitizer writes them so, and tests/test_guards.py checks
# that every template does.
_NEEDS_PARSER = [
    re.compile(pattern)
    for pattern in (
        r"\{[{%]",
        r"<(?:!--|!\[|/?[A-Z]|a/|a\s[^>]*<|script\b[^>]*>[^<]*<(?!/script>)|style\b[^>]*>[^<]*<(?!/style>))",
        r'href(?:\s*=\s*(?!")|="(?:[^"]*&|\s))',
    )
]
_LINK_TAG = re.compile(r"<a\s")
# A link to one of the site's files (what the parser takes for a download, and more), its link's
# end, and the simple tags the text after it may hold: double-quoted attributes without "<" or ">".
_FILE_HREF = re.compile(r'href="(?:[^"]*/files/|files/)')
_LINK_START_OR_END = re.compile(r"<a[\s>/]|</a[\s>]")
_SIMPLE_TAG = re.compile(r'<(/?)([a-z][a-z0-9]*)(?:\s+[a-z][a-z0-9-]*(?:="[^"<>]*")?)*\s*/?>')


def _tag_around(html: str, index: int) -> str:
    """The whole tag that holds position `index` (from its "<" to its ">"); "" when it is in text."""
    start = html.rfind("<", 0, index)
    if start < 0 or ">" in html[start:index] or not re.match(r"<[a-z]", html[start : start + 2]):
        return ""
    return html[start : html.find(">", index) + 1]


def _has_identifier(html: str) -> bool:
    """An element with the class usa-identifier (the parser's test), found from the literal."""
    at = html.find("usa-identifier")
    while at >= 0:
        if _has_class(_tag_around(html, at), "usa-identifier"):
            return True
        at = html.find("usa-identifier", at + 1)
    return False


def _has_class(tag: str, name: str) -> bool:
    """`tag` has exactly one class attribute, and `name` is one of its words (as the parser reads it)."""
    return tag.count("class=") == 1 and re.search(r'\sclass="(?:[^"]*\s)?' + name + r'[\s"]', tag) is not None


def _looks_fine(html: str) -> bool:
    """A fast screen (regular expressions, tens of microseconds) that clears almost every page.

    Only a page it cannot clear goes through the full parser, which costs about a millisecond:
    too much for every page of a 10,000-page build, fine for the few that need it. It is
    conservative by construction: whatever it is unsure of goes to the parser, and
    tests/test_guards.py checks with generated pages that it never clears one the parser flags.
    """
    if any(pattern.search(html) for pattern in _NEEDS_PARSER):
        return False
    title = _TITLE.match(html, max(0, html.find("<title")))  # the parser judges the first <title> only
    if not title or not unescape(title.group(1)).strip():
        return False
    h1s = _H1.findall(html)
    if not h1s or html.count("<h1") != len(h1s) or not all(unescape(text).strip() for text in h1s):
        return False
    if html.count("<html") != 1:
        return False
    banner = _BANNER.search(html)
    if not _HTML_LANG.search(html) or not banner or not _has_class(_tag_around(html, banner.start() + 1), "usa-banner"):
        return False
    if not _has_identifier(html):
        return False
    if any(not _ALT.search(_ATTRIBUTE_VALUE.sub('""', tag)) for tag in _IMG.findall(html)):
        return False
    if not all(_labelled(html, match.start()) for match in _FILE_HREF.finditer(html)):
        return False
    # External links are checked in <main> only (the header and footer are the templates').
    mains = html.count("<main")
    if mains > 1:
        return False
    start_main = html.find("<main") if mains else len(html)
    end_main = html.find("</main>", start_main)
    # From each absolute href back to its tag: a regex from every "<a" would try each attribute.
    for match in _ABSOLUTE_HREF.finditer(html, start_main, end_main if end_main >= 0 else len(html)):
        host = match.group(1)
        if "[" in host or "\\" in host:
            return False  # the parser decides what such a URL is
        start = html.rfind("<", 0, match.start())
        if not _LINK_TAG.match(html, start) or is_government_host(urlsplit(match.group(0)[6:]).hostname or ""):
            continue
        if not _has_class(html[start : html.find(">", match.end()) + 1], "usa-link--external"):
            return False
    return True


def _labelled(html: str, at: int) -> bool:
    """The file link whose href starts at `at` is followed by its type and size, as the parser reads it.

    The parser collects the text after the link's `</a>` up to the next tag of `_BLOCK_TAGS`
    (start or end) and looks for `_FILE_META` in its first `_FILE_META_WINDOW` characters. This
    reads the same text where the markup is plain (an `<a>` with one href and no link inside it,
    then text and simple tags), and gives up (False: the parser decides) on anything else.
    """
    start = html.rfind("<", 0, at)
    end = html.find(">", at)
    if start < 0 or end < 0 or not _LINK_TAG.match(html, start) or html.count("href=", start, end) != 1:
        return False
    close = _LINK_START_OR_END.search(html, end)
    if close is None or html.startswith("<a", close.start()) or html[close.start() : close.end()] != "</a>":
        return False  # a link inside the link, or an end tag the parser may read otherwise
    if "<script" in html[end : close.start()] or "<style" in html[end : close.start()]:
        return False
    text: list[str] = []
    kept = 0
    position = close.end()
    while kept < _FILE_META_WINDOW:
        tag_at = html.find("<", position)
        if tag_at < 0:
            return False  # the text runs to the end of the page
        piece = unescape(html[position:tag_at])
        text.append(piece)
        kept += len(piece)
        tag = _SIMPLE_TAG.match(html, tag_at)
        if tag is None or tag.group(2) in ("script", "style"):
            return False
        if tag.group(2) in _BLOCK_TAGS:
            break
        position = tag.end()
    return _FILE_META.search("".join(text)[:_FILE_META_WINDOW]) is not None


def page_problems(html: str) -> list[PageProblem]:
    """Problems of one rendered HTML page, in page order; [] when it is fine."""
    if _looks_fine(html):
        return []
    checker = _PageChecker(templated=any(marker in html for marker in TEMPLATE_SYNTAX))
    checker.feed(html)
    checker.close()
    return sorted(checker.problems, key=lambda problem: problem.line)


def check_page(relative_path: str, html: str) -> list[str]:
    """Problems of one rendered HTML page, as `path:line: message` strings; [] when it is fine."""
    return [f"{relative_path}:{p.line}: {p.message}" for p in page_problems(html)]


__all__ = ["PageProblem", "check_page", "page_problems"]
