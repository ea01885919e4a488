"""The sample library of this repository, whatever content/ holds: it builds, `check` finds no
error, every page the content calls for is there and lists what it should, and every page is
valid HTML (Nu Html Checker), passes the output guards, and links only to files that exist.

This is the one test of the sample content, and it knows no slug, title or component: every
expectation is read from content/ with plain YAML (tests/url_table.py). The tool's own tests run
on generated sites (tests/fixture_site.py); tests/test_content_independence.py proves that
retiring, adding or deleting a sample publication keeps this file green, by pointing
SITEGEN_SAMPLE_PROJECT at a changed copy of the project.

`check --strict` would fail on warnings, and the sample content has some (long summaries, PDFs
without tags or a language): those are content for editors to fix, so the test requires no
error and writes the warnings to test-artifacts/sample-site-warnings.txt.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from browser.site_under_test import VNU_JAR, VNU_JAVA_OPTIONS, missing, nu_errors
from sitegen.builder import BuildOptions, build, check
from sitekit import REPO
from url_table import (
    broken_links,
    changed_files,
    guard_problems,
    missing_pages,
    pages_beyond_the_last,
    wrong_listings,
    wrong_redirects,
)

PROJECT = Path(os.environ.get("SITEGEN_SAMPLE_PROJECT") or REPO)
CONTENT = PROJECT / "content"
WARNINGS = REPO / "test-artifacts" / "sample-site-warnings.txt"


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder, beside the cache the build filled."""
    folder = tmp_path_factory.mktemp("sample")
    report = build(BuildOptions(project=PROJECT, out=folder / "site", cache_dir=folder / "cache", jobs=1))
    assert report.ok, [d.text() for d in report.diagnostics if d.severity == "error"]
    return folder / "site"


def test_check_finds_no_error(out: Path) -> None:
    report = check(BuildOptions(project=PROJECT, cache_dir=out.parent / "cache", jobs=1))
    assert [d.text() for d in report.diagnostics if d.severity == "error"] == []
    warnings = [d.text() for d in report.diagnostics if d.severity != "error"]
    if PROJECT == REPO:
        WARNINGS.parent.mkdir(parents=True, exist_ok=True)
        WARNINGS.write_text(
            f"sitegen check --strict: {len(warnings)} warnings\n" + "".join(f"{w}\n" for w in warnings), "utf-8"
        )


def test_every_page_the_content_calls_for_exists(out: Path) -> None:
    assert missing_pages(CONTENT, out) == []
    assert pages_beyond_the_last(CONTENT, out) == []


def test_each_listing_shows_its_publications_newest_first(out: Path) -> None:
    """The library and each component, type, topic and year listing (the seed page is one of
    them) shows exactly its publications' titles and summaries, newest first."""
    assert wrong_listings(CONTENT, out) == []


def test_attachments_are_published_byte_for_byte_and_aliases_redirect(out: Path) -> None:
    assert changed_files(CONTENT, out) == []
    assert wrong_redirects(CONTENT, out) == []


def test_every_internal_link_resolves_to_a_file(out: Path) -> None:
    checked, broken = broken_links(CONTENT, out)
    assert broken == []
    assert checked > len(list(out.rglob("*.html")))  # every page links to the home page and its assets at least


def test_output_guards_pass_on_every_page(out: Path) -> None:
    assert guard_problems(out) == []


@pytest.mark.browser  # needs Java and the npm tools, as the browser tests do
def test_every_page_is_valid_html(out: Path) -> None:
    """The Nu Html Checker, once over the whole output folder."""
    java = shutil.which("java")
    problem = missing("java", java, "java") or missing("npm", VNU_JAR.is_file(), "the Nu Html Checker")
    if problem:
        pytest.fail(problem, pytrace=False)
    command = [str(java), *VNU_JAVA_OPTIONS, "-jar", str(VNU_JAR), "--errors-only", "--skip-non-html"]
    command += ["--format", "json", str(out)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    errors = nu_errors(run, out)
    assert errors == [], f"{len(errors)} HTML errors:\n" + "\n".join(errors[:50])
    assert run.returncode == 0, run.stderr[-2000:]
