"""Skipping inline patterns and processors a document cannot use changes nothing in what Python-Markdown makes.

(tests/test_markup_fast.py compares with fresh stock converters; here pruned and unpruned conversions.)
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from sitegen.markup import INLINE_TRIGGERS, Markup
from sitekit import Project

ROOT = Path(__file__).resolve().parent.parent

# Pieces of Markdown syntax, and text around them, that random documents are made of.
PIECES = [
    "`",
    "``",
    "\\",
    "\\\\",
    "[",
    "]",
    "(",
    ")",
    "![",
    "[^1]",
    "[^1]: note",
    "<",
    ">",
    "<b>",
    "</b>",
    "<!-- c -->",
    "&",
    "&amp;",
    "&#169;",
    ";",
    "*",
    "**",
    "_",
    "__",
    "  ",
    "\t",
    "\r",
    "\r\n",
    "\n",
    "\n\n",
    "# ",
    "## ",
    "| a | b |\n|---|---|\n| 1 | 2 |",
    "- ",
    "1. ",
    "> ",
    "```\n",
    "~~~\n",
    "    ",
    ":",
    "^",
    "{: #id }",
    "{: .cls }",
    "[x]: https://x.gov",
    "<https://x.gov>",
    "<a@x.gov>",
    "https://x.gov",
    "word",
    "Word",
    "é",
    " ",
    "=",
    "---",
    "[TOC]",
]


def _convert(text: str, prune: bool) -> tuple[str, tuple, tuple]:
    rendered = MARKUP.render(text, "content/publications/2020/x.md", "publications/2020", 1, prune=prune)
    return rendered.html, rendered.links, rendered.fragments


MARKUP = Markup()


@settings(max_examples=400, deadline=None)
@example("[TOC]\n\n# One\n\n## Two")
@example("\\[TOC\\]\n\n# One")
@example("Line\t\nbreak after a tab")  # tabs become spaces before inline parsing
@example("Line  \r\nbreak before a carriage return")
@example("`code` \\`escaped\\` &copy; <b>b</b> ![i](x.png) [^1]\n\n[^1]: note")
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_pruned_patterns_render_exactly_like_all_patterns(text: str) -> None:
    assert _convert(text, prune=True) == _convert(text, prune=False)


def test_every_library_body_renders_the_same_either_way(library: Project) -> None:
    """Every body of the generated library (tests/fixture_site.py): publications, pages, components."""
    bodies = [
        path.read_text(encoding="utf-8").split("\n---\n", 1)[-1]
        for path in sorted((library.root / "content").rglob("*.md"))
    ]
    assert len(bodies) > 50
    for body in bodies:
        assert _convert(body, prune=True) == _convert(body, prune=False)


def test_a_plain_document_skips_most_patterns() -> None:
    patterns = MARKUP._patterns_for("Plain words in a paragraph.\n\nAnother one.\n")
    names = {name for name in INLINE_TRIGGERS if name in patterns}
    assert names == set()  # nothing to try at all: every pattern needs a character the text lacks
    rich = MARKUP._patterns_for("A [link](x.md), *emphasis*, `code` & <b>bold</b>.")
    assert {"link", "em_strong", "backtick", "entity", "html"} <= {name for name in INLINE_TRIGGERS if name in rich}


# Documents without relative links, so the stock converter and ours must agree byte for byte.
_FRESH_DOCUMENTS = [
    "Text.[^a]\n\n[^a]: Note.",
    "Plain words.",
    "`code` & <b>b</b> [^1] *em* [x](https://x.gov)\n\n[^1]: note",
    "# One\n\n## Two {: #two }\n\n| a | b |\n|:--|--:|\n| 1 | 2 |",
    "> [r]: https://x.gov\n\n[x][r] and [y](#two)",
]

_FRESH_SCRIPT = """
import json, sys
import markdown
from sitegen.markup import EXTENSIONS, EXTENSION_CONFIGS, Markup
documents = json.loads(sys.argv[1])
ours = Markup()
mine = [ours.render(text, "content/publications/x.md", "publications", 1).html for text in documents]
stock = [markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS,
                           output_format="html").convert(text) for text in documents]
print(json.dumps([mine, stock]))
"""


def test_the_first_document_of_a_fresh_process_renders_like_stock_markdown() -> None:
    """The footnote pattern went missing from the first pattern set built in each process."""
    import json
    import subprocess
    import sys

    for order in (_FRESH_DOCUMENTS, _FRESH_DOCUMENTS[::-1]):
        result = subprocess.run(
            [sys.executable, "-c", _FRESH_SCRIPT, json.dumps(order)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=60,
        )
        mine, stock = json.loads(result.stdout)
        assert mine == stock
    assert 'class="footnote-ref"' in mine[-1]


def test_a_pruned_registry_keeps_python_markdowns_order() -> None:
    """`Markup` slices each registry and drops names: what is left stays in order, in the tuples too."""
    markup = Markup()
    full = markup._full
    pipeline = markup._pipeline_for("Plain words with *emphasis*.")
    assert "footnote" in full.inline and "footnote" not in pipeline.inline
    assert "em_strong" in pipeline.inline
    assert "table" in full.blockprocessors and "table" not in pipeline.blockprocessors
    assert "attr_list" in full.treeprocessors and "attr_list" not in pipeline.treeprocessors
    assert "html_block" in full.preprocessors and "html_block" not in pipeline.preprocessors
    for everything, pruned in (
        (full.inline, pipeline.inline),
        (full.blockprocessors, pipeline.blockprocessors),
        (full.treeprocessors, pipeline.treeprocessors),
        (full.preprocessors, pipeline.preprocessors),
    ):
        kept = list(pruned)
        assert kept and kept == [item for item in everything if item in kept]
    assert pipeline.patterns == tuple(pipeline.inline) and pipeline.blocks == tuple(pipeline.blockprocessors)


def test_an_automatic_email_link_is_not_taken_for_a_relative_link() -> None:
    rendered = Markup().render("Write to <privacy@dhs.gov>.", "content/publications/x.md", "publications", 1)
    assert rendered.links == () and rendered.diagnostics == []
