"""`Markup` skips work with byte-identical output: every body against a FRESH stock converter.

`sitegen.markup.Markup` converts a document without each processor and inline pattern whose
triggers the document lacks (PROCESSOR_TRIGGERS, INLINE_TRIGGERS), and gives headings their ids
without building the table of contents (_HeadingIds). Each body here is converted by it, reused
from document to document as a build does, and by a new stock converter made for that body alone:
`markdown.Markdown(extensions=[*EXTENSIONS, the link extension], extension_configs=EXTENSION_CONFIGS)`
with nothing pruned, the link extension writing the same tokens, so the two HTML strings must be
equal byte for byte, and so must what the link extension found.

Bodies: the sample site in content/, the generated library (tests/fixture_site.py), the hostile
corpus of tests/payloads.py, a 300-publication bench corpus, hand-written edge cases for every skip,
Hypothesis documents made of trigger characters, and the first documents of fresh processes. Then
the comparison is shown to catch each skip going wrong: with any one trigger replaced by one no
document has, some edge case differs from stock.
"""

from __future__ import annotations

import ast
import posixpath
import subprocess
import sys
from pathlib import Path
from typing import Any

import markdown
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from markdown.extensions import footnotes
from markdown.extensions.toc import run_postprocessors, strip_tags
from markdown.util import Registry

import payloads
from sitegen import markup
from sitegen.frontmatter import split_front_matter
from sitegen.markup import EXTENSION_CONFIGS, EXTENSIONS, Markup, _HeadingIds, _LinkExtension, _Links
from sitekit import Project
from test_markdown_exact import run_script

ROOT = Path(__file__).resolve().parent.parent
MARKUP = Markup()
SOURCE = "content/publications/2020/edge.md"


def stock(body: str, where: str) -> tuple[str, _Links]:
    """A new stock converter's HTML for `body`, and what the link extension found in it."""
    found = [_Links()]
    converter = markdown.Markdown(
        extensions=[*EXTENSIONS, _LinkExtension(found, [where])],
        extension_configs=EXTENSION_CONFIGS,
        output_format="html",
    )
    return converter.convert(body), found[0]


def _where(a: str, b: str) -> str:
    at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return f"at {at}:\n  ours:  {a[max(0, at - 80) : at + 80]!r}\n  stock: {b[max(0, at - 80) : at + 80]!r}"


def assert_exact(source: str, body: str, ours: Markup = MARKUP) -> None:
    where = posixpath.dirname(source.removeprefix("content/"))
    html = ours.render(body, source, where, 1).html
    expected, found = stock(body, where)
    assert html == expected, f"{source}: ours differs from stock Python-Markdown {_where(html, expected)}"
    assert ours._links[0] == found, f"{source}: the link extension found other links"


def bodies_of(project: Path) -> list[tuple[str, str]]:
    """(source, body) of every Markdown file under project/content, split as the loader splits it."""
    found = []
    for path in sorted((project / "content").rglob("*.md")):
        source = path.relative_to(project).as_posix()
        parts, _ = split_front_matter(path.read_text(encoding="utf-8-sig"), source)
        if parts is not None:
            found.append((source, parts.body))
    return found


# -- the corpora ------------------------------------------------------------------------------------


def test_every_sample_site_body_is_stock_markdown() -> None:
    bodies = bodies_of(ROOT)
    assert len(bodies) > 20
    for source, body in bodies:
        assert_exact(source, body)


def test_every_library_body_is_stock_markdown(library: Project) -> None:
    bodies = bodies_of(library.root)
    assert len(bodies) > 50
    for source, body in bodies:
        assert_exact(source, body)


def _hostile() -> list[str]:
    fragments = [*payloads.MARKDOWN_FRAGMENTS, *payloads.RAW_FRAGMENTS]
    return [
        *(body for _, _, body, _ in payloads.PAYLOADS),
        *(body for _, body in payloads.INERT),
        *fragments,
        "\n\n".join(payloads.MARKDOWN_FRAGMENTS),
        "\n".join(payloads.RAW_FRAGMENTS),
        *(f'## Heading {{: {name}="{value}" }}' for name in ("title", "class") for value in payloads.HOSTILE_VALUES),
        *(f"<p {name}=x>t</p>\n\n# {name}" for name in payloads.HOSTILE_ATTRIBUTE_NAMES),
    ]


def test_every_hostile_payload_is_stock_markdown() -> None:
    bodies = _hostile()
    assert len(bodies) > 150
    for body in bodies:
        assert_exact(SOURCE, body)


def test_every_bench_corpus_body_is_stock_markdown(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "corpus.py"), "300", str(tmp_path / "corpus")],
        check=True,
        capture_output=True,
        timeout=120,
    )
    bodies = bodies_of(tmp_path / "corpus")
    assert len(bodies) > 300
    assert sum("[^" in body for _, body in bodies) > 20 and all("<" not in body for _, body in bodies[:50])
    for source, body in bodies:
        assert_exact(source, body)


# -- edge cases: each one a reason some skip, or the heading-id pass, could go wrong ----------------

EDGE_CASES = [
    # headings and their ids
    "# Scope\n\n## Scope\n\n### Scope\n\n## Scope_1\n\n## Scope {: #scope_2 }\n\n## Scope",
    "## Scope {: #scope }\n\n# Scope\n\n## Other {: #other .big }\n\n## Other",
    "# \n\n#\n\n## #\n\n## ## ##\n\n# Empty after all",
    "## Records &amp; logs\n\n## AT&T and R&D\n\n## 5 < 6 > 4\n\n## &copy; 2024 &#169; &#x2014; &nbsp;x",
    "## *Emphasis* and **strong** and `code <b>` here\n\n## A [link](../2019/x.md) heading\n\n## ![alt](i.png) image",
    "## Système año Ünïcödé — “quotes” ½ ﬁ\n\n## 日本語の見出し\n\n## ὀδυσσεύς\n\n## a\u1680b c\u00a0d e\u2003f",
    "## Escaped \\*not em\\* and \\<tag\\>\n\n## Trailing hashes ##\n\n## x\\\\y",
    "## A note[^1] in a heading\n\n## A note[^1] again\n\n[^1]: The note.",
    "## <b>Raw</b> inline HTML <!-- comment --> here\n\n## <span>a</span>b",
    "## Heading {: data-toc-label='Short' }\n\n## Other {: data-toc-label=\"<b>x</b>\" #given }",
    '## Title attribute {: title="a > b" }\n\n## Class {: .x }\n\n## Class {: .x }',
    "Setext one\n==========\n\nSetext two\n----------\n\nSetext one\n==========",
    "- # In a list\n- ## In a list\n\n> ## In a quote\n> ## In a quote",
    "## Tail escape\n\\<p\\>\n\n## Tail\n\\>",
    "## fnref:1\n\nText.[^1]\n\n[^1]: Note.",
    # the [TOC] marker, written and nearly written
    "[TOC]\n\n# One\n\n## Two {: #two }\n\n## Two",
    "Some text\n\n[TOC]\n\n## Heading",
    "TOC without brackets\n\n## Heading",
    "\\[TOC\\]\n\n## Heading",
    "[T\x02OC]\n\n## Heading",
    "| a | b |\n| --- | --- |\n[TOC]\n",
    "* [TOC]\n\n## Heading",
    # footnotes
    "Text.[^1] Again.[^1] And.[^2]\n\n[^1]: One.\n[^2]: Two.\n\n    More of two.",
    "Text.[\x02^1]\n\n[\x02^1]: A note behind an STX.",
    "No footnote: [^missing] and [^] and [ ^1]",
    "[^1]: A definition, never referenced.",
    # tables
    "| a | b |\n|:--|--:|\n| `|` | x \\| y |",
    "a | b\n--|--\n1 | 2",
    "| single |\n| --- |\n| cell |",
    "Not | a table",
    # fenced and indented code
    "```\ncode < & {x} [^1] \\*\n```\n\n~~~ python\nx = 1\n~~~\n\n```{ .json #c }\n{}\n```",
    "``\x02`\ncode behind an STX\n```",
    "Text.\n\n    indented code\n    & more\n\n\tcode after a tab",
    "- item\n\n    indented paragraph of the item\n\n- item\n\n\tafter a tab",
    "- item\n  \x02  two spaces, STX, two spaces\n",
    # raw HTML and entities
    '<div lang="es">\n<p>Texto.</p>\n</div>\n\nAfter.',
    "<details>\n<summary>More</summary>\n\nHidden.\n</details>",
    "Inline <abbr>PIA</abbr> and <br> and </b and <!-- c --> and <?pi ?> and <![CDATA[x]]>",
    "AT&T &amp; &copy; &#169; &bogus; &#xZZ; & alone",
    "<hr>\n<hr/>\n\nText <img src=x.png alt=y>",
    "</p>\n\n> quote after a stray end tag",
    # attribute lists
    "Paragraph.\n{: .note #p1 }\n\n- item {: .li }\n\n| a | b {: .c } |\n|---|---|\n| 1 | 2 |",
    "[link](https://x.gov){: .external } and ![i](x.png){: .img }",
    "Braces {} and {: but } not an attribute list {",
    "## No colon { #plain }\n\nParagraph.\n{ .x }\n\n[link](../2019/x.md){ .c }",
    # blockquotes, references, escapes, line breaks
    "> quoted\n> > nested\n\n>not spaced",
    "[ref] and [text][ref] and ![img][pic] and ![pic]\n\n[ref]: https://x.gov/ref\n[pic]: ../files/p.png",
    "  [indented ref]: /about/\n\n[indented ref]",
    "Line  \nbreak and line\t\nbreak after a tab and \\\\ backslash and \\` tick",
    "Auto <https://x.gov> and <privacy@dhs.gov> and <mailto:a@b.gov>",
    "a \x02 \nb: two spaces only behind an STX",
    "_under_ and __strong__ and snake_case_word and *a*b* and ***both***",
    "1. one\n2. two\n\n* star\n+ plus\n- minus\n\n---\n\n***\n\n___",
]


def test_every_edge_case_is_stock_markdown() -> None:
    for body in EDGE_CASES:
        assert_exact(SOURCE, body)


def test_each_edge_case_first_then_all_in_a_fresh_process() -> None:
    """The first document a process converts, for each edge case, and the corpus after it."""
    script = """
import json, sys
from sitegen.markup import Markup
ours = Markup()
print(json.dumps([ours.render(text, sys.argv[1], "publications/2020", 1).html for text in json.load(sys.stdin)]))
"""

    def fresh(documents: list[str]) -> list[str]:
        return run_script(script, documents, SOURCE)  # type: ignore[no-any-return]

    expected = [stock(body, "publications/2020")[0] for body in EDGE_CASES]
    for order in (EDGE_CASES, EDGE_CASES[::-1]):
        got = fresh(order)
        wanted = expected if order is EDGE_CASES else expected[::-1]
        for body, html, want in zip(order, got, wanted):
            assert html == want, f"{body!r}: {_where(html, want)}"
    for body, want in list(zip(EDGE_CASES, expected))[:: max(1, len(EDGE_CASES) // 8)]:
        assert fresh([body]) == [want], f"{body!r} as the first document of a process"


# Pieces random documents are made of: the triggers, what surrounds them, and the characters
# Python-Markdown treats specially before anything else (STX, ETX, tabs, carriage returns).
PIECES = [
    *(needle for needle in markup._NEEDLES),
    "\x02",
    "\x03",
    "\r\n",
    "\n",
    "\n\n",
    "    ",
    " ",
    "# ",
    "## ",
    "TOC",
    "[TOC]",
    "[^1]",
    "[^1]: note",
    "]",
    "^",
    "{: #id }",
    "{: .c }",
    "}",
    "> ",
    "- ",
    "1. ",
    "---",
    "===",
    "<b>",
    "</b>",
    "<div>",
    "</div>",
    "&amp;",
    "&#169;",
    "word",
    "Word",
    "é",
    "x",
]


@settings(max_examples=300, deadline=None)
@example("## a\x02b\n\n## a\x03b")
@example("\t## tab\n\n## Tab")
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_random_documents_are_stock_markdown(body: str) -> None:
    assert_exact(SOURCE, body)


# -- the comparison catches a wrong skip ----------------------------------------------------------


def _differs(ours: Markup) -> list[str]:
    """The edge cases `ours` converts otherwise than stock."""
    wrong = []
    for body in EDGE_CASES:
        try:
            assert_exact(SOURCE, body, ours)
        except AssertionError:
            wrong.append(body)
    return wrong


def _skipped(ours: Markup) -> set[tuple[str, str]]:
    """Every (registry, name) with triggers that is registered in `ours`."""
    full = ours._full
    registries: dict[str, Registry[Any]] = {
        "pre": full.preprocessors,
        "block": full.blockprocessors,
        "tree": full.treeprocessors,
        "inline": full.inline,
    }
    return {key for key in markup.TRIGGERS if key[1] in registries[key[0]]}


# Skips no output can show wrong: the entity pattern stashes `&name;`, `&#N;` and `&#xN;`, which
# the serialiser writes the same way from plain text (it only escapes an "&" that starts no
# entity), and no other pattern matches inside an entity's letters, digits, "#" and ";".
UNOBSERVABLE = {("inline", "entity")}


@pytest.mark.parametrize("key", sorted(markup.TRIGGERS), ids="/".join)
def test_a_wrong_trigger_is_caught(key: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """With one processor's (or pattern's) triggers replaced by text no document has, the processor
    is skipped everywhere, and some edge case then differs from stock."""
    if key not in _skipped(MARKUP):
        pytest.skip(f"{key[1]} is not registered by this Python-Markdown")
    monkeypatch.setitem(markup.TRIGGERS, key, ("\x00never",))
    monkeypatch.setattr(markup, "_NEEDLES", frozenset(n for needles in markup.TRIGGERS.values() for n in needles))
    if key in UNOBSERVABLE:
        assert _differs(Markup()) == []
    else:
        assert _differs(Markup()), f"no edge case needs {key}: the tests would not see it skipped wrongly"


def test_the_heading_id_shortcuts_are_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """Naming every heading by its text alone, or never building the TOC, shows in the edge cases."""
    monkeypatch.setattr(_HeadingIds, "_name", lambda self, el: (el.text or "").strip())
    assert _differs(Markup())
    monkeypatch.undo()
    ours = Markup()
    monkeypatch.setattr(ours, "_marker_letters", "\x00never")
    assert [body for body in _differs(ours) if "TOC" in body]
    monkeypatch.undo()
    assert _differs(Markup()) == []


def test_a_plain_heading_is_named_as_stock_names_it() -> None:
    """_HeadingIds._name() leaves out run_postprocessors() and strip_tags() for a heading of plain
    text (no "<", "&", ">" or STX): they must change nothing there, the day Python-Markdown changes too."""
    ours = Markup()
    assert ours._toc.plain_postprocessors  # the postprocessors are the ones read
    placeholders = [markdown.util.HTML_PLACEHOLDER, markdown.util.AMP_SUBSTITUTE]
    placeholders += [footnotes.FN_BACKLINK_TEXT, footnotes.NBSP_PLACEHOLDER]
    assert all(placeholder.startswith("\x02") for placeholder in placeholders)
    ours.render("<b>stashed</b> &amp; [^1]\n\n[^1]: n", SOURCE, "publications/2020", 1)
    assert ours._md.htmlStash.html_counter  # raw_html does look for its placeholders
    _plain_text_passes_through(ours)
    ours._toc.plain_postprocessors = False  # with other postprocessors, it runs them
    assert _differs(ours) == []


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(blacklist_characters="<&>\x02", blacklist_categories=["Cs"])))
def _plain_text_passes_through(ours: Markup, text: str) -> None:
    expected = strip_tags(run_postprocessors(text.strip(), ours._md))
    assert " ".join(text.split()) == expected


def test_markup_refuses_a_processor_it_has_not_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """The skips were reasoned from the source of particular classes: another class under one of
    their names (a new Python-Markdown) stops Markup from starting."""
    key = ("tree", "attr_list")
    monkeypatch.setitem(markup.PROCESSOR_TRIGGERS, key, ("markdown.extensions.attr_list.Other", ("{",)))
    with pytest.raises(TypeError, match="attr_list"):
        Markup()


def test_sitegen_reads_no_table_of_contents() -> None:
    """_HeadingIds leaves `md.toc` and `md.toc_tokens` as reset() makes them: nothing may read them."""
    assert _reads_toc("x = md.toc_tokens + self._md.toc\nmd.treeprocessors['toc']") == [1, 1]
    for path in (ROOT / "sitegen").rglob("*.py"):
        read = _reads_toc(path.read_text(encoding="utf-8"))
        assert read == [], f"{path} reads the table of contents at lines {read}"


def _reads_toc(source: str) -> list[int]:
    """The lines of `source` that read an attribute named toc or toc_tokens."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Attribute) and node.attr in ("toc", "toc_tokens")
    ]
