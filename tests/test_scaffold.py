"""`sitegen new publication` writes a draft whose placeholders cannot go live, and finds keys by name.

tests/test_diagnostics.py::test_new_publication_writes_a_valid_file covers the basics (a file
with every field explained, that `sitegen check` accepts, and exit 2 for an unknown component);
these tests cover the draft, its placeholders and how --component and --type are matched.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.cli import main
from sitegen.scaffold import PLACEHOLDER_BODY, PLACEHOLDER_SUMMARY, match_key, placeholder_problems
from sitekit import Project


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def new(project: Project, *args: str, title: str = "ICE Body Worn Cameras") -> tuple[int, str]:
    return run("new", "publication", str(project.root), *args, title)


def written(project: Project) -> Path:
    files = list((project.root / "content/publications").rglob("*.md"))
    assert len(files) == 1, files
    return files[0]


def check(project: Project, *options: str) -> tuple[int, list[dict]]:
    exit_code, output = run("check", str(project.root), "--format", "json", *options)
    return exit_code, json.loads(output)


def line_of(path: Path, text: str) -> int:
    return next(number for number, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_the_new_file_is_a_draft_with_placeholders(project: Project) -> None:
    exit_code, output = new(project, "--component", "ice", "--type", "fact-sheet")
    assert exit_code == 0, output
    path = written(project)
    assert path.parent.name == str(dt.date.today().year)
    text = path.read_text()
    assert "\ndraft: true\n" in text and PLACEHOLDER_SUMMARY in text and PLACEHOLDER_BODY in text
    assert "as a draft" in output and "draft: true" in output


def test_placeholders_are_reminders_in_a_draft(project: Project) -> None:
    new(project, "--component", "ice", "--type", "fact-sheet")
    path = written(project)
    exit_code, found = check(project)
    assert exit_code == 0
    assert sorted((d["code"], d["line"], d["severity"]) for d in found) == [
        ("placeholder-text", line_of(path, "summary:"), "warning"),
        ("placeholder-text", line_of(path, PLACEHOLDER_BODY), "warning"),
    ]
    assert all("before you remove draft: true" in d["hint"] for d in found)
    assert check(project, "--strict")[0] == 1
    assert run("build", str(project.root))[0] == 0  # a draft is not published, so nothing fails
    assert not (project.out / "publications/ice-body-worn-cameras").exists()


def test_placeholders_left_in_are_errors_once_published(project: Project) -> None:
    new(project, "--component", "ice", "--type", "fact-sheet")
    path = written(project)
    path.write_text(path.read_text().replace("\ndraft: true\n", "\n"))
    exit_code, found = check(project)
    assert exit_code == 1
    assert sorted((d["path"], d["line"], d["severity"]) for d in found if d["code"] == "placeholder-text") == [
        (path.relative_to(project.root).as_posix(), line_of(path, "summary:"), "error"),
        (path.relative_to(project.root).as_posix(), line_of(path, PLACEHOLDER_BODY), "error"),
    ]
    exit_code, output = run("build", str(project.root))
    assert exit_code == 1 and "the summary is still the placeholder" in output and "Traceback" not in output
    assert not (project.out / "publications/ice-body-worn-cameras").exists()


def test_a_placeholder_line_left_among_real_text_is_found(project: Project) -> None:
    new(project, "--component", "ice", "--type", "fact-sheet")
    path = written(project)
    text = path.read_text().replace("\ndraft: true\n", "\n").replace(PLACEHOLDER_SUMMARY, "ICE officers wear cameras.")
    path.write_text(text.replace(PLACEHOLDER_BODY, f"## Overview\n\nOfficers wear cameras.\n\n{PLACEHOLDER_BODY}\n"))
    exit_code, found = check(project)
    assert exit_code == 1
    assert [(d["code"], d["line"]) for d in found] == [("placeholder-text", line_of(path, PLACEHOLDER_BODY))]


def test_a_finished_file_publishes_cleanly(project: Project) -> None:
    new(project, "--component", "ice", "--type", "fact-sheet")
    path = written(project)
    text = path.read_text().replace("\ndraft: true\n", "\n").replace(PLACEHOLDER_SUMMARY, "ICE officers wear cameras.")
    path.write_text(text.replace(PLACEHOLDER_BODY, "Officers wear cameras on duty."))
    assert check(project) == (0, [])
    assert run("build", str(project.root))[0] == 0
    assert "Officers wear cameras on duty." in project.html("/publications/ice-body-worn-cameras/")


@pytest.mark.parametrize(
    ("component", "type_"),
    [
        ("ice", "fact-sheet"),
        ("ICE", "Fact Sheet"),
        ("Ice", "fact sheet"),
        ("Immigration and Customs Enforcement", "FACT-SHEET"),
        ("immigration-and-customs-enforcement", "  Fact   Sheet "),
    ],
)
def test_keys_match_by_key_name_or_acronym_in_any_case(project: Project, component: str, type_: str) -> None:
    exit_code, output = new(project, "--component", component, "--type", type_)
    assert exit_code == 0, output
    text = written(project).read_text()
    assert "\ncomponent: ice\n" in text and "\ntype: fact-sheet\n" in text


@pytest.mark.parametrize(
    ("option", "given", "words"),
    [
        ("--component", "icee", 'did you mean "ice" (Immigration and Customs Enforcement)?'),
        ("--component", "Customs and Border", 'did you mean "cbp" (Customs and Border Protection)?'),
        ("--component", "zzz", "known: cbp, ice"),
        ("--type", "factsheet", 'did you mean "fact-sheet" (Fact Sheet)?'),
        ("--type", "Fact Shet", 'did you mean "fact-sheet" (Fact Sheet)?'),
        ("--type", "privacy impact asessment", 'did you mean "privacy-impact-assessment" (Privacy Impact Assessment)?'),
    ],
)
def test_no_match_suggests_the_nearest_key_and_writes_nothing(
    project: Project, option: str, given: str, words: str
) -> None:
    args = {"--component": "ice", "--type": "fact-sheet", option: given}
    exit_code, output = new(project, "--component", args["--component"], "--type", args["--type"])
    assert exit_code == 2 and words in output and option in output, output
    assert not list((project.root / "content/publications").rglob("*.md"))


def test_a_name_shared_by_two_components_asks_for_the_key(project: Project) -> None:
    project.component("ice-hsi", "Homeland Security Investigations", "HSI", "HSI investigates.")
    project.component("hsi", "Homeland Security Investigations", "HSI", "HSI investigates.")
    assert new(project, "--component", "hsi", "--type", "report")[0] == 0  # the key itself always wins
    exit_code, output = new(
        project, "--component", "Homeland Security Investigations", "--type", "report", title="Other"
    )
    assert exit_code == 2 and "could be any of: hsi, ice-hsi" in output


def test_match_key_alone() -> None:
    names = {"ice": ("Immigration and Customs Enforcement", "ICE"), "cbp": ("Customs and Border Protection", "CBP")}
    assert match_key("CBP", names) == ("cbp", "")
    assert match_key("customs and border protection", names) == ("cbp", "")
    assert match_key("cpb", names)[0] is None
    assert match_key("x", {}) == (None, "none are defined")


def test_placeholder_problems_alone() -> None:
    values = {"summary": f"  {PLACEHOLDER_SUMMARY.upper()}  "}
    body = f"Intro.\n\n{PLACEHOLDER_BODY}\n"
    found = placeholder_problems(values, body, "a.md", {"summary": 7}, 20)
    assert [(d.line, d.severity) for d in found] == [(7, "error"), (22, "error")]
    assert [d.severity for d in placeholder_problems({**values, "draft": True}, body, "a.md")] == ["warning"] * 2
    assert placeholder_problems({"summary": "A real summary."}, "Real text.", "a.md") == []
    assert placeholder_problems({"summary": ["not", "text"]}, "", "a.md") == []
