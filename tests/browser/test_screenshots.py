"""Screenshots as the public sees the site (issue 15, item 8), at 1280 and 375 px.

Home, a component page, a publication page and the search page with results are written to
test-artifacts/screenshots/public-<page>-<width>.png (full page) and public-<page>-<width>-top.png
(the first screen) for a person to look at. Each is also checked for what a reader sees first:
on a component page the first publication starts within the first screen at 1280x900.
"""

from __future__ import annotations

import pytest

from .site_under_test import PAGE_KINDS

pytestmark = pytest.mark.browser

PAGES = {
    "home": "/",
    "component": PAGE_KINDS["component"],
    "publication": PAGE_KINDS["publication"],
    "search": "/search/?q=privacy",
}


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("name", PAGES)
def test_screenshot(page, site_url: str, save_screenshot, name: str, width: int) -> None:  # noqa: ANN001
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site_url + PAGES[name], wait_until="load")
    if name == "search":
        page.wait_for_selector("#search-results a[href]", timeout=20_000)  # real results, not placeholders
    page.wait_for_timeout(300)
    path = save_screenshot(page, f"public-{name}-{width}")
    top = path.with_name(f"public-{name}-{width}-top.png")
    page.screenshot(path=str(top))
    assert path.stat().st_size > 10_000 and top.is_file()
    if name == "component" and width == 1280:
        first = page.locator(".usa-collection__item").first.bounding_box()
        assert first and first["y"] < 900, f"the first publication starts at y = {first and first['y']}"
