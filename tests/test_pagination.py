"""Pagination boundaries of index pages, with page_size 3: 0, 1, 3, 4 and 7 items on a component page."""

from __future__ import annotations

import math
from pathlib import Path

import lxml.html
import pytest

from sitekit import Project

PREFIX = "/library/"
ICE = "/publications/component/ice/"
PAGE_SIZE = 3


def text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def page_url(base: str, number: int) -> str:
    return base if number == 1 else f"{base}page/{number}/"


def exists(project: Project, url: str) -> bool:
    return (project.out / url.lstrip("/") / "index.html").is_file()


def items_on(root: lxml.html.HtmlElement) -> list[str]:
    return root.xpath(
        "//main//*[contains(concat(' ', @class, ' '), ' usa-collection__item ')]"
        "//*[contains(@class, 'usa-collection__heading')]/a/@href"
    )


def rel_links(root: lxml.html.HtmlElement) -> dict[str, list[str]]:
    """rel=prev/next in the head and in the pagination nav."""
    return {
        "head_prev": root.xpath("//head/link[@rel='prev']/@href"),
        "head_next": root.xpath("//head/link[@rel='next']/@href"),
        "nav_prev": root.xpath("//nav[contains(@class, 'usa-pagination')]//a[@rel='prev']/@href"),
        "nav_next": root.xpath("//nav[contains(@class, 'usa-pagination')]//a[@rel='next']/@href"),
    }


def make_site(root: Path, count: int) -> tuple[Project, list[str]]:
    """`count` ICE publications (newest first: p-{count-1} ... p-0) and one CBP one that must not show."""
    project = Project(root, page_size=PAGE_SIZE)
    for i in range(count):
        project.publication(f"p-{i}", date=f"2020-01-{i + 1:02d}", summary=f"Summary {i}.")
    project.publication("other", component="cbp", date="2020-02-01")
    report = project.build()
    assert report.ok, [d.text() for d in report.diagnostics]
    newest_first = [f"{PREFIX}publications/p-{i}/" for i in reversed(range(count))]
    return project, newest_first


@pytest.mark.parametrize("count", [0, 1, 3, 4, 7])
def test_component_page_boundaries(tmp_path: Path, count: int) -> None:
    project, expected = make_site(tmp_path / "s", count)
    pages = max(1, math.ceil(count / PAGE_SIZE))
    urls = [page_url(ICE, n) for n in range(1, pages + 1)]

    for number, url in enumerate(urls, start=1):
        assert exists(project, url), url
        root = lxml.html.document_fromstring(project.html(url))
        assert items_on(root) == expected[(number - 1) * PAGE_SIZE : number * PAGE_SIZE], url
        links = rel_links(root)
        prev = [PREFIX + urls[number - 2].lstrip("/")] if number > 1 else []
        nxt = [PREFIX + urls[number].lstrip("/")] if number < pages else []
        assert links == {"head_prev": prev, "head_next": nxt, "nav_prev": prev, "nav_next": nxt}, url
        nav = root.xpath("//nav[contains(@class, 'usa-pagination')]")
        if pages == 1:
            assert not nav, url
        else:
            numbers = nav[0].xpath(".//a[contains(@class, 'usa-pagination__button')]")
            assert [a.get("href") for a in numbers] == [PREFIX + u.lstrip("/") for u in urls]
            assert [a.get("aria-current") for a in numbers] == [
                "page" if n == number else None for n in range(1, pages + 1)
            ]
        # Every page keeps the component's heading and mission statement.
        assert [text(h) for h in root.xpath("//main//h1")] == ["Immigration and Customs Enforcement"]

    # No page N+1, and page 1 lives only at the listing's own URL.
    assert not exists(project, page_url(ICE, pages + 1))
    assert not exists(project, f"{ICE}page/1/")
    if pages == 1:
        assert not (project.out / ICE.lstrip("/") / "page").exists()


def test_empty_listing_says_so(tmp_path: Path) -> None:
    project, _ = make_site(tmp_path / "s", 0)
    root = lxml.html.document_fromstring(project.html(ICE))
    main = text(root.xpath("//main")[0])
    assert "No publications" in main
    assert items_on(root) == []
    assert not root.xpath("//nav[contains(@class, 'usa-pagination')]")


def test_later_pages_have_their_own_title_and_breadcrumb(tmp_path: Path) -> None:
    project, _ = make_site(tmp_path / "s", 7)
    root = lxml.html.document_fromstring(project.html(ICE + "page/3/"))
    crumbs = root.xpath("//nav[contains(@class, 'usa-breadcrumb')]/ol/li")
    assert [text(c) for c in crumbs][-2:] == ["Immigration and Customs Enforcement", "Page 3"]
    assert crumbs[-2].xpath("./a/@href") == [PREFIX + ICE.lstrip("/")]
    assert not crumbs[-1].xpath(".//a")
    titles = {project.html(page_url(ICE, n)).split("<title>")[1].split("</title>")[0] for n in (1, 2, 3)}
    assert len(titles) == 3, "each page of a listing needs its own <title>"
    canonical = root.xpath("//head/link[@rel='canonical']/@href")
    assert canonical == ["https://www.example.gov/library/publications/component/ice/page/3/"]


def test_library_index_is_paginated_too(tmp_path: Path) -> None:
    project, _ = make_site(tmp_path / "s", 4)  # 4 ICE + 1 CBP = 5 publications: two pages
    first = lxml.html.document_fromstring(project.html("/publications/"))
    second = lxml.html.document_fromstring(project.html("/publications/page/2/"))
    assert len(items_on(first)) == 3 and len(items_on(second)) == 2
    assert rel_links(first)["head_next"] == [PREFIX + "publications/page/2/"]
    assert rel_links(second)["head_prev"] == [PREFIX + "publications/"]
    assert not exists(project, "/publications/page/3/")


def test_pages_that_no_longer_exist_are_removed(tmp_path: Path) -> None:
    project, _ = make_site(tmp_path / "s", 7)
    assert exists(project, ICE + "page/3/")
    for i in range(4, 7):
        (project.root / f"content/publications/2020/p-{i}.md").unlink()
    report = project.build()
    assert report.ok, [d.text() for d in report.diagnostics]
    assert exists(project, ICE + "page/2/")
    assert not exists(project, ICE + "page/3/")
    root = lxml.html.document_fromstring(project.html(ICE + "page/2/"))
    assert rel_links(root)["head_next"] == [] and rel_links(root)["nav_next"] == []
