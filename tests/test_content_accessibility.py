"""Accessibility of body text: each rule of sitegen/accessibility.py, found and not found, at its line.

Every case goes through the real command line (`sitegen check --format json`) on a small site,
as a contributor's pull request would. The publication's front matter is eight lines long, so
its body starts on line 9.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sitegen.accessibility import check_accessibility
from sitegen.cli import main
from sitegen.markup import Markup
from sitekit import CASE, GOOD_PUBLICATION, Project

PUB = CASE
FRONT = GOOD_PUBLICATION.removesuffix("Body text.\n")
BODY_LINE = 9
CODES = {"empty-link", "extra-h1", "heading-skip", "table-without-header", "alt-is-filename", "vague-link-text"}
ERRORS = CODES - {"vague-link-text"}

# (id, body, code, file lines it is reported on, words the message must contain)
FOUND = [
    ("empty-link", "Intro.\n\nSee [](https://www.dhs.gov/) today.", "empty-link", [11], "has no text"),
    ("empty-link-angle", "[](<https://www.dhs.gov/a b>)", "empty-link", [9], "has no text"),
    ("empty-link-spaces", "Text.\n\n[ ](https://www.dhs.gov/)", "empty-link", [11], "has no text"),
    ("empty-link-local", "Text.\n\nSee [](/about/).", "empty-link", [11], '"/about/"'),
    ("empty-link-html", 'Text.\n\n<a href="https://www.dhs.gov/"></a>', "empty-link", [11], "has no text"),
    (
        "image-only-link",
        "Text.\n\n[![](https://www.dhs.gov/logo.png)](https://www.dhs.gov/)",
        "empty-link",
        [11],
        "only an image without a description",
    ),
    (
        "empty-links-each-line",
        "[](https://a.gov/)\n\n[Fine](https://b.gov/)\n\n[](https://a.gov/)",
        "empty-link",
        [9, 13],
        "has no text",
    ),
    ("extra-h1", "## Part\n\nText.\n\n# Second title", "extra-h1", [13], '"Second title" is a top-level heading'),
    ("extra-h1-first", "# Title again\n\nText.", "extra-h1", [9], "already the top-level heading"),
    ("extra-h1-setext", "Text.\n\nSecond title\n============\n\nMore.", "extra-h1", [11], "Second title"),
    ("extra-h1-closed-atx", "Text.\n\n# Second title #", "extra-h1", [11], "Second title"),
    ("extra-h1-html", "Text.\n\n<h1>Raw title</h1>", "extra-h1", [11], "Raw title"),
    ("heading-skip", "## Overview\n\nText.\n\n#### Details", "heading-skip", [13], "level 2 to level 4"),
    ("first-heading-h3", "Intro.\n\n### Start", "heading-skip", [11], "first heading"),
    (
        "heading-skip-repeated-words",
        "## Overview\n\n### Detail\n\n## Overview\n\n#### Detail",
        "heading-skip",
        [15],
        "level 2 to level 4",
    ),
    ("heading-skip-emphasis", "## Overview\n\n#### The *new* rules", "heading-skip", [11], "The new rules"),
    ("heading-skip-html", "## Overview\n\n<h5>Raw</h5>", "heading-skip", [11], "level 2 to level 5"),
    (
        "table-html",
        "Text.\n\n<table><tr><td>a</td><td>b</td></tr></table>",
        "table-without-header",
        [11],
        "no header row",
    ),
    (
        "table-empty-header",
        "Text.\n\n|   |   |\n|---|---|\n| a | b |",
        "table-without-header",
        [11],
        "header row is empty",
    ),
    (
        "second-table",
        "| A | B |\n|---|---|\n| a | b |\n\n<table><tr><td>x</td></tr></table>",
        "table-without-header",
        [13],
        "no header row",
    ),
    (
        "alt-is-file-name",
        "Text.\n\n![report.png](https://www.dhs.gov/report.png)",
        "alt-is-filename",
        [11],
        '"report.png"',
    ),
    ("alt-camera-name", "![IMG_2041.jpg](https://www.dhs.gov/photo.jpg)", "alt-is-filename", [9], "IMG_2041.jpg"),
    ("alt-stem", "Text.\n\n![IMG_2041](https://www.dhs.gov/IMG_2041.JPG)", "alt-is-filename", [11], "file name"),
    (
        "alt-html",
        'Text.\n\n<img src="https://www.dhs.gov/a.gif" alt="chart.svg">',
        "alt-is-filename",
        [11],
        "chart.svg",
    ),
    (
        "click-here",
        "Text.\n\nTo apply, [click here](https://www.dhs.gov/apply).",
        "vague-link-text",
        [11],
        '"click here"',
    ),
    ("here", "Read the report [here](https://www.dhs.gov/report).", "vague-link-text", [9], '"here"'),
    ("read-more", "Text.\n\n[Read more...](https://www.dhs.gov/news)", "vague-link-text", [11], "Read more"),
    ("more", "[More](https://www.dhs.gov/news)", "vague-link-text", [9], "More"),
    ("link", "[link](https://www.dhs.gov/news)", "vague-link-text", [9], "link"),
    ("this-link", "Use [this link](https://www.dhs.gov/news).", "vague-link-text", [9], "this link"),
    (
        "spanish",
        "Texto.\n\n[Haga clic aquí](https://www.dhs.gov/es) para leer.",
        "vague-link-text",
        [11],
        "Haga clic aquí",
    ),
    ("spanish-aqui", "Lea el informe [aquí](https://www.dhs.gov/es).", "vague-link-text", [9], "aquí"),
    (
        "here-each-line",
        "[here](https://a.gov/)\n\nText.\n\n[here](https://b.gov/)",
        "vague-link-text",
        [9, 13],
        '"here"',
    ),
    ("here-reference", "Text.\n\nSee [here][1].\n\n[1]: https://www.dhs.gov/", "vague-link-text", [11], '"here"'),
]

NOT_FOUND = [
    ("named-link", "See [U.S. Department of Homeland Security](https://www.dhs.gov/)."),
    ("described-image-link", "[![DHS home page](https://www.dhs.gov/logo.png)](https://www.dhs.gov/)"),
    ("anchor-without-href", '<a id="top"></a>Text.'),
    ("heading-levels", "## A\n\n### B\n\n#### C\n\n## D\n\n### E\n\n## F"),
    ("setext-h2", "Section\n-------\n\nText."),
    ("no-headings", "Just a paragraph.\n\n- a list\n- of items"),
    ("hash-in-code", "## Example\n\n```\n# not a heading\n#### nor this\n```\n\n    # indented code"),
    ("hash-in-text", "Call #1 and issue #42 are listed."),
    ("table-with-header", "| Name | Date |\n|---|---|\n| a | b |"),
    ("html-table-with-th", "<table><tr><th>Name</th></tr><tr><td>a</td></tr></table>"),
    ("described-image", "![Chart of arrests by year, 2019 to 2023](https://www.dhs.gov/chart.png)"),
    ("words-with-extension-inside", "![The .png file format explained in a diagram](https://www.dhs.gov/x.png)"),
    ("alt-plain-word-like-stem", "![Report](https://www.dhs.gov/report.png)"),
    ("clear-link-text", "[Read the 2023 annual report](https://www.dhs.gov/report)"),
    (
        "here-inside-words",
        "[Here is the 2023 report](https://www.dhs.gov/report) and [more about ICE](https://www.ice.gov/)",
    ),
    ("spanish-clear", "[Lea el informe anual de 2023](https://www.dhs.gov/es)"),
    ("footnote", "A fact.[^1]\n\n[^1]: The source of the fact."),
    ("toc", "[TOC]\n\n## A\n\n### B"),
]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def checked(project: Project, body: str) -> tuple[int, list[dict]]:
    project.write(PUB, FRONT + body + "\n")
    exit_code, output = run("check", str(project.root), "--format", "json")
    return exit_code, json.loads(output)


@pytest.mark.parametrize("case", FOUND, ids=[c[0] for c in FOUND])
def test_problem_is_reported_at_its_line(project: Project, case: tuple) -> None:
    _, body, code, lines, words = case
    exit_code, found = checked(project, body)
    matching = [d for d in found if d["code"] == code]
    assert sorted(d["line"] for d in matching) == lines, found
    assert all(d["path"] == PUB and words in d["message"] and d["hint"] for d in matching), matching
    assert all(d["severity"] == ("error" if code in ERRORS else "warning") for d in matching), matching
    assert not [d for d in found if d["code"] in CODES - {code}], found  # one problem, one code
    assert exit_code == (1 if code in ERRORS else 0)


@pytest.mark.parametrize("case", NOT_FOUND, ids=[c[0] for c in NOT_FOUND])
def test_accessible_text_passes(project: Project, case: tuple) -> None:
    _, body = case
    exit_code, found = checked(project, body)
    assert exit_code == 0 and not found, found


def test_text_output_names_the_file_line_and_what_to_type(project: Project) -> None:
    project.write(PUB, FRONT + "Intro.\n\n## Overview\n\n#### Details\n\n[](https://www.dhs.gov/)\n")
    exit_code, output = run("check", str(project.root))
    assert exit_code == 1
    assert f'{PUB}:13: the heading "Details" jumps from level 2 to level 4' in output
    assert "use ### Details" in output
    assert f'{PUB}:15: the link to "https://www.dhs.gov/" has no text' in output
    assert "[Name of the page](https://www.dhs.gov/)" in output


def test_an_error_fails_the_build_and_a_warning_does_not(project: Project) -> None:
    project.write(PUB, FRONT + "To apply, [click here](https://www.dhs.gov/apply).\n")
    assert run("build", str(project.root))[0] == 0
    exit_code, output = run("check", str(project.root), "--strict")
    assert exit_code == 1 and "click here" in output
    project.write(PUB, FRONT + "# Second title\n")
    exit_code, output = run("build", str(project.root))
    assert exit_code == 1 and f"{PUB}:9:" in output and "Traceback" not in output


def test_pages_and_components_are_checked_too(project: Project) -> None:
    project.page("about", "About the library", "# About\n\nFor more, [click here](https://www.dhs.gov/).")
    project.component("cbp", "Customs and Border Protection", "CBP", "### Mission\n\nCBP secures the border.")
    exit_code, found = checked(project, "Body text.")
    assert exit_code == 1
    where = sorted((d["path"], d["line"], d["code"]) for d in found if d["code"] in CODES)
    assert where == [
        ("content/components/cbp.md", 5, "heading-skip"),
        ("content/pages/about.md", 4, "extra-h1"),
        ("content/pages/about.md", 6, "vague-link-text"),
    ]


def test_a_draft_is_checked_as_well(project: Project) -> None:
    project.write(
        PUB, FRONT.replace("summary:", "draft: true\nsummary:") + "![IMG_2041.jpg](https://www.dhs.gov/a.jpg)\n"
    )
    exit_code, output = run("check", str(project.root), "--format", "json")
    assert exit_code == 1 and [(d["code"], d["line"]) for d in json.loads(output)] == [("alt-is-filename", 10)]


def test_local_links_are_shown_by_what_they_point_to(project: Project) -> None:
    project.publication("other", title="Other")
    project.write(PUB, FRONT + "Text.\n\nSee [](../2020/other.md) and [here](../2020/other.md).\n")
    exit_code, output = run("check", str(project.root), "--format", "json")
    found = [d for d in json.loads(output) if d["code"] in CODES]
    assert exit_code == 1
    assert [(d["code"], d["line"]) for d in found] == [("empty-link", 11), ("vague-link-text", 11)]
    assert "publications/2020/other.md" in found[0]["message"] and "sitegen-link" not in output


def test_bodies_without_markup_are_not_parsed_again() -> None:
    markup = Markup()
    rendered = markup.render("Plain text.\n\n- a\n- b\n", "x.md", "", 1)
    assert check_accessibility(rendered.html, "Plain text.", "x.md", 1) == []


def test_lines_follow_the_document_when_words_repeat() -> None:
    body = (
        "## A\n\n#### A\n\n## B\n\n#### A\n\n[here](https://a.gov/) [here](https://b.gov/)\n\n[here](https://a.gov/)\n"
    )
    rendered = Markup().render(body, "x.md", "", 20)
    found = [(d.code, d.line) for d in check_accessibility(rendered.html, body, "x.md", 20)]
    assert found == [
        ("heading-skip", 22),
        ("heading-skip", 26),
        ("vague-link-text", 28),
        ("vague-link-text", 28),
        ("vague-link-text", 30),
    ]
