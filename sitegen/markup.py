"""Markdown bodies -> HTML, with relative links recorded for the site graph to resolve.

Python-Markdown is configured once per process (`Markup`) and `reset()` between documents:
building the parser is a large share of the cost of a small document. A link to another file
under content/ (`../2019/other.md`, `../../files/report.pdf`) or to a site path (`/about/`) is
replaced by a token; the site graph, which knows every URL, swaps the tokens for real links at
render time. That keeps the HTML of a body a pure function of its file, so it can be cached.
"""

from __future__ import annotations

import bisect
import difflib
import html as html_lib
import posixpath
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

import markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.toc import (
    TocExtension,
    TocTreeprocessor,
    remove_fnrefs,
    render_inner_html,
    run_postprocessors,
    strip_tags,
    unique,
)
from markdown.inlinepatterns import Pattern
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import InlineProcessor, Treeprocessor
from markdown.util import Registry

from .diagnostics import Diagnostic
from .model import BodyLink

EXTENSIONS = ["tables", "footnotes", "attr_list", "fenced_code", "sane_lists", "toc"]
EXTENSION_CONFIGS: dict[str, dict[str, bool | str]] = {
    "toc": {"permalink": False},
    "footnotes": {"BACKLINK_TITLE": "Back to reference %d"},
}

TOKEN_PREFIX = "sitegen-link-"  # noqa: S105 - a placeholder prefix, not a password
TOKEN_RE = re.compile(re.escape(TOKEN_PREFIX) + r"(\d+)-")
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_WEB_RE = re.compile(r"^https?://", re.IGNORECASE)  # absolute links that may lead to this very site
_ESCAPED_RE = re.compile("\x02([0-9]+)\x03")  # Python-Markdown's placeholder for a backslash-escaped character
# The ids every page template renders around a body (templates/base.html and the partials it
# always includes: banner.html, header.html). A body may link to them on its own page or another
# (`#main-content`). Ids only some pages have (attachments-heading, browse-*, component-*) are not
# promised. The one list of them: tests/test_link_checks.py checks each is on every kind of page.
PAGE_IDS = frozenset(
    {"main-content", "site-search", "gov-banner-default", "banner-lock-title", "banner-lock-description"}
)
# What str.splitlines() breaks lines at: the loader numbers the lines of a file that way.
_BREAK_RE = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_GENERATED = frozenset({"footnote-ref", "footnote-backref"})  # classes of the links the footnotes extension writes


@dataclass
class _Links:
    """What the tree processor found in one document."""

    # Each a/img element the author wrote, in document order: the URL as written, to find its line.
    written: list[str] = field(default_factory=list)
    # (element, token, target, fragment): local links, and absolute web links with an empty token.
    found: list[tuple[int, str, str, str]] = field(default_factory=list)
    same_page: list[tuple[int, str]] = field(default_factory=list)  # (element, fragment) of links to #fragment
    images_without_alt: list[tuple[int, str]] = field(default_factory=list)  # (element, src)
    outside: list[tuple[int, str]] = field(default_factory=list)  # (element, url)


class _LinkProcessor(Treeprocessor):
    def __init__(self, md: markdown.Markdown, links: list[_Links], where: list[str]):
        super().__init__(md)
        self.links = links
        self.where = where  # [directory of the document, relative to content/]

    def run(self, root: etree.Element) -> None:
        found = self.links[0]
        # Two filtered walks (done in C) instead of one Python-level look at every element; the
        # order of the document only when a link and an image share a URL (a linked thumbnail),
        # as each use of a URL is looked for after the one before (see _Lines).
        elements = [*root.iter("a")]
        images = [*root.iter("img")]
        if elements and images and {e.get("href") for e in elements} & {e.get("src") for e in images}:
            elements = [e for e in root.iter() if e.tag == "a" or e.tag == "img"]
        else:
            elements += images
        for element in elements:
            attribute = "href" if element.tag == "a" else "src"
            url = element.get(attribute) or ""
            if attribute == "href" and url.startswith("#") and element.get("class") in _GENERATED:
                continue  # footnote links the footnotes extension wrote itself
            index = len(found.written)
            written = _ESCAPED_RE.sub(lambda m: "\\" + chr(int(m.group(1))), url) if "\x02" in url else url
            found.written.append(written)
            if attribute == "src" and not (element.get("alt") or "").strip():
                found.images_without_alt.append((index, url))
            if not url:
                continue
            if url.startswith("#"):
                if attribute == "href" and len(url) > 1:
                    found.same_page.append((index, url[1:]))
                continue
            if "\x02" in url:  # backslash escapes; an autolink's entity-encoded mailto: keeps a placeholder
                url = _ESCAPED_RE.sub(lambda m: chr(int(m.group(1))), url)
            if _WEB_RE.match(url):  # recorded, not replaced: the site graph knows whether it is the site's own
                address, _, fragment = url.partition("#")
                found.found.append((index, "", address, fragment))
                continue
            target = self._target(url)
            if target is None:
                continue
            if target.startswith("!"):
                found.outside.append((index, url))
                continue
            path, _, fragment = target.partition("#")
            token = f"{TOKEN_PREFIX}{index}-"
            found.found.append((index, token, path, fragment))
            element.set(attribute, token + (f"#{fragment}" if fragment else ""))

    def _target(self, url: str) -> str | None:
        """Content-relative target of a local link, None for external ones, '!' + url when it escapes."""
        # "\x02...\x03" is Python-Markdown's placeholder for an autolink's entity-encoded mailto: href.
        if url.startswith(("#", "//")) or _SCHEME_RE.match(url) or "\x02" in url:
            return None
        parts = urlsplit(url)
        path = unquote(parts.path)
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        if path.startswith("/"):
            return f"site:{path}{fragment}"
        joined = posixpath.normpath(posixpath.join(self.where[0], path))
        if joined.startswith("..") or joined.startswith("/"):
            return "!" + url
        return joined + fragment


class _LinkExtension(Extension):
    def __init__(self, links: list[_Links], where: list[str]):
        super().__init__()
        self.links = links
        self.where = where

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After inline processing (priority 20), so links and images exist as elements.
        md.treeprocessors.register(_LinkProcessor(md, self.links, self.where), "sitegen_links", 5)


@dataclass
class Rendered:
    html: str
    links: tuple[BodyLink, ...]
    fragments: tuple[str, ...]
    diagnostics: list[Diagnostic]


_T = TypeVar("_T")
_ID_RE = re.compile(r'\sid="([^"]+)"')


# Inline patterns by name -> text one of which a document must contain for the pattern to match
# anywhere in it (from Python-Markdown's regular expressions; "  ", tabs and carriage returns
# for line breaks, as whitespace is normalised before inline parsing). Patterns not named here
# are always kept. Like every trigger here, looked for in the text as Python-Markdown's first
# preprocessor leaves it (see _probe).
INLINE_TRIGGERS = {
    "backtick": ("`",),
    "escape": ("\\",),
    "reference": ("[",),
    "link": ("[",),
    "image_link": ("![",),
    "image_reference": ("![",),
    "short_reference": ("[",),
    "short_image_ref": ("![",),
    "autolink": ("<",),
    "automail": ("<",),
    "linebreak": ("  ", "\t", "\r"),
    "html": ("<",),
    "entity": ("&",),
    "em_strong": ("*", "_"),
    "em_strong2": ("_",),
    "not_strong": ("*", "_"),
    "footnote": ("[^",),
}

# Pre-, block and tree processors a document is converted without when it contains none of their
# triggers: (registry, name) -> (the class whose source the reasoning below was read from, the
# triggers). Markup refuses to start when a name holds another class (a new Python-Markdown: read
# its source again). Each is a processor that cannot change anything in such a document:
#
# - fenced_code_block: its one regular expression opens a fence with ~{3,} or `{3,}; without a
#   match run() returns "\n".join(lines).split("\n"), the same lines.
# - html_block: HTMLExtractor (an html.parser) hands text to handle_data() up to the next "<" or
#   "&" (html.parser's `interesting` characters); with neither, one handle_data() call appends the
#   whole source to cleandoc, and run() returns the same lines. Nothing is stashed.
# - table: TableProcessor.test() needs two cells in the header row (split at "|") or, for one
#   column, a border ("|" at either end); its attributes are only read by run() after a True test.
# - footnote (block): test() is always True, run() searches `^[ ]{0,3}\[\^...\]:` and, without
#   a match, puts the block back and returns False (the parser moves on).
# - reference: likewise, with `\[...\]:`.
# - quote: test() searches `(^|\n)[ ]{0,3}>`. "<" too: the html_block preprocessor writes a
#   "</tag>" of its own where an end tag it saw has no ">".
# - code, indent: test() needs a block that starts with four spaces (tab_length); blocks are made of
#   line suffixes of the text joined by newlines, and spaces only come from the text or its tabs.
# - footnote, footnote-duplicate (tree): without "[^" no footnote is defined or referenced
#   (the block processor and the inline pattern both need it), so makeFootnotesDiv() returns None;
#   the duplicate pass only edits a <div class="footnote">, and until then only the footnotes
#   extension makes divs.
# - attr_list: every one of its regular expressions needs "{", and the text of elements comes
#   from the document (entities and escapes are placeholders until later).
# - unescape: turns STX-digits-ETX back into the character, which only the escape and backtick
#   inline processors write, for a backslash; STX cannot be in the text (see _probe).
#
# The postprocessors are kept: raw_html already returns at once when nothing was stashed, and
# footnote and amp_substitute are each a str.replace of a placeholder holding STX, a scan
# of the output as cheap as looking for it first.
# The postprocessors, in order, that _HeadingIds._name() may leave out for a plain heading (with
# any others it runs them).
POSTPROCESSORS_READ = (
    "markdown.postprocessors.RawHtmlPostprocessor",
    "markdown.extensions.footnotes.FootnotePostprocessor",
    "markdown.postprocessors.AndSubstitutePostprocessor",
)
PROCESSOR_TRIGGERS: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {
    ("pre", "fenced_code_block"): ("markdown.extensions.fenced_code.FencedBlockPreprocessor", ("```", "~~~")),
    ("pre", "html_block"): ("markdown.preprocessors.HtmlBlockPreprocessor", ("<", "&")),
    ("block", "table"): ("markdown.extensions.tables.TableProcessor", ("|",)),
    ("block", "footnote"): ("markdown.extensions.footnotes.FootnoteBlockProcessor", ("[^",)),
    ("block", "reference"): ("markdown.blockprocessors.ReferenceProcessor", ("]:",)),
    ("block", "quote"): ("markdown.blockprocessors.BlockQuoteProcessor", (">", "<")),
    ("block", "code"): ("markdown.blockprocessors.CodeBlockProcessor", ("    ", "\t")),
    ("block", "indent"): ("markdown.blockprocessors.ListIndentProcessor", ("    ", "\t")),
    ("tree", "footnote"): ("markdown.extensions.footnotes.FootnoteTreeprocessor", ("[^",)),
    ("tree", "footnote-duplicate"): ("markdown.extensions.footnotes.FootnotePostTreeprocessor", ("[^",)),
    ("tree", "attr_list"): ("markdown.extensions.attr_list.AttrListTreeprocessor", ("{",)),
    ("tree", "unescape"): ("markdown.treeprocessors.UnescapeTreeprocessor", ("\\",)),
}
# Everything skippable: (registry, name) -> triggers, registry "inline" for the inline patterns.
TRIGGERS = {
    **{("inline", name): needles for name, needles in INLINE_TRIGGERS.items()},
    **{key: needles for key, (_, needles) in PROCESSOR_TRIGGERS.items()},
}
_NEEDLES = frozenset(needle for needles in TRIGGERS.values() for needle in needles)


def _probe(text: str) -> str:
    """The text triggers are looked for in: Python-Markdown's first preprocessor deletes STX and ETX
    (its placeholder characters), so `[\x02^1]` is a footnote reference and `T\x02OC` spells TOC."""
    return text.replace("\x02", "").replace("\x03", "") if "\x02" in text or "\x03" in text else text


class _HeadingIds(TocTreeprocessor):
    """The toc extension's tree processor, giving headings the same ids without the table of contents.

    Stock `run()` also renders every heading to HTML and back to text for the TOC's labels, and
    builds, prettifies and serialises a TOC `<div>` that is only placed where a [TOC] marker is
    written (sitegen reads neither `md.toc` nor `md.toc_tokens`). Where `stock` is set (a document
    that may spell the marker, or one converted unpruned), stock's run() does it all.
    """

    stock = True
    plain_postprocessors = False  # whether md.postprocessors are POSTPROCESSORS_READ (Markup checks)

    def run(self, doc: etree.Element) -> None:
        if self.stock or self.use_anchors or self.use_permalinks not in (False, None):
            super().run(doc)
            return
        used_ids = set()
        headings = []
        for el in doc.iter():  # stock's two walks in one: nothing below adds or moves elements
            if "id" in el.attrib:
                used_ids.add(el.attrib["id"])
            if isinstance(el.tag, str) and self.header_rgx.match(el.tag):
                headings.append(el)
        counters: dict[str, int] = {}
        for el in headings:
            self.set_level(el)
            if "id" not in el.attrib:  # stock does not override an id (attr_list's `{: #id }`)
                el.attrib["id"] = unique(self.slugify(html_lib.unescape(self._name(el)), self.sep), used_ids, counters)
            el.attrib.pop("data-toc-label", None)  # stock reads it for the TOC, then deletes it

    def _name(self, el: etree.Element) -> str:
        """`strip_tags(render_inner_html(remove_fnrefs(el), md))`, as stock names a heading.

        A heading of plain text (no children, no attributes, no character the serialiser escapes,
        no STX placeholder for unescape to turn into a "<" or ">" that would move where
        render_inner_html cuts the tags off) serialises as `<hN>text</hN>` and a tail without
        "<": its inner HTML is its text, without the serialiser and the unescape pass.
        """
        text = el.text or ""
        if len(el) or el.attrib or "\x02" in (el.tail or "") or any(c in text for c in "&<>\x02"):
            return strip_tags(render_inner_html(remove_fnrefs(el), self.md))
        if not self.plain_postprocessors:
            return strip_tags(run_postprocessors(text.strip(), self.md))
        # Each of the postprocessors read replaces a placeholder that starts with STX, and the text
        # has none; strip_tags() removes what its regular expressions find from a "<" on (the text
        # has none), then collapses white space, which is all that is left to do.
        return " ".join(text.split())


class _HeadingIdExtension(TocExtension):
    """The toc extension with _HeadingIds as its tree processor (TocExtension's own hook for that)."""

    TreeProcessorClass = _HeadingIds


@dataclass(frozen=True)
class _Pipeline:
    """The registries one document is converted with."""

    preprocessors: Registry[Preprocessor]
    blockprocessors: Registry[BlockProcessor]
    treeprocessors: Registry[Treeprocessor]
    inline: Registry[Pattern]
    # The two registries Python-Markdown reads in its inner loops, as tuples: BlockParser iterates
    # its block processors for every block and InlineProcessor indexes its patterns for every run
    # of text, and a Registry re-checks its sort and copies itself (or looks a name up) each time.
    blocks: tuple[BlockProcessor, ...] = field(init=False)
    patterns: tuple[Pattern, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "blocks", tuple(self.blockprocessors))
        object.__setattr__(self, "patterns", tuple(self.inline))

    def without(self, absent: frozenset[tuple[str, str]]) -> _Pipeline:
        """A copy without the named processors. A sliced copy keeps every name and priority in
        order; building one by iterating the live registry while indexing re-sorted it skipped
        patterns (footnotes vanished from the first document of each process)."""
        return _Pipeline(
            _without(self.preprocessors, "pre", absent),
            _without(self.blockprocessors, "block", absent),
            _without(self.treeprocessors, "tree", absent),
            _without(self.inline, "inline", absent),
        )


def _class_name(processor: object) -> str:
    return f"{type(processor).__module__}.{type(processor).__qualname__}"


def _without(registry: Registry[_T], kind: str, absent: frozenset[tuple[str, str]]) -> Registry[_T]:
    copy = registry[:]
    for which, name in absent:
        if which == kind:
            copy.deregister(name, strict=False)
    return copy


class Markup:
    """One configured Markdown converter; create one per process and reuse it."""

    def __init__(self) -> None:
        self._links = [_Links()]
        self._where = [""]
        toc_config = EXTENSION_CONFIGS["toc"]
        self._md = md = markdown.Markdown(
            extensions=[
                *(_HeadingIdExtension(**toc_config) if name == "toc" else name for name in EXTENSIONS),
                _LinkExtension(self._links, self._where),
            ],
            extension_configs={name: config for name, config in EXTENSION_CONFIGS.items() if name != "toc"},
            output_format="html",
        )
        inline, toc = md.treeprocessors["inline"], md.treeprocessors["toc"]
        if not isinstance(inline, InlineProcessor) or not isinstance(toc, _HeadingIds):
            raise TypeError("Python-Markdown's inline or toc tree processor is not the one Markup adjusts")
        self._full = _Pipeline(md.preprocessors, md.parser.blockprocessors, md.treeprocessors, md.inlinePatterns)
        registries: dict[str, Registry[Any]] = {
            "pre": md.preprocessors,
            "block": md.parser.blockprocessors,
            "tree": md.treeprocessors,
        }
        for (registry, name), (expected, _) in PROCESSOR_TRIGGERS.items():
            found = _class_name(registries[registry][name])
            if found != expected:
                raise TypeError(f"Python-Markdown's {name} processor is {found}, not the {expected} Markup skips")
        self._inline, self._toc = inline, toc
        toc.plain_postprocessors = tuple(_class_name(pp) for pp in md.postprocessors) == POSTPROCESSORS_READ
        # The [TOC] search is skipped where the marker's letters are not in the text.
        self._marker_letters = toc.marker.strip("[]") if toc.marker == "[TOC]" else ""
        self._pipelines: dict[frozenset[str], _Pipeline] = {}  # by the triggers a document has

    def _pipeline_for(self, probe: str) -> _Pipeline:
        """The registries for a document: without each processor or inline pattern whose every
        trigger is missing from `probe`, in Python-Markdown's order.

        Python-Markdown tries every inline pattern on every run of text and every block processor
        on every block; most documents cannot match half of them (no backticks, no '<', no '&'),
        and skipping those takes a quarter off the conversion with byte-identical output
        (tests/test_markup_fast.py compares every body of the corpora with stock Python-Markdown).
        """
        present = frozenset(needle for needle in _NEEDLES if needle in probe)
        pipeline = self._pipelines.get(present)
        if pipeline is None:
            absent = frozenset(key for key, needles in TRIGGERS.items() if present.isdisjoint(needles))
            pipeline = self._pipelines[present] = self._full.without(absent)
        return pipeline

    def _patterns_for(self, text: str) -> Registry[Pattern]:
        """The inline patterns that could match somewhere in `text`, in Python-Markdown's order."""
        return self._pipeline_for(_probe(text)).inline

    def render(self, text: str, source: str, content_dir: str, first_line: int, prune: bool = True) -> Rendered:
        """Convert one body. `content_dir` is the document's folder relative to content/."""
        md = self._md
        md.reset()
        probe = _probe(text)
        pipeline = self._pipeline_for(probe) if prune else self._full
        md.preprocessors = pipeline.preprocessors
        md.treeprocessors = pipeline.treeprocessors
        md.inlinePatterns = pipeline.inline
        if prune:
            md.parser.blockprocessors = pipeline.blocks  # type: ignore[assignment]
            # types-Markdown declares this registry as holding tree processors; it holds inline Patterns.
            self._inline.inlinePatterns = pipeline.patterns  # type: ignore[assignment]
        else:
            md.parser.blockprocessors = pipeline.blockprocessors
            self._inline.inlinePatterns = pipeline.inline  # type: ignore[assignment]
        # Stock's toc run where a [TOC] marker may be written (it only matches the text of an
        # element that is exactly the marker), or when converting unpruned.
        self._toc.stock = not prune or not self._marker_letters or self._marker_letters in probe
        self._links[0] = found = _Links()
        self._where[0] = content_dir
        html = self._md.convert(text)
        fragments = tuple(html_lib.unescape(i) if "&" in i else i for i in _ID_RE.findall(html))
        broken = [(index, fragment) for index, fragment in found.same_page if not has_id(fragment, fragments)]
        if not (found.found or found.outside or found.images_without_alt or broken):
            return Rendered(html, (), fragments, [])
        # The line of each element that needs one, in document order (see _Lines).
        needed = sorted(
            {item[0] for group in (found.found, found.outside, found.images_without_alt, broken) for item in group}
        )
        finder = _Lines(text)
        line = {index: first_line + finder(found.written[index]) for index in needed}
        links = tuple(BodyLink(token, target, line[index], fragment) for index, token, target, fragment in found.found)
        diags = []
        for index, url in found.outside:
            diags.append(
                Diagnostic(
                    source,
                    line[index],
                    "link-outside-content",
                    f'link "{url}" points outside content/',
                    "link to a publication or a file inside content/",
                )
            )
        for index, src in found.images_without_alt:
            diags.append(
                Diagnostic(
                    source,
                    line[index],
                    "image-without-alt",
                    f'image "{src}" has no alternative text',
                    "describe the image between the brackets: ![what it shows](file.png)",
                )
            )
        for index, fragment in broken:
            diags.append(
                Diagnostic(
                    source,
                    line[index],
                    "broken-link",
                    f'link to "#{fragment}", which is not a heading or id of this page',
                    ids_hint(fragment, fragments, "on this page", "this page"),
                )
            )
        return Rendered(html, links, fragments, diags)


def has_id(fragment: str, ids: tuple[str, ...]) -> bool:
    """Whether `#fragment` (as written, maybe percent-encoded) leads to one of `ids` or of every page's."""
    if fragment in ids or fragment in PAGE_IDS:
        return True
    decoded = unquote(fragment)
    return decoded != fragment and (decoded in ids or decoded in PAGE_IDS)


def ids_hint(fragment: str, ids: tuple[str, ...], where: str, what: str) -> str:
    """'did you mean "#scope"? ids on this page: intro, scope, ...', for a link to a missing id."""
    shown = [i for i in dict.fromkeys(ids) if not i.startswith("fnref:")]  # footnote back-references: noise
    if not shown:
        return f'{what} has no headings or ids to link to; link to the page itself, without "#{fragment}"'
    close = difflib.get_close_matches(unquote(fragment), shown, n=1, cutoff=0.6)
    listed = ", ".join(shown[:8]) + (", ..." if len(shown) > 8 else "")
    return (f'did you mean "#{close[0]}"? ' if close else "") + f"ids {where}: {listed}"


class _Lines:
    """The 0-based line of each URL in a body, as written by the author.

    Each use of a URL is looked for after the previous use of the same one, so the same address
    written on lines 3 and 9 is reported at 3, then 9; a URL found no more (a reference-style
    link's definition, used twice) keeps the line it was last found on. Occurrences where the URL
    stands as a link's address (after `(`, `<` or `]:`, before `)`, `>`, a space or a title) are
    preferred to the same characters in running text. Each lookup is one `str.find` from where the
    last one stopped, and line numbers come from one table of line starts, built on first use.
    """

    def __init__(self, text: str):
        self.text = text
        self.starts: list[int] | None = None
        self.next: dict[str, int] = {}  # URL -> where to look for its next use
        self.last: dict[str, int] = {}  # URL -> the line it was last found on

    def __call__(self, url: str) -> int:
        needle = url or "]()"  # an empty address: `![]()`
        at, loose = self._find(needle, self.next.get(needle, 0))
        if at >= 0:
            end = at + len(needle)
        elif needle in self.last:
            return self.last[needle]
        elif loose >= 0:  # only in running text (a link Python-Markdown made of something else)
            at, end = loose, loose + len(needle)
        else:
            at, end = self._loose(needle)
            if at < 0:
                return 0
        if self.starts is None:
            self.starts = [0, *(m.end() for m in _BREAK_RE.finditer(self.text))]
        self.next[needle] = end
        line = self.last[needle] = bisect.bisect_right(self.starts, at) - 1
        return line

    def _find(self, needle: str, start: int) -> tuple[int, int]:
        """(first use of `needle` from `start` as a link's address, first use at all); -1 for none."""
        text = self.text
        first = at = text.find(needle, start)
        while at >= 0:
            before = at - 1
            while before >= 0 and text[before] in " \t\r\n":  # `[x](\n  url)`, `[r]:  url`
                before -= 1
            after = at + len(needle)
            if (
                before >= 0
                and (text[before] in "(<" or (before and text[before - 1 : before + 1] == "]:"))
                and (after == len(text) or text[after] in ")> \t\r\n\"'")
            ):
                return at, first
            at = text.find(needle, at + 1)
        return -1, first

    def _loose(self, needle: str) -> tuple[int, int]:
        """The URL with its spaces standing for any white space (Python-Markdown turns tabs into spaces)."""
        if " " not in needle:
            return -1, -1
        pattern = "\\s+".join(re.escape(part) for part in needle.split())
        match = re.compile(pattern).search(self.text)
        return (match.start(), match.end()) if match else (-1, -1)
