"""Every YAML mistake an editor makes names the line where the mistake is and what to type instead.

PyYAML reports where it noticed a problem (an unclosed quote on line 2 used to be "did not find
expected key" on line 7); `frontmatter.py` reads the text again around that mark. Each case goes
through `sitegen check` on a small site and asserts the code, the file line (the opening `---` is
line 1), words of the message and words of the hint, and that no traceback is shown.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen import frontmatter
from sitegen.cli import main
from sitegen.loader import parse_file
from sitekit import CASE, GOOD_PUBLICATION, Project

PUB, GOOD = CASE, GOOD_PUBLICATION
# line:  1 ---  2 title  3 date  4 component  5 type  6 topics  7 summary  8 ---  9 body


def swap(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


# (id, file text, code, line, words of the message, words of the hint)
CASES: list[tuple[str, str, str, int, str, str]] = [
    (
        "unclosed-double-quote",
        swap("title: A good title", 'title: "Report on things'),
        "yaml-syntax",
        2,
        'double quote (") that opens the title is never closed',
        'put the whole title in double quotes and close them at the end of the line: title: "Report on things"',
    ),
    # The old report: line 7, "did not find expected key", where the later quote ends the title.
    (
        "unclosed-double-quote-closed-later",
        swap("title: A good title", 'title: "Report on things').replace(
            "summary: A summary.", 'summary: The "best" summary.'
        ),
        "yaml-syntax",
        2,
        'reads on to the next " on line 7',
        'title: "Report on things"',
    ),
    (
        "unclosed-single-quote",
        swap("title: A good title", "title: 'Report on things"),
        "yaml-syntax",
        2,
        "single quote (') that opens the title is never closed",
        'title: "Report on things"',
    ),
    (
        "unclosed-single-quote-closed-by-apostrophe",
        swap("title: A good title", "title: 'Report on things").replace(
            "summary: A summary.", "summary: It's a summary."
        ),
        "yaml-syntax",
        2,
        "never closed on its line (YAML reads on to the next ' on line 7)",
        'title: "Report on things"',
    ),
    (
        "apostrophe-inside-single-quotes",
        swap("title: A good title", "title: 'It's here'"),
        "yaml-syntax",
        2,
        "YAML ends it at the next quote",
        'put the whole title in double quotes: title: "It\'s here"',
    ),
    (
        "text-after-closing-quote",
        swap("title: A good title", 'title: "Ready" or not'),
        "yaml-syntax",
        2,
        '" or not" is left over',
        "put the whole title in single quotes: title: '\"Ready\" or not'",
    ),
    (
        "tab-before-a-field",
        swap("type: fact-sheet", "\ttype: fact-sheet"),
        "yaml-syntax",
        5,
        "indented with a tab",
        "delete the tab at the start of the line: type: fact-sheet",
    ),
    (
        "tab-before-a-list-item",
        swap("topics: [privacy]", "topics:\n\t- privacy"),
        "yaml-syntax",
        7,
        "indented with a tab",
        'delete the tab and type 2 spaces instead, so the line reads: "  - privacy"',
    ),
    (
        "colon-and-space-in-a-value",
        swap("summary: A summary.", "summary: Note: this is a summary."),
        "yaml-syntax",
        7,
        "has a colon followed by a space",
        'put the text in quotes: summary: "Note: this is a summary."',
    ),
    (
        "colon-at-the-end-of-a-value",
        swap("summary: A summary.", "summary: Read this:"),
        "yaml-syntax",
        7,
        "ends with a colon",
        'put the text in quotes: summary: "Read this:"',
    ),
    (
        "list-where-text-belongs",
        swap("title: A good title", "title:\n  - First part\n  - Second part"),
        "wrong-type",
        2,
        '"title" must be text, not a list',
        'title: "..."',
    ),
    (
        "text-where-a-list-belongs",
        swap("topics: [privacy]", "topics: privacy"),
        "wrong-type",
        6,
        '"topics" must be a list',
        "write it as a list: topics: [privacy]",
    ),
    (
        "no-space-after-colon-first-field",
        swap("title: A good title", "title:Report"),
        "yaml-syntax",
        2,
        'no space after the colon in "title:Report"',
        "type a space after the colon: title: Report",
    ),
    (
        "no-space-after-colon-middle",
        swap("date: 2020-05-01", "date:2020-05-01"),
        "yaml-syntax",
        3,
        "no space after the colon",
        "date: 2020-05-01",
    ),
    (
        "no-space-after-colon-last-field",
        swap("summary: A summary.", "summary:A summary."),
        "yaml-syntax",
        7,
        "no space after the colon",
        "summary: A summary.",
    ),
    (
        "field-indented-by-mistake",
        swap("type: fact-sheet", "  type: fact-sheet"),
        "yaml-syntax",
        5,
        '"type" is indented more than "component" on line 4',
        'put "type:" at the start of the line, under "component:" on line 4',
    ),
    (
        "second-field-indented-by-mistake",
        swap("date: 2020-05-01", "  date: 2020-05-01"),
        "yaml-syntax",
        3,
        '"date" is indented more than "title" on line 2',
        'under "title:" on line 2',
    ),
    (
        "list-item-indented-more",
        swap("topics: [privacy]", "topics:\n  - privacy\n   - immigration"),
        "yaml-syntax",
        8,
        "indented more than the item on line 7",
        'put the "-" 2 spaces from the left',
    ),
    (
        "list-item-indented-less",
        swap("topics: [privacy]", "topics:\n  - privacy\n - immigration"),
        "yaml-syntax",
        8,
        "not lined up with the item on line 7",
        'put the "-" 2 spaces from the left',
    ),
    (
        "nested-field-not-lined-up",
        swap("summary: A summary.", "summary: A summary.\nattachments:\n  - title: File\n   file: files/a.pdf"),
        "yaml-syntax",
        10,
        '"file" is not lined up with "title" on line 9',
        'put "file:" 4 spaces from the left',
    ),
    (
        "nested-field-indented-more",
        swap("summary: A summary.", "summary: A summary.\nattachments:\n  - title: File\n     file: files/a.pdf"),
        "yaml-syntax",
        10,
        '"file" is indented more than "title" on line 9',
        'put "file:" 4 spaces from the left',
    ),
    (
        "duplicated-field",
        swap("type: fact-sheet", "type: fact-sheet\ntype: report"),
        "duplicate-field",
        6,
        '"type" is given twice (also on line 5)',
        "keep only one",
    ),
    (
        "unclosed-list",
        swap("topics: [privacy]", "topics: [privacy, immigration"),
        "yaml-syntax",
        6,
        'the "[" that starts the topics opens a list that is never closed',
        'end the list with "]" on the same line: topics: [privacy, immigration]',
    ),
    (
        "text-after-a-list",
        swap("title: A good title", "title: [DRAFT] Report"),
        "yaml-syntax",
        2,
        'starts with "["',
        'put the whole title in quotes: title: "[DRAFT] Report"',
    ),
    (
        "no-closing-line",
        GOOD.replace("---\nBody", "\nBody"),
        "front-matter-unclosed",
        1,
        "the front matter is not closed",
        "add a line '---' after the last field (\"summary\" on line 7)",
    ),
    (
        "closing-line-with-four-dashes",
        GOOD.replace("---\nBody", "----\nBody"),
        "front-matter-unclosed",
        8,
        "exactly three dashes",
        "replace the line with: ---",
    ),
    (
        "closing-line-with-a-space-before",
        GOOD.replace("---\nBody", " ---\nBody"),
        "front-matter-unclosed",
        8,
        "at the start of the line",
        "replace the line with: ---",
    ),
    (
        "value-starts-with-at",
        swap("title: A good title", "title: @home office"),
        "yaml-syntax",
        2,
        'the title starts with "@"',
        'put the whole title in quotes: title: "@home office"',
    ),
    (
        "value-starts-with-backtick",
        swap("title: A good title", "title: `sitegen` guide"),
        "yaml-syntax",
        2,
        'the title starts with "`"',
        'put the whole title in quotes: title: "`sitegen` guide"',
    ),
    (
        "value-starts-with-star",
        swap("title: A good title", "title: *Updated* report"),
        "yaml-syntax",
        2,
        'the title starts with "*"',
        'put the whole title in quotes: title: "*Updated* report"',
    ),
    (
        "value-is-a-bare-star",
        swap("title: A good title", "title: * report"),
        "yaml-syntax",
        2,
        'the title starts with "*"',
        'title: "* report"',
    ),
    (
        "value-starts-with-ampersand",
        swap("title: A good title", "title: &Co report"),
        "yaml-alias",
        2,
        'the title starts with "&", which YAML reads as an anchor',
        'put the whole title in quotes: title: "&Co report"',
    ),
    (
        "value-is-a-bare-ampersand",
        swap("title: A good title", "title: & report"),
        "yaml-syntax",
        2,
        'the title starts with "&"',
        'title: "& report"',
    ),
    (
        "value-starts-with-hash",
        swap("title: A good title", "title: #5 report"),
        "yaml-syntax",
        2,
        'starts with "#", which YAML reads as the start of a comment',
        'title: "#5 report"',
    ),
    (
        "value-starts-with-exclamation",
        swap("title: A good title", "title: !important"),
        "yaml-tag",
        2,
        "tags are not allowed",
        'put the whole title in quotes: title: "!important"',
    ),
    (
        "value-starts-with-dash",
        swap("title: A good title", "title: - draft"),
        "yaml-syntax",
        2,
        'starts with "-", which YAML reads as the start of a list',
        'title: "- draft"',
    ),
    (
        "value-starts-with-bar",
        swap("summary: A summary.", "summary: | see below"),
        "yaml-syntax",
        7,
        'starts with "|"',
        'summary: "| see below"',
    ),
    (
        "colon-in-an-added-field",
        swap("title: A good title", "title: A good title\nsummary: x: y"),
        "yaml-syntax",
        3,
        "colon followed by a space",
        'summary: "x: y"',
    ),
    (
        "stray-dash-before-a-field",
        swap("type: fact-sheet", "- type: fact-sheet"),
        "yaml-syntax",
        5,
        'starts with "-" (a list item), but the lines around it are fields',
        'delete the "-" at the start of the line: type: fact-sheet',
    ),
    (
        "line-starts-with-a-colon",
        swap("date: 2020-05-01", ": date: 2020-05-01"),
        "yaml-syntax",
        3,
        "starts with a colon",
        "delete the colon, or type the field name before it: date: 2020-05-01",
    ),
    (
        "first-field-indented",
        swap("title: A good title", "  title: A good title"),
        "yaml-syntax",
        2,
        "the first field is indented",
        "delete the spaces so it starts at the beginning of the line: title: A good title",
    ),
    (
        "field-name-split-over-two-lines",
        swap("title: A good title", "ti\ntle: A good title"),
        "yaml-syntax",
        2,
        "no ': ' (a colon and a space) after a field name",
        "write it as 'field: value'",
    ),
    (
        "unclosed-quote-inside-a-list",
        swap("topics: [privacy]", 'topics: ["privacy]'),
        "yaml-syntax",
        6,
        'the double quote (") on this line is never closed',
        'close it with " on the same line',
    ),
    (
        "windows-line-endings-and-a-mistake",
        swap("title: A good title", 'title: "Report on things').replace("\n", "\r\n"),
        "yaml-syntax",
        2,
        "never closed",
        'title: "Report on things"',
    ),
    (
        "byte-order-mark-and-a-mistake",
        "\ufeff" + swap("summary: A summary.", "summary: Note: a summary."),
        "yaml-syntax",
        7,
        "colon followed by a space",
        'summary: "Note: a summary."',
    ),
]

# Valid files that editors' tools write: they must just work.
FINE = [
    ("windows-line-endings", GOOD.replace("\n", "\r\n")),
    ("byte-order-mark", "\ufeff" + GOOD),
    ("byte-order-mark-and-windows-line-endings", "\ufeff" + GOOD.replace("\n", "\r\n")),
    ("quoted-values-over-two-lines", swap("summary: A summary.", 'summary: "A summary\n  on two lines."')),
    ("block-of-lines", swap("summary: A summary.", 'summary: |\n  "Quoted" text: with a colon\n  and more')),
    ("quotes-inside-text", swap("summary: A summary.", "summary: It's the \"best\" one, isn't it")),
    ("url-value", swap("summary: A summary.", "summary: See https://www.dhs.gov/x for more")),
]


def check(project: Project, text: str) -> tuple[list[dict[str, Any]], str]:
    project.write(PUB, "")
    (project.root / PUB).write_bytes(text.encode("utf-8"))
    runner = CliRunner()
    result = runner.invoke(main, ["check", str(project.root), "--format", "json"], catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    text_result = runner.invoke(main, ["check", str(project.root)], catch_exceptions=True)
    assert "Traceback" not in result.output + text_result.output
    return json.loads(result.output), text_result.output


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_mistake_names_its_line_and_what_to_type(project: Project, case: tuple) -> None:
    _, text, code, line, words, hint = case
    found, output = check(project, text)
    mine = [d for d in found if d["path"] == PUB]
    assert [(d["code"], d["line"]) for d in mine if d["code"] == code] == [(code, line)], mine
    diagnostic = next(d for d in mine if d["code"] == code)
    assert words in diagnostic["message"], diagnostic
    assert hint in diagnostic["hint"], diagnostic
    assert f"{PUB}:{line}: " in output and hint in output, output
    # one mistake, one message: nothing else about this file repeats it on another line
    assert not [d for d in mine if d["code"].startswith("yaml-") and d["line"] != line], mine


@pytest.mark.parametrize("case", FINE, ids=[c[0] for c in FINE])
def test_files_from_editors_just_work(project: Project, case: tuple[str, str]) -> None:
    found, _ = check(project, case[1])
    assert found == []


def _pure_python_loader() -> type:
    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = frontmatter._Loader.yaml_implicit_resolvers
    return Loader


@pytest.mark.parametrize("loader", ["libyaml", "python"])
def test_same_lines_with_or_without_libyaml(monkeypatch: pytest.MonkeyPatch, loader: str) -> None:
    """PyYAML's two parsers word and place errors differently; the contributor sees the same."""
    if loader == "python":
        monkeypatch.setattr(frontmatter, "_Loader", _pure_python_loader())
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("libyaml is not installed")
    for name, text, code, line, words, hint in CASES:
        parsed = parse_file("publication", PUB, text.encode(), "key", None)
        hits = [d for d in parsed.diagnostics if d.code == code]
        assert [d.line for d in hits] == [line], (name, parsed.diagnostics)
        assert words in hits[0].message and hint in hits[0].hint, (name, hits[0])


MISTAKES = st.sampled_from(
    [
        '"',
        "'",
        "\t",
        ": ",
        ":",
        "[",
        "]",
        "{",
        "- ",
        "  ",
        "@",
        "`",
        "*",
        "&",
        "#",
        "!",
        "|",
        ">",
        "\r\n",
        "\n",
        "---",
        "\ufeff",
        "%",
        "?",
        "\\",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(0, len(GOOD)), MISTAKES), min_size=1, max_size=4))
def test_any_typing_mistake_is_a_diagnostic_on_a_real_line(edits: list[tuple[int, str]]) -> None:
    text = GOOD
    for position, typed in sorted(edits, reverse=True):
        text = text[:position] + typed + text[position:]
    parsed = parse_file("publication", PUB, text.encode(), "key", None)
    last = len(frontmatter._BREAKS.split(text))
    for d in parsed.diagnostics:
        assert d.message and 1 <= d.line <= last, (text, d)
