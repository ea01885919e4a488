"""Markdown bodies -> HTML, with relative links recorded for the site graph to resolve.

Python-Markdown is configured once per process (`Markup`) and `reset()` between documents:
building the parser is a large share of the cost of a small document. A link to another file
under content/ (`../2019/other.md`, `../../files/report.pdf`) or to a site path (`/about/`) is
replaced by a token; the site graph, which knows every URL, swaps the tokens for real links at
render time. That keeps the HTML of a body a pure function of its file, so it can be cached.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markdown.util import Registry

from .diagnostics import Diagnostic
from .model import BodyLink

EXTENSIONS = ["tables", "footnotes", "attr_list", "fenced_code", "sane_lists", "toc"]
EXTENSION_CONFIGS = {"toc": {"permalink": False}, "footnotes": {"BACKLINK_TITLE": "Back to reference %d"}}
# Part of every cache key: a change here must invalidate cached bodies.
MARKUP_SIGNATURE = f"markdown {markdown.__version__} {EXTENSIONS} {sorted(EXTENSION_CONFIGS.items())!r} v2"

TOKEN_PREFIX = "sitegen-link-"
TOKEN_RE = re.compile(re.escape(TOKEN_PREFIX) + r"(\d+)-")
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


@dataclass
class _Links:
    """What the tree processor found in one document."""

    found: list[tuple[str, str]] = field(default_factory=list)  # (token, target)
    images_without_alt: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)


class _LinkProcessor(Treeprocessor):
    def __init__(self, md: markdown.Markdown, links: list[_Links], where: list[str]):
        super().__init__(md)
        self.links = links
        self.where = where  # [directory of the document, relative to content/]

    def run(self, root: etree.Element) -> None:
        found = self.links[0]
        # Two filtered walks (done in C) instead of one Python-level look at every element.
        for element in [*root.iter("a"), *root.iter("img")]:
            attribute = "href" if element.tag == "a" else "src"
            if element.tag == "img" and not (element.get("alt") or "").strip():
                found.images_without_alt.append(element.get("src", ""))
            url = element.get(attribute)
            if not url:
                continue
            target = self._target(url)
            if target is None:
                continue
            if target.startswith("!"):
                found.outside.append(url)
                continue
            path, _, fragment = target.partition("#")
            token = f"{TOKEN_PREFIX}{len(found.found)}-"
            found.found.append((token, path))
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


_ID_RE = re.compile(r'\sid="([^"]+)"')


# Inline patterns by name -> text one of which a document must contain for the pattern to match
# anywhere in it (from Python-Markdown's regular expressions; "  ", tabs and carriage returns
# for line breaks, as whitespace is normalised before inline parsing). Patterns not named here
# are always kept.
INLINE_TRIGGERS = {
    "backtick": ("`",), "escape": ("\\",), "reference": ("[",), "link": ("[",), "image_link": ("![",),
    "image_reference": ("![",), "short_reference": ("[",), "short_image_ref": ("![",), "autolink": ("<",),
    "automail": ("<",), "linebreak": ("  ", "\t", "\r"), "html": ("<",), "entity": ("&",),
    "em_strong": ("*", "_"), "em_strong2": ("_",), "not_strong": ("*", "_"), "footnote": ("[^",),
}


class Markup:
    """One configured Markdown converter; create one per process and reuse it."""

    def __init__(self) -> None:
        self._links = [_Links()]
        self._where = [""]
        self._md = markdown.Markdown(
            extensions=[*EXTENSIONS, _LinkExtension(self._links, self._where)],
            extension_configs=EXTENSION_CONFIGS,
            output_format="html",
        )
        self._all_patterns = self._md.inlinePatterns
        self._inline = self._md.treeprocessors["inline"]
        self._toc = self._md.treeprocessors["toc"]
        self._toc_marker = self._toc.marker
        self._pattern_sets: dict[frozenset[str], Registry] = {}

    def _patterns_for(self, text: str) -> Registry:
        """The inline patterns that could match somewhere in `text`, in Python-Markdown's order.

        Python-Markdown tries every inline pattern on every run of text; most documents cannot
        match half of them (no backticks, no '<', no '&'), and skipping those takes a quarter off
        the conversion with byte-identical output (tests/test_markup.py compares the two).
        """
        absent = frozenset(name for name, needles in INLINE_TRIGGERS.items()
                           if not any(needle in text for needle in needles))
        patterns = self._pattern_sets.get(absent)
        if patterns is None:
            patterns = Registry()
            # A copy of the registry's order, taken after indexing has sorted it: `registry[name]`
            # sorts `_priority` in place, and iterating the live list while it is re-sorted skipped
            # patterns (footnotes vanished from the first document of each process).
            # tests/test_markup.py fails if this private list changes shape.
            self._all_patterns[0]  # noqa: B018 - indexing sorts the registry
            for item in list(self._all_patterns._priority):  # noqa: SLF001
                if item.name not in absent:
                    patterns.register(self._all_patterns[item.name], item.name, item.priority)
            self._pattern_sets[absent] = patterns
        return patterns

    def render(self, text: str, source: str, content_dir: str, first_line: int, prune: bool = True) -> Rendered:
        """Convert one body. `content_dir` is the document's folder relative to content/."""
        self._md.reset()
        patterns = self._patterns_for(text) if prune else self._all_patterns
        self._md.inlinePatterns = self._inline.inlinePatterns = patterns
        # Looking for the [TOC] marker visits every element; only a document that spells it can hold it.
        self._toc.marker = self._toc_marker if not prune or "TOC" in text else ""
        self._links[0] = found = _Links()
        self._where[0] = content_dir
        html = self._md.convert(text)
        lines = text.splitlines()
        diags = []
        links = []
        for token, target in found.found:
            needle = target.rsplit("/", 1)[-1].removeprefix("site:") or target
            links.append(BodyLink(token, target, first_line + _line_containing(lines, needle)))
        for url in found.outside:
            diags.append(Diagnostic(source, first_line + _line_containing(lines, url), "link-outside-content",
                                    f'link "{url}" points outside content/',
                                    "link to a publication or a file inside content/"))
        for src in found.images_without_alt:
            diags.append(Diagnostic(source, first_line + _line_containing(lines, src), "image-without-alt",
                                    f'image "{src}" has no alternative text',
                                    "describe the image between the brackets: ![what it shows](file.png)"))
        fragments = tuple(_ID_RE.findall(html))
        return Rendered(html, tuple(links), fragments, diags)


def _line_containing(lines: list[str], needle: str) -> int:
    """0-based index of the first line that contains `needle` (0 when none does)."""
    for index, line in enumerate(lines):
        if needle and needle in line:
            return index
    return 0
