"""A phone without JavaScript, and a publication on paper (issue 15, items 5 and 7).

At 375 px with JavaScript off the header's navigation links and search box are on the page and
usable (USWDS's Menu button needs its script, so it is hidden then). Printed, a publication is
its title, metadata, body and attachment list with each file's full address, and none of the
banner, header, breadcrumb, side navigation or footer.
"""

from __future__ import annotations

import pytest

from .site_under_test import PAGE_KINDS

pytestmark = pytest.mark.browser

CHROME = ("section.usa-banner", "header.usa-header", "nav.usa-breadcrumb", "footer.usa-footer", "a.usa-skipnav")


@pytest.mark.parametrize("kind", ["home", "component", "publication", "publication-spanish"])
def test_navigation_and_search_without_javascript_at_375(browser, site_url: str, kind: str) -> None:  # noqa: ANN001
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    try:
        page = context.new_page()
        page.goto(site_url + PAGE_KINDS[kind])
        links = page.locator("nav.usa-nav a.usa-nav-link")
        assert links.count() >= 2
        for index in range(links.count()):
            box = links.nth(index).bounding_box()
            assert links.nth(index).is_visible() and box and box["width"] >= 24 and box["x"] + box["width"] <= 375
        assert not page.locator(".usa-menu-btn").is_visible()  # it would do nothing without its script
        search = page.locator("#site-search")
        assert search.is_visible()
        search.fill("privacy")
        search.press("Enter")
        page.wait_for_url("**/search/?q=privacy")
        links.first.click()
        assert page.url.rstrip("/").endswith(links.first.get_attribute("href").rstrip("/"))
    finally:
        context.close()


def test_a_printed_publication_is_its_text_and_attachments_only(page, site_url: str) -> None:  # noqa: ANN001
    page.goto(site_url + PAGE_KINDS["publication"])
    page.emulate_media(media="print")
    for selector in CHROME + (".listing-side", ".usa-search"):
        for element in page.locator(selector).all():
            assert not element.is_visible(), f"{selector} is printed"
    for selector in ("main h1", ".publication-summary", ".publication-meta", ".publication-body", ".attachments"):
        assert page.locator(selector).first.is_visible(), f"{selector} is not printed"
    urls = page.locator(".attachment__url")
    assert urls.count() >= 1
    for index in range(urls.count()):
        text = urls.nth(index).inner_text()
        assert urls.nth(index).is_visible() and text.startswith("https://") and "/files/" in text
    pdf = page.pdf(format="Letter")
    assert pdf.startswith(b"%PDF-")
    page.emulate_media(media="screen")
    assert not urls.first.is_visible()  # on screen the link itself is enough
