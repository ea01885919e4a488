"""The pagination partial on a long listing: at most seven page slots, whatever the page count
(the generated library has only three pages per listing, so this builds its own small project)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sitekit import Project

PAGES = 30


@pytest.fixture(scope="module")
def long_listing(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = Project(tmp_path_factory.mktemp("paged") / "site", page_size=1)
    for n in range(PAGES):
        project.publication(f"pub-{n:02d}", date=f"2020-01-{n + 1:02d}")
    report = project.build()
    assert report.ok, [d.text() for d in report.diagnostics]
    return project


def slots(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Pagination" class="usa-pagination">(.*?)</nav>', html, re.S)
    assert nav, "no pagination"
    items = re.findall(
        r'<li class="usa-pagination__item usa-pagination__(page-no|overflow)"[^>]*>(.*?)</li>', nav.group(1), re.S
    )
    return ["…" if kind == "overflow" else re.sub(r"<[^>]+>", "", body).strip() for kind, body in items]


def page_path(n: int) -> str:
    return "/publications/" if n == 1 else f"/publications/page/{n}/"


@pytest.mark.parametrize(
    ("page", "expected"),
    [
        (1, ["1", "2", "3", "4", "5", "…", "30"]),
        (4, ["1", "2", "3", "4", "5", "…", "30"]),
        (5, ["1", "…", "4", "5", "6", "…", "30"]),
        (15, ["1", "…", "14", "15", "16", "…", "30"]),
        (27, ["1", "…", "26", "27", "28", "29", "30"]),
        (30, ["1", "…", "26", "27", "28", "29", "30"]),
    ],
)
def test_long_listings_show_seven_slots(long_listing: Project, page: int, expected: list[str]) -> None:
    html = long_listing.html(page_path(page))
    assert slots(html) == expected
    assert f'aria-current="page">{page}</a>' in html
    assert ('rel="prev"' in html) == (page > 1) and ('rel="next"' in html) == (page < PAGES)
    assert 'aria-label="Last page, page 30"' in html


def test_every_page_is_reachable_through_the_slots(long_listing: Project) -> None:
    """Each page links (by next/prev or a slot) to its neighbours, so no page is orphaned."""
    out: Path = long_listing.out
    for n in range(1, PAGES + 1):
        html = long_listing.html(page_path(n))
        for neighbour in (n - 1, n + 1):
            if 1 <= neighbour <= PAGES:
                assert f'href="/library{page_path(neighbour)}"' in html, (n, neighbour)
        assert (out / page_path(n).lstrip("/") / "index.html").is_file()
