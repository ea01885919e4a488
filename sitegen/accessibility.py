"""Accessibility of body text, at the file and line a contributor wrote it (WCAG 2.1 AA, Section 508).

Every body (publications, pages, component mission statements) is checked on the HTML that
Markdown made of it, because that is what a screen reader meets:

- `empty-link` (error, WCAG 2.4.4 and 4.1.2): a link with no words, `[](https://www.dhs.gov/)`
  or an image without a description inside `[...]`; a screen reader says only "link".
- `extra-h1` (error): a `# Heading` in a body. The page template already makes the title the one
  top-level heading, so any other one is a second.
- `heading-skip` (error, WCAG 1.3.1): a heading more than one level below the one before it
  (`##` then `####`); the first heading of a body should be `##`.
- `table-without-header` (error, WCAG 1.3.1): a table with no header cells, or only empty ones.
- `alt-is-filename` (error, WCAG 1.1.1): an image described by its file name (`![report.png](report.png)`).
- `vague-link-text` (warning, WCAG 2.4.4): "click here", "read more", "aquí": words that do not
  say where the link goes, which is all a reader hears when listing a page's links.

Lines: the HTML has no line numbers of the Markdown, so each finding is looked up in the body
text. Headings are matched by their words against the heading lines of the body (ATX `##`,
setext underlines, `<hN>`), counting repeats, so the second "## Overview" is reported at the
second; links and images by their text and address the same way. Fenced code is never matched.
"""

from __future__ import annotations

import html as html_lib
import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .diagnostics import Diagnostic, Severity
from .model import BodyLink
from .sanitize import as_written

IMAGE_FILE_RE = re.compile(r"\.(png|jpe?g|gif|webp|svg|bmp|tiff?)$", re.IGNORECASE)
# Link texts that do not say where the link goes (compared lower-case, without punctuation).
VAGUE_LINK_TEXTS = frozenset(
    {
        "click here",
        "click",
        "here",
        "read more",
        "more",
        "learn more",
        "link",
        "this link",
        "this",
        "click this link",
        "more info",
        "more information",
        "haga clic aquí",
        "haga clic aqui",
        "haz clic aquí",
        "haz clic aqui",
        "clic aquí",
        "clic aqui",
        "aquí",
        "aqui",
        "más",
        "leer más",
        "leer mas",
        "este enlace",
        "enlace",
    }
)
_PUNCTUATION = " \t\n.,:;!?¡¿…»«>→-–—()[]\"'"


@dataclass
class _Link:
    href: str
    text: list[str] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)  # (alt, src) of images inside the link

    @property
    def name(self) -> str:
        """What a screen reader announces: the words, and the descriptions of images."""
        return " ".join(" ".join(self.text + [alt for alt, _ in self.images]).split())


@dataclass
class _Table:
    header_cells: int = 0
    header_words: int = 0  # header cells that hold any text


class _Collector(HTMLParser):
    """Headings, links, images and tables of one body, in document order."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str]] = []
        self.links: list[_Link] = []
        self.images: list[tuple[str, str]] = []  # (alt, src)
        self.tables: list[_Table] = []
        self._heading: tuple[int, list[str]] | None = None
        self._link: _Link | None = None
        self._tables: list[_Table] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self._heading = (int(tag[1]), [])
        elif tag == "a" and "href" in values:
            self._link = _Link(values["href"])
            self.links.append(self._link)
        elif tag == "img":
            alt = values.get("alt", "")
            self.images.append((alt, values.get("src", "")))
            if self._link is not None:
                self._link.images.append((alt, values.get("src", "")))
            if self._heading is not None:
                self._heading[1].append(alt)
        elif tag == "table":
            table = _Table()
            self.tables.append(table)
            self._tables.append(table)
        elif tag == "th" and self._tables:
            self._tables[-1].header_cells += 1
            self._cell = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag != "img":
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._heading is not None and tag == f"h{self._heading[0]}":
            level, words = self._heading
            self.headings.append((level, " ".join("".join(words).split())))
            self._heading = None
        elif tag == "a":
            self._link = None
        elif tag == "th" and self._cell is not None:
            if "".join(self._cell).strip() and self._tables:
                self._tables[-1].header_words += 1
            self._cell = None
        elif tag == "table" and self._tables:
            self._tables.pop()

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading[1].append(data)
        if self._link is not None:
            self._link.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def feed_serialised(self, html: str) -> None:
        """The same callbacks as `feed` gives, for HTML in html5ever's serialisation only.

        That form (what nh3 writes; `sanitize.as_written` says when a body is in it) has no
        comments, scripts or styles, lower-case names, every attribute value double-quoted with
        `"` and `&` escaped, and `<` in text escaped; so a tag is exactly what `_SERIALISED_TAG`
        matches, and the text between tags is data. `html.parser` costs five times as much, for
        tolerance this form does not need. tests/test_accessibility_tokens.py compares the two.
        """
        position = 0
        for tag in _SERIALISED_TAG.finditer(html):
            if tag.start() > position:
                self.handle_data(html_lib.unescape(html[position : tag.start()]))
            position = tag.end()
            closing, name, attributes, self_closing = tag.groups()
            if closing:
                self.handle_endtag(name)
                continue
            attrs = [
                (a.group(1), None if a.group(2) is None else html_lib.unescape(a.group(2)))
                for a in _SERIALISED_ATTRIBUTE.finditer(attributes)
            ]
            if self_closing:
                self.handle_startendtag(name, attrs)
            else:
                self.handle_starttag(name, attrs)
        if position < len(html):
            self.handle_data(html_lib.unescape(html[position:]))


_SERIALISED_TAG = re.compile(r'<(/?)([a-z][a-z0-9]*)((?:\s[^\s="<>/]+(?:="[^"]*")?)*)\s*(/?)>')
_SERIALISED_ATTRIBUTE = re.compile(r'\s([^\s="<>/]+)(?:="([^"]*)")?')


# --- finding the line of a finding in the Markdown ------------------------------------------

_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]|$)")
_SETEXT_RE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_HTML_HEADING_RE = re.compile(r"<h([1-6])[\s>]", re.IGNORECASE)
_TABLE_DELIMITER_RE = re.compile(r"^ {0,3}\|?[ \t]*:?-+:?[ \t]*(\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_INLINE_LINK_RE = re.compile(r"!?\[([^\]]*)\](?:\([^)]*\)|\[[^\]]*\])?")
_TAG_RE = re.compile(r"<[^>]*>")
_ATTR_LIST_RE = re.compile(r"\{:?[^}]*\}\s*$")


def _plain(text: str) -> str:
    """Markdown or HTML source reduced to its words, lower-case, as the HTML's text would read."""
    text = _ATTR_LIST_RE.sub("", text)
    text = _INLINE_LINK_RE.sub(r"\1", text)
    text = _TAG_RE.sub(" ", text)
    text = html_lib.unescape(text).replace("\\", "")
    text = re.sub(r"[*_`~]", "", text)
    return " ".join(text.lower().split())


def _words(text: str) -> str:
    return " ".join(re.sub(r"[*_`~\\]", "", text).lower().split())


class _Source:
    """The body's lines, with the fenced code blocks blanked out and its heading lines indexed."""

    def __init__(self, body: str) -> None:
        raw = body.splitlines()
        fence = ""
        self.lines: list[str] = []
        for line in raw:
            match = _FENCE_RE.match(line)
            if fence:
                if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                    fence = ""
                self.lines.append("")
            elif match:
                fence = match.group(1)
                self.lines.append("")
            else:
                self.lines.append(line)
        self.lower = [line.lower() for line in self.lines]
        self.headings: list[tuple[int, int, str]] = []  # (line index, level, words)
        for index, line in enumerate(self.lines):
            atx = _ATX_RE.match(line)
            if atx:
                text = line[atx.end() :].rstrip()
                text = re.sub(r"[ \t]#+[ \t]*$", "", " " + text).strip() if text.endswith("#") else text
                self.headings.append((index, len(atx.group(1)), _plain(text)))
                continue
            following = self.lines[index + 1] if index + 1 < len(self.lines) else ""
            underline = _SETEXT_RE.match(following)
            if (
                underline
                and line.strip()
                and not _SETEXT_RE.match(line)
                and not line.startswith((" " * 4, "\t"))
                and not (underline.group(1)[0] == "-" and _TABLE_DELIMITER_RE.match(following) and "|" in line)
            ):
                self.headings.append((index, 1 if underline.group(1)[0] == "=" else 2, _plain(line)))
                continue
            for html_heading in _HTML_HEADING_RE.finditer(line):
                self.headings.append((index, int(html_heading.group(1)), _plain(line)))

    def heading(self, level: int, words: str, nth: int) -> int:
        """Line index of the `nth` (0-based) heading with these words; the best guess when none matches."""
        words = _words(words)
        for found in (
            [index for index, _, text in self.headings if text == words],
            [index for index, _, text in self.headings if words and words in text],
            [index for index, found, _ in self.headings if found == level],
        ):
            if found:
                return found[min(nth, len(found) - 1)]
        return self.find([(words, nth)])

    def find(self, needles: Iterable[tuple[str | tuple[str, ...], int]]) -> int:
        """Line index of the first needle that occurs at all, at its `nth` (0-based) occurrence or
        else its first (0 when none occurs). A tuple needle is a line holding all of its parts,
        as many times as the rarest part occurs in it."""
        for needle, nth in needles:
            parts = [part.lower() for part in ((needle,) if isinstance(needle, str) else needle)]
            if not all(parts):
                continue
            seen = 0
            found = -1
            for index, line in enumerate(self.lower):
                count = min(line.count(part) for part in parts)
                if not count:
                    continue
                if found < 0:
                    found = index
                if seen + count > nth:
                    return index
                seen += count
            if found >= 0:
                return found
        return 0

    def tables(self) -> list[int]:
        """Line index where each table starts: `<table` or a Markdown header row, in order."""
        starts = []
        for index, line in enumerate(self.lower):
            starts += [index] * line.count("<table")
            following = self.lines[index + 1] if index + 1 < len(self.lines) else ""
            if "|" in line and "-" in following and _TABLE_DELIMITER_RE.match(following):
                starts.append(index)
        return starts


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _vague(name: str) -> bool:
    return name.strip(_PUNCTUATION).lower() in VAGUE_LINK_TEXTS


def _file_name(alt: str, src: str) -> bool:
    """Whether an image's alternative text is its file name (`report.png`, `IMG_2041.jpg`, `IMG_2041`)."""
    alt = alt.strip().lower()
    if not alt:
        return False  # no alternative text at all is markup's image-without-alt
    base = _base(src).lower()
    stem = posixpath.splitext(base)[0]
    return alt == base or bool(IMAGE_FILE_RE.search(alt)) or (alt == stem and bool(re.search(r"[_\d]", alt)))


def _base(url: str) -> str:
    return posixpath.basename(url.split("?", 1)[0].split("#", 1)[0].rstrip("/"))


class _Counter:
    """The how-many-th of each key: the second "click here" is looked for on the second such line."""

    def __init__(self) -> None:
        self.seen: dict[object, int] = {}

    def __call__(self, key: object) -> int:
        nth = self.seen.get(key, 0)
        self.seen[key] = nth + 1
        return nth


def check_accessibility(
    html: str, body: str, source: str, first_line: int, links: Iterable[BodyLink] = ()
) -> list[Diagnostic]:
    """Diagnostics for what a screen reader cannot make sense of in one rendered body.

    `body` is the Markdown the HTML was made from and `first_line` the file line it starts on;
    `links` are the body's local links (their addresses in `html` are tokens, shown by target).
    """
    if "<a" not in html and "<h" not in html and "<table" not in html and "<img" not in html:
        return []  # most bodies are paragraphs and lists: nothing to parse
    collector = _Collector()
    if as_written(html):
        collector.feed_serialised(html)
    else:
        collector.feed(html)
        collector.close()
    check = _BodyCheck(body, source, first_line, {link.token: link.target.removeprefix("site:") for link in links})
    check.headings(collector.headings)
    check.links(collector.links)
    check.images(collector.images)
    check.tables(collector.tables)
    return check.diags


class _BodyCheck:
    """The diagnostics of one body, each placed at the line of the Markdown that made it."""

    def __init__(self, body: str, source: str, first_line: int, targets: dict[str, str]) -> None:
        self.body, self.source, self.first_line, self.targets = body, source, first_line, targets
        self._lines: _Source | None = None  # the Markdown's lines, indexed only if something is wrong
        self.diags: list[Diagnostic] = []

    @property
    def lines(self) -> _Source:
        if self._lines is None:
            self._lines = _Source(self.body)
        return self._lines

    def resolve(self, url: str) -> tuple[str, bool]:
        """The address as the contributor wrote it (near enough), and whether it was a local link."""
        token = re.match(r"sitegen-link-\d+-", url)
        if token is None:
            return url, False
        return self.targets.get(token.group(0), "") + url[token.end() :], True

    def find(self, *needles: tuple[str | tuple[str, ...], int]) -> int:
        return self.lines.find(needles)

    def add(self, index: int, code: str, message: str, hint: str, severity: Severity = "error") -> None:
        self.diags.append(Diagnostic(self.source, self.first_line + index, code, message, hint, severity))

    def headings(self, headings: list[tuple[int, str]]) -> None:
        """Headings: the page title is the h1, so the body's levels start below it."""
        previous = 1
        count = _Counter()
        for number, (level, words) in enumerate(headings):
            nth = count(words)
            shown = _short(words) or "(no words)"
            if level == 1:
                self.add(
                    self.lines.heading(level, words, nth),
                    "extra-h1",
                    f'"{shown}" is a top-level heading (# ...), but the page title is already the top-level heading, '
                    "so the page would have two",
                    f"make it a section heading with two # signs: ## {shown}",
                )
            elif level > previous + 1:
                if number == 0:
                    message = (
                        f'the first heading, "{shown}", is level {level} ({"#" * level}); the first heading of '
                        "the text must be level 2 (##), or screen reader users will think a section is missing"
                    )
                else:
                    message = (
                        f'the heading "{shown}" jumps from level {previous} to level {level} '
                        f"({'#' * previous} to {'#' * level}), so screen reader users will think a section is missing"
                    )
                self.add(
                    self.lines.heading(level, words, nth),
                    "heading-skip",
                    message,
                    f"use {'#' * (previous + 1)} {shown}, or add the missing level of heading above it",
                )
            previous = level

    def links(self, links: list[_Link]) -> None:
        """Links: every link needs words, and words that say where it goes."""
        by_key, by_name, empty = _Counter(), _Counter(), _Counter()
        for link in links:
            href, local = self.resolve(link.href)
            base = _base(href) or href
            written = "..." if local else _short(href, 40)  # a local address is shown resolved, not as written
            name = link.name
            nth_key, nth_name = by_key((name, link.href)), by_name(name)
            if not name:
                nth_empty = empty(None)
                if link.images:
                    _alt, src = link.images[0]
                    src, local_src = self.resolve(src)
                    message = f'the link to "{_short(href)}" is only an image without a description, so it has no name'
                    hint = (
                        "describe where the link goes inside the image's brackets: "
                        f"[![Where the link goes]({'...' if local_src else _short(src, 40)})]({written})"
                    )
                else:
                    message = (
                        f'the link to "{_short(href)}" has no text: nothing shows on the page to click, and '
                        'screen reader users hear only "link"'
                    )
                    hint = f"write what the link opens between the brackets: [Name of the page]({written})"
                exact = [] if local else [(f"[](<{href}>", nth_key), (f"[]({href}", nth_key), (f"]({href}", nth_key)]
                self.add(
                    self.find(
                        *exact,
                        (("[](", base), nth_key),
                        (("](", base), nth_key),
                        ("[](", nth_empty),
                        ("[![", nth_empty),
                        (base, nth_key),
                        ("<a ", nth_empty),
                    ),
                    "empty-link",
                    message,
                    hint,
                )
            elif _vague(name):
                exact = [] if local else [(f"[{name}]({href}", nth_key), (f"[{name}](<{href}>", nth_key)]
                self.add(
                    self.find(
                        *exact,
                        ((f"[{name}]", base), nth_key),
                        (f"[{name}]", nth_name),
                        (f">{name}</a", nth_name),
                        (name, nth_name),
                    ),
                    "vague-link-text",
                    f'the link text "{_short(name)}" does not say where the link goes; screen reader users often '
                    "list the links of a page and hear only these words",
                    f"use words that name what the link opens, e.g. [the 2023 annual report]({written})",
                    "warning",
                )

    def images(self, images: list[tuple[str, str]]) -> None:
        """Images: a file name is not a description."""
        by_key, by_alt = _Counter(), _Counter()
        for alt, src in images:
            nth_key, nth_alt = by_key((alt, src)), by_alt(alt)
            src, local = self.resolve(src)
            if _file_name(alt, src):
                self.add(
                    self.find(
                        ((f"![{alt}]", _base(src)), nth_key),
                        (f"![{alt}]", nth_alt),
                        (f'alt="{alt}"', nth_alt),
                        (alt, nth_alt),
                    ),
                    "alt-is-filename",
                    f'the image "{_short(src)}" is described only by its file name, "{_short(alt)}", which tells a '
                    "screen reader user nothing about what it shows",
                    "describe what the image shows between the brackets: ![Chart of the number of cases by year]"
                    f"({'...' if local else _short(src, 40)})",
                )

    def tables(self, tables: list[_Table]) -> None:
        """Tables: screen readers name each cell by its column header."""
        starts: list[int] | None = None
        for number, table in enumerate(tables):
            if table.header_words:
                continue
            if starts is None:
                starts = self.lines.tables()
            index = starts[number] if number < len(starts) else (starts[-1] if starts else 0)
            message = (
                "this table has no header row, so screen readers cannot say what each column holds"
                if not table.header_cells
                else "this table's header row is empty, so screen readers cannot say what each column holds"
            )
            self.add(
                index,
                "table-without-header",
                message,
                "put the column names in the first row with a row of dashes under it (| Name | Date | then "
                "|---|---|), or use <th> for the header cells of an HTML table",
            )
