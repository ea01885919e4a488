"""After a quick rebuild with the index on, the search page finds what the edit wrote (issue 19 item 5).

The edit re-indexes only its shard, from kept records (tests/test_quick_search.py compares the
output with a clean build's); here Pagefind's own script, in Chromium, searches the merged shards:
the word the edit added is found, in the edited publication only, and the word it removed is not.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

import sitegen.search
from sitekit import Project

from .static_site import served

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def edited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Six publications in three shards; one body edit, built by the quick path."""
    project = Project(tmp_path_factory.mktemp("quick") / "s")
    for year in (2018, 2019, 2020):
        for n in range(2):
            project.publication(f"p{year}-{n}", date=f"{year}-0{n + 1}-01", body=f"The quagmire survey, year {year}.")
    source = Path(project.root, "content/publications/2019/p2019-1.md")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sitegen.search, "SHARD_SIZE", 2)
        assert project.build(search=True).ok
        source.write_text(source.read_text().replace("quagmire", "zanzibarite"))
        report = project.build(search=True)
    assert report.ok and "quick" in report.timings
    with served(project.out, project.root / "www") as url:
        yield url


def test_the_word_an_edit_added_is_found_and_the_one_it_removed_is_not(page, edited: str) -> None:  # noqa: ANN001
    page.goto(edited + "/search/?q=zanzibarite")
    expect(page.locator("#search-form[data-search-ready]")).to_have_count(1, timeout=15_000)
    status = page.locator("#search-status")
    expect(status).to_contain_text("1 result", timeout=10_000)
    links = page.locator("#search-results a[href*='/publications/']")
    expect(links.first).to_have_attribute("href", "/library/publications/p2019-1/")
    page.goto(edited + "/search/?q=quagmire")
    expect(page.locator("#search-form[data-search-ready]")).to_have_count(1, timeout=15_000)
    expect(status).to_contain_text("5 results", timeout=10_000)  # every other publication, in every shard
