"""What a page shows is what its fingerprint covers: templates read nothing the fingerprint misses.

A route's fingerprint covers its data (`routes._canonical`: publications by digest, lists of
ListingItems by digest, everything else by value) and the site signature (settings, components,
templates, asset names). Every route of a varied site is rendered here with a recording Jinja
environment: each attribute or item a template reads is checked against the types whose
content those fingerprints cover. A template that reached for anything else (the site graph, a
store, a publication's body from a list) would make incremental builds stale, and fails here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from sitegen.attachments import Download
from sitegen.builder import BuildOptions, BuildReport, analyse
from sitegen.cache import Cache
from sitegen.config import Agency, Dap, Link, Repository, Search, SiteConfig
from sitegen.model import Attachment, Body, Component, ListingItem, Page, Publication, Retirement
from sitegen.render import Renderer
from sitegen.routes import Crumb, Pagination, Route
from sitegen.site import Site
from sitekit import Project

# Types whose whole content is in the site signature or in the fingerprint of any route that holds them.
COVERED = (
    ListingItem,
    Attachment,
    Retirement,
    Crumb,
    Pagination,
    SiteConfig,
    Link,
    Agency,
    Dap,
    Repository,
    Search,
    Component,
    Page,
    dt.date,
    str,
    int,
    tuple,
    list,
    dict,
)
# Covered only on the page of that very publication (its digest is the file's content key).
OWN_PAGE_ONLY = (Publication, Body, Download)
ROUTE_FINGERPRINTED = {"path", "renderer"}  # of the Route itself (the rest of it is its data)


@pytest.fixture(scope="module")
def varied(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = Project(tmp_path_factory.mktemp("deps") / "site")
    project.write("content/files/report.pdf", "%PDF-1.4 report")
    for number in range(25):  # two pages of listings
        project.publication(
            f"p{number:02d}",
            date=f"20{10 + number % 12}-0{1 + number % 9}-1{number % 10}",
            topics=["privacy"] if number % 2 else ["immigration", "privacy"],
            type="fact-sheet" if number % 3 else "report",
            component="ice" if number % 4 else "cbp",
            body=f"## Section {number}\n\nText with a [link](p{(number + 1) % 25:02d}.md).\n",
            folder="2020",
        )
    project.publication(
        "with-file",
        folder="2020",
        updated="2021-05-01",
        attachments=[{"title": "The report", "file": "files/report.pdf"}],
    )
    project.publication("retired", folder="2020", retired={"date": "2022-01-01", "reason": "Superseded."})
    project.publication("spanish", folder="2020", language="es", translations=["with-file"])
    return project


def recorded_reads(project: Project, extra_globals: dict[str, Any] | None = None) -> list[tuple[Route, type, str]]:
    """(route, type of the object, attribute) for every attribute or item any template read."""
    options = BuildOptions(project=project.root, jobs=1)
    cache = Cache(project.root / ".sitegen-cache", enabled=False)
    analysis = analyse(options, cache, BuildReport())
    assert analysis.site is not None and analysis.assets is not None, analysis.diagnostics
    renderer = Renderer(project.root, analysis.site.config, analysis.site.components, analysis.assets, cache.bodies)
    renderer.env.globals.update(extra_globals or {})
    reads: list[tuple[Route, type, str]] = []
    current: list[Route] = []
    plain_getattr, plain_getitem = renderer.env.getattr, renderer.env.getitem

    def getattr_(obj: Any, attribute: str) -> Any:
        reads.append((current[0], type(obj), attribute))
        return plain_getattr(obj, attribute)

    def getitem(obj: Any, argument: Any) -> Any:
        reads.append((current[0], type(obj), str(argument)))
        return plain_getitem(obj, argument)

    renderer.env.getattr, renderer.env.getitem = getattr_, getitem  # type: ignore[method-assign]
    renderer._items.clear()
    for route in analysis.routes:
        if route.renderer.endswith(".html"):
            current[:] = [route]
            renderer._items.clear()
            renderer.render(route)
    cache.close()
    return reads


def uncovered(reads: list[tuple[Route, type, str]]) -> list[str]:
    problems = []
    for route, kind, attribute in reads:
        if issubclass(kind, COVERED) or kind.__module__ in ("jinja2.runtime", "markupsafe", "builtins"):
            continue
        if issubclass(kind, OWN_PAGE_ONLY) and route.renderer == "publication.html":
            continue
        if kind is Route and attribute in ROUTE_FINGERPRINTED:
            continue
        problems.append(f"{route.path} ({route.renderer}) reads {kind.__name__}.{attribute}")
    return sorted(set(problems))


def test_every_template_reads_only_what_the_fingerprint_covers(varied: Project) -> None:
    reads = recorded_reads(varied)
    kinds = {kind for _, kind, _ in reads}
    assert ListingItem in kinds and Publication in kinds and Pagination in kinds, "the site exercises every kind"
    assert len({route.path for route, _, _ in reads}) > 30
    assert uncovered(reads) == []


def test_the_recorder_catches_a_template_that_reads_the_site_graph(varied: Project, tmp_path: Path) -> None:
    """The check itself: a template that counts the site's publications would go stale on every
    listing when a publication is added; the recorder names it."""
    partial = varied.root / "templates/partials/publication_item.html"
    text = partial.read_text()
    try:
        partial.write_text(text + "{{ graph.publications|length }}")
        site = Site.__new__(Site)
        object.__setattr__(site, "publications", ())
        problems = uncovered(recorded_reads(varied, {"graph": site}))
    finally:
        partial.write_text(text)
    assert problems and all("reads Site.publications" in problem for problem in problems)
