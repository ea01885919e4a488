"""The generated library (tests/fixture_site.py) built as `sitegen build` builds it: every page its
content calls for (SPEC's URL table), each listing with exactly its publications newest first,
attachments byte for byte, aliases that redirect, no link to a missing file, and `check --strict`
silent. The same checks run on whatever the sample site holds (tests/test_sample_site.py).
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from fixture_site import ATTACHED_ALIAS, RETIRED, SCHEDULED, SPANISH
from sitegen.cli import main
from sitekit import Project
from url_table import (
    broken_links,
    changed_files,
    expected_urls,
    guard_problems,
    listed,
    listings,
    missing_pages,
    pages_beyond_the_last,
    wrong_listings,
    wrong_redirects,
)


def test_check_strict_finds_nothing(library: Project) -> None:
    result = CliRunner().invoke(main, ["check", str(library.root), "--strict", "--format", "json"])
    assert (result.exit_code, result.output.strip()) == (0, "[]")


def test_every_page_the_content_calls_for_exists(library: Project, library_www: Path) -> None:
    content, out = library.root / "content", library_www / "library"
    urls = expected_urls(content)
    assert {"/publications/page/3/", "/publications/component/ice/page/2/", ATTACHED_ALIAS + "/"} <= set(urls)
    assert f"/publications/{RETIRED}/" in urls and f"/publications/{SCHEDULED}/" not in urls
    assert missing_pages(content, out) == []
    assert pages_beyond_the_last(content, out) == []


def test_each_listing_shows_its_publications_newest_first(library: Project, library_www: Path) -> None:
    content = library.root / "content"
    assert any(p["slug"] == SPANISH for p in listed(content))  # translations are listed too
    assert len(listings(content)) > 20
    assert wrong_listings(content, library_www / "library") == []


def test_attachments_are_published_byte_for_byte_and_aliases_redirect(library: Project, library_www: Path) -> None:
    content, out = library.root / "content", library_www / "library"
    assert changed_files(content, out) == []
    assert wrong_redirects(content, out) == []


def test_every_internal_link_resolves_and_every_page_passes_the_guards(library: Project, library_www: Path) -> None:
    content, out = library.root / "content", library_www / "library"
    checked, broken = broken_links(content, out)
    assert broken == [] and checked > 1000
    assert guard_problems(out) == []
