"""Search in a real browser: a word from one publication's body finds it; a facet narrows the results."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fixture_site import (
    COMPONENTS,
    FILTER_COMPONENT,
    SEARCH_PHRASE,
    SEARCH_PHRASE_TITLE,
    SEARCH_WORD,
    SEARCH_WORD_TITLE,
)

pytestmark = pytest.mark.browser


def results(page) -> list[str]:  # noqa: ANN001
    """Titles of the results once real result links are there (templates/search.html, assets/js/search.js)."""
    wait_for_results(page)
    return page.locator("#search-results .search-result__title").all_inner_texts()


def wait_for_results(page) -> None:  # noqa: ANN001
    expect(page.locator("#search-results .search-result__title a[href]").first).to_be_visible(timeout=10_000)
    expect(page.locator("#search-status")).to_contain_text("result", timeout=10_000)


def test_a_word_from_a_body_finds_its_publication_first(page, site_url: str) -> None:  # noqa: ANN001
    # The word is in one publication's title and body, and in no other publication.
    page.goto(site_url + "/search/?q=" + SEARCH_WORD)
    wait_for_results(page)
    assert SEARCH_WORD_TITLE in results(page)[0]


def test_the_search_box_is_labelled_and_typing_searches(page, site_url: str) -> None:  # noqa: ANN001
    page.goto(site_url + "/search/")
    box = page.get_by_label("Search terms")
    box.fill(SEARCH_PHRASE)
    wait_for_results(page)
    assert SEARCH_PHRASE_TITLE in results(page)


def test_a_component_filter_narrows_the_results(page, site_url: str) -> None:  # noqa: ANN001
    page.goto(site_url + "/search/?q=privacy")
    wait_for_results(page)
    message = page.locator("#search-status")
    expect(message).to_contain_text("result")
    before = message.inner_text()
    name = COMPONENTS[FILTER_COMPONENT][0]
    page.locator("label.usa-checkbox__label", has_text=name).click()  # USWDS draws the box; the input is off-screen
    expect(message).not_to_have_text(before, timeout=10_000)
    page.wait_for_timeout(300)
    titles = results(page)
    assert titles, "the filter left no results"
    links = page.locator("#search-results .search-result__title a").evaluate_all("links => links.map(a => a.href)")
    for link in links:
        page_html = page.request.get(link).text()
        assert name in page_html, link


def test_results_show_date_component_and_summary(page, site_url: str) -> None:  # noqa: ANN001
    page.goto(site_url + "/search/?q=" + SEARCH_WORD)
    wait_for_results(page)
    first = page.locator("#search-results > li").first
    component = COMPONENTS["ice"][0]  # the search word's publication is an ICE one
    expect(first).to_contain_text(component, timeout=10_000)
    text = first.inner_text()
    assert component in text
    assert any(
        month in text
        for month in (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        )
    )
