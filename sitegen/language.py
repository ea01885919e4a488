"""The page-language check: English text from the templates on a page in another language.

A page in Spanish must carry every word of its interface in Spanish (issue 15): a template
sentence left in English ("Return to top", "Showing 1-20 of 54") is a warning, found on the
rendered page. The English blocks are the literal text runs of the templates and the English
interface strings (`strings.py`); text inside an element whose `lang` says it is English (a
name site.yaml does not translate) is what it claims to be and is not reported. Pure functions
of the page text and the templates' sources; no I/O of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

from .strings import STRINGS

_JINJA = re.compile(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", re.S)
_TAG = re.compile(r"<[^>]*>", re.S)
_PLACEHOLDER = re.compile(r"\{[a-z_]*\}")
_WORDS = re.compile(r"[A-Za-z][A-Za-z'’]+")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
)
_SKIP = frozenset({"script", "style", "code", "pre", "samp", "kbd"})


@dataclass(frozen=True)
class EnglishBlock:
    text: str  # as it appears on a page, whitespace collapsed
    template: str  # the template it comes from ("" for an interface string)
    line: int


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _is_sentence(text: str) -> bool:
    """Worth reporting: two words or more (single words are too often names, codes or numbers)."""
    return len(_WORDS.findall(text)) >= 2


def english_blocks(templates: Iterable[tuple[str, str]]) -> tuple[EnglishBlock, ...]:
    """The literal English text of the templates ((name, source) pairs) and of the English strings."""
    found: dict[str, EnglishBlock] = {}
    for name, source in templates:
        for match in re.finditer(r"(?<=>)[^<]+|^[^<]+", _JINJA.sub("\x00", source), re.M):
            for piece in match.group(0).split("\x00"):
                text = _collapse(_TAG.sub(" ", piece))
                if _is_sentence(text) and text not in found and not re.search(r'[="]', text):
                    line = source.count("\n", 0, source.find(text.split()[0], match.start())) + 1
                    found[text] = EnglishBlock(text, name, line)
    translated = {
        value
        for table in STRINGS.values()
        if table is not STRINGS["en"]
        for value in table.values()
        if isinstance(value, str)
    }
    for value in STRINGS["en"].values():
        if not isinstance(value, str) or "<" in value or value in translated:
            continue
        for piece in _PLACEHOLDER.split(value):  # "Showing {first}–{last} of {total}": the words between
            if _is_sentence(piece):
                found.setdefault(_collapse(piece), EnglishBlock(_collapse(piece), "", 0))
    return tuple(sorted(found.values(), key=lambda block: (-len(block.text), block.text)))


class _Texts(HTMLParser):
    """Text runs of a page with the language each is in (the nearest `lang`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []  # (tag, lang in force)
        self.runs: list[tuple[str, str, int]] = []  # (language, text, line)

    def language(self) -> str:
        return self.stack[-1][1] if self.stack else ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        lang = dict(attrs).get("lang")
        self.stack.append((tag, lang if lang is not None else self.language()))

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                return

    def handle_data(self, data: str) -> None:
        if not any(tag in _SKIP for tag, _ in self.stack) and data.strip():
            self.runs.append((self.language(), data, self.getpos()[0]))


def english_on_page(html: str, blocks: tuple[EnglishBlock, ...]) -> list[tuple[EnglishBlock, int]]:
    """The English blocks found in text the page says is in another language: (block, page line)."""
    parser = _Texts()
    parser.feed(html)
    parser.close()
    found: dict[str, tuple[EnglishBlock, int]] = {}
    # Adjacent runs of one language make one text ("Showing <b>1</b> of 3" is one sentence).
    merged: list[tuple[str, str, int]] = []
    for language, text, line in parser.runs:
        if merged and merged[-1][0] == language:
            merged[-1] = (language, merged[-1][1] + " " + text, merged[-1][2])
        else:
            merged.append((language, text, line))
    for language, text, line in merged:
        if not language or language.partition("-")[0].lower() == "en":
            continue
        text = _collapse(text)
        for block in blocks:
            if block.text in text and block.text not in found:
                found[block.text] = (block, line)
    return list(found.values())
