"""Machine-readable outputs: Atom feeds, sitemap.xml, publications/index.json, robots.txt, and drafts."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import feedparser
import lxml.etree
import lxml.html
import pytest

from sitegen.builder import BuildOptions, build
from sitekit import REPO, Project

BASE = "https://www.example.gov/library/"
ATOM = {"a": "http://www.w3.org/2005/Atom"}
SITEMAP = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SITEMAP_XSD = REPO / "node_modules" / "sitemap" / "schema" / "sitemap.xsd"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
W3C_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
COUNT = 55  # more than a feed holds


def rfc3339(value: str) -> dt.datetime:
    assert RFC3339.match(value), value
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """55 ICE publications (dates 2015-01-01 + i days), two CBP ones, an alias, an attachment, a draft."""
    project = Project(tmp_path_factory.mktemp("outputs") / "s", page_size=20)
    project.write("content/files/report.pdf", "%PDF-1.4\n" + "r" * 4321)
    start = dt.date(2015, 1, 1)
    for i in range(COUNT):
        project.publication(
            f"ice-{i:02d}", date=(start + dt.timedelta(days=i)).isoformat(), summary=f"ICE summary {i}.", folder="ice"
        )
    project.publication(
        "cbp-old",
        date="2010-06-01",
        component="cbp",
        updated="2022-02-02",
        summary="Old CBP.",
        attachments=[{"title": "CBP report", "file": "files/report.pdf"}],
        aliases=["/publication/cbp-old", "/old/cbp-old.html"],
    )
    project.publication("cbp-new", date="2016-03-01", component="cbp", summary="New CBP.")
    project.publication(
        "secret-draft", title="Embargoed draft title", date="2030-01-01", draft=True, summary="Embargoed draft summary."
    )
    report = project.build()
    assert report.ok, [d.text() for d in report.diagnostics]
    return project


def published(project: Project) -> list[tuple[str, dt.date, dt.date]]:
    """(slug, date, last modified) of every published publication, newest first, as the fixture made them."""
    start = dt.date(2015, 1, 1)
    items = [(f"ice-{i:02d}", start + dt.timedelta(days=i), start + dt.timedelta(days=i)) for i in range(COUNT)]
    items += [
        ("cbp-old", dt.date(2010, 6, 1), dt.date(2022, 2, 2)),
        ("cbp-new", dt.date(2016, 3, 1), dt.date(2016, 3, 1)),
    ]
    return sorted(items, key=lambda item: (-item[1].toordinal(), item[0]))


# -- Atom feeds -------------------------------------------------------------------------------


def check_feed(path: Path, self_url: str, expected: list[tuple[str, dt.date, dt.date]]) -> lxml.etree._ElementTree:
    data = path.read_bytes()
    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"

    tree = lxml.etree.fromstring(data)
    assert tree.tag == "{http://www.w3.org/2005/Atom}feed"

    def one(xpath: str, node: lxml.etree._Element = tree) -> list:
        return node.xpath(xpath, namespaces=ATOM)

    assert len(one("a:id")) == 1 and one("a:id")[0].text == self_url
    assert len(one("a:title")) == 1 and one("a:title")[0].text.strip()
    assert len(one("a:updated")) == 1
    assert one("a:link[@rel='self']/@href") == [self_url]
    assert [n.text for n in one("a:author/a:name")] == ["U.S. Department of Homeland Security"]

    entries = one("a:entry")
    assert len(entries) == min(50, len(expected))
    for entry, (slug, date, modified) in zip(entries, expected):
        url = f"{BASE}publications/{slug}/"
        assert [n.text for n in one("a:id", entry)] == [url]
        assert len(one("a:title", entry)) == 1 and one("a:title", entry)[0].text.strip()
        assert [rfc3339(n.text) for n in one("a:updated", entry)] == [dt.datetime.combine(modified, dt.time(), dt.UTC)]
        published_ = one("a:published", entry)
        if published_:
            assert rfc3339(published_[0].text).date() == date
        assert one("a:link[@rel='alternate' or not(@rel)]/@href", entry) == [url]
        assert len(one("a:summary", entry)) == 1 and one("a:summary", entry)[0].text.strip()
    # Dates come from content, never from the clock.
    assert rfc3339(one("a:updated")[0].text) == dt.datetime.combine(
        max(item[2] for item in expected[:50]), dt.time(), dt.UTC
    )
    assert [e.link for e in parsed.entries] == [f"{BASE}publications/{slug}/" for slug, _, _ in expected[:50]]
    return tree


def test_site_feed(site: Project) -> None:
    expected = published(site)
    tree = check_feed(site.out / "feed.xml", BASE + "feed.xml", expected)
    assert len(tree.xpath("a:entry", namespaces=ATOM)) == 50
    # Newest 50 by date: the two oldest ICE publications and cbp-old fall out.
    assert "ice-00" not in (site.out / "feed.xml").read_text()


def test_component_feed(site: Project) -> None:
    expected = [item for item in published(site) if item[0].startswith("cbp")]
    check_feed(site.out / "publications/component/cbp/feed.xml", BASE + "publications/component/cbp/feed.xml", expected)
    # cbp-old was updated in 2022: the feed's updated is its newest change, not its newest publication date.
    parsed = feedparser.parse((site.out / "publications/component/cbp/feed.xml").read_bytes())
    assert parsed.feed.updated == "2022-02-02T00:00:00Z"


def test_feed_updated_is_the_newest_publication_date(tmp_path: Path) -> None:
    project = Project(tmp_path / "s")
    project.publication("older", date="2019-04-01")
    project.publication("newest", date="2021-07-09")
    project.publication("middle", date="2020-01-01")
    assert project.build().ok
    parsed = feedparser.parse((project.out / "feed.xml").read_bytes())
    assert parsed.feed.updated == "2021-07-09T00:00:00Z"
    assert [e.id for e in parsed.entries] == [f"{BASE}publications/{s}/" for s in ("newest", "middle", "older")]
    assert parsed.entries[0].published == "2021-07-09T00:00:00Z"


def test_feed_of_a_component_without_publications(tmp_path: Path) -> None:
    project = Project(tmp_path / "s")
    project.publication("only-ice", date="2020-01-01")
    assert project.build().ok
    data = (project.out / "publications/component/cbp/feed.xml").read_bytes()
    parsed = feedparser.parse(data)
    assert not parsed.bozo and parsed.entries == []
    updated = lxml.etree.fromstring(data).xpath("a:updated/text()", namespaces=ATOM)
    assert len(updated) == 1 and rfc3339(updated[0]).date() < dt.date.today()  # fixed, not the clock


def test_feeds_are_linked_from_their_pages(site: Project) -> None:
    for page, feed in (
        ("publications/component/cbp/index.html", "/library/publications/component/cbp/feed.xml"),
        ("index.html", "/library/feed.xml"),
    ):
        root = lxml.html.document_fromstring((site.out / page).read_text("utf-8"))
        assert feed in root.xpath("//head/link[@rel='alternate'][@type='application/atom+xml']/@href")


# -- sitemap ----------------------------------------------------------------------------------


def sitemap_entries(out: Path) -> dict[str, str | None]:
    tree = lxml.etree.parse(str(out / "sitemap.xml"))
    entries = {}
    for url in tree.xpath("//s:url", namespaces=SITEMAP):
        loc = url.xpath("s:loc/text()", namespaces=SITEMAP)
        lastmod = url.xpath("s:lastmod/text()", namespaces=SITEMAP)
        assert len(loc) == 1
        assert loc[0] not in entries, f"{loc[0]} listed twice"
        entries[loc[0]] = lastmod[0] if lastmod else None
    return entries


def test_sitemap_validates_against_the_schema(site: Project) -> None:
    schema = lxml.etree.XMLSchema(lxml.etree.parse(str(SITEMAP_XSD)))
    document = lxml.etree.parse(str(site.out / "sitemap.xml"))
    assert schema.validate(document), schema.error_log


def test_sitemap_lists_every_content_page_and_nothing_else(site: Project) -> None:
    entries = sitemap_entries(site.out)
    content_pages = set()
    redirects = set()
    for file in site.out.rglob("*.html"):
        relative = file.relative_to(site.out).as_posix()
        url = BASE + (relative.removesuffix("index.html") if relative.endswith("index.html") else relative)
        root = lxml.html.document_fromstring(file.read_text("utf-8"))
        if root.xpath("//meta[@http-equiv='refresh']"):
            redirects.add(url)
        elif relative != "404.html":
            content_pages.add(url)
    assert {BASE + "publication/cbp-old/", BASE + "old/cbp-old.html"} == redirects
    assert set(entries) == content_pages
    assert BASE + "404.html" not in entries
    # Pagination pages are content pages: 57 publications at 20 a page.
    assert {
        BASE + "publications/page/2/",
        BASE + "publications/page/3/",
        BASE + "publications/component/ice/page/3/",
    } <= set(entries)
    assert BASE + "publications/page/4/" not in entries


def test_sitemap_lastmod_comes_from_content(site: Project) -> None:
    entries = sitemap_entries(site.out)
    for value in entries.values():
        assert value is None or W3C_DATE.match(value), value
    for slug, _date, modified in published(site):
        assert entries[f"{BASE}publications/{slug}/"] == modified.isoformat()
    assert entries[BASE] == "2022-02-02"  # the newest change anywhere: cbp-old's update
    assert entries[BASE + "publications/component/cbp/"] == "2022-02-02"
    assert entries[BASE + "publications/year/2016/"] == "2016-03-01"


# -- index.json and robots.txt ----------------------------------------------------------------


def test_catalogue_lists_every_published_publication(site: Project) -> None:
    catalog = json.loads((site.out / "publications/index.json").read_text("utf-8"))
    expected = published(site)
    records = catalog["publications"]
    assert [r["slug"] for r in records] == [slug for slug, _, _ in expected]
    assert catalog["count"] == len(records) == COUNT + 2
    for record, (slug, date, _modified) in zip(records, expected):
        assert record["url"] == f"{BASE}publications/{slug}/"
        assert record["date"] == date.isoformat()
        assert record["title"] and record["summary"]
    old = next(r for r in records if r["slug"] == "cbp-old")
    size = (site.root / "content/files/report.pdf").stat().st_size
    assert old["attachments"] == [
        {
            "title": "CBP report",
            "url": BASE + "files/report.pdf",
            "size": size,
            "format": "PDF",
            "language": "en",
            "mediaType": "application/pdf",
            "pages": None,
        }
    ]  # "%PDF-1.4 rrr...": no page to count (a damaged file)
    assert old["updated"] == "2022-02-02"
    assert old["component"]["key"] == "cbp" and old["type"]["key"] == "fact-sheet"
    assert (site.out / "files/report.pdf").stat().st_size == size


def test_robots_names_the_sitemap(site: Project) -> None:
    lines = (site.out / "robots.txt").read_text().splitlines()
    assert f"Sitemap: {BASE}sitemap.xml" in lines
    assert "User-agent: *" in lines
    assert "Disallow: /" not in lines


# -- drafts -----------------------------------------------------------------------------------


def all_text(out: Path) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): p.read_text("utf-8")
        for p in out.rglob("*")
        if p.is_file() and p.suffix in (".html", ".xml", ".json", ".txt")
    }


def test_drafts_appear_nowhere(site: Project) -> None:
    assert not (site.out / "publications/secret-draft").exists()
    assert not (site.out / "publications/year/2030").exists()
    for name, content in all_text(site.out).items():
        for needle in ("secret-draft", "Embargoed draft"):
            assert needle not in content, f"{needle} in {name}"


def test_drafts_are_built_with_the_drafts_option(site: Project, tmp_path: Path) -> None:
    out = tmp_path / "with-drafts"
    report = build(BuildOptions(project=site.root, out=out, drafts=True, jobs=1))
    assert report.ok, [d.text() for d in report.diagnostics]
    page = lxml.html.document_fromstring((out / "publications/secret-draft/index.html").read_text("utf-8"))
    assert [" ".join(h.text_content().split()) for h in page.xpath("//main//h1")] == ["Embargoed draft title"]
    assert f"{BASE}publications/secret-draft/" in sitemap_entries(out)
    catalog = json.loads((out / "publications/index.json").read_text("utf-8"))
    assert catalog["publications"][0]["slug"] == "secret-draft"
    assert feedparser.parse((out / "feed.xml").read_bytes()).entries[0].link == f"{BASE}publications/secret-draft/"
    assert "/library/publications/secret-draft/" in (out / "publications/component/ice/index.html").read_text()


def test_a_drafts_attachment_is_not_published(tmp_path: Path) -> None:
    project = Project(tmp_path / "s")
    project.write("content/files/embargoed.pdf", "%PDF-1.4 embargoed")
    project.publication("draft-report", draft=True, attachments=[{"title": "Report", "file": "files/embargoed.pdf"}])
    assert project.build().ok
    assert not (project.out / "files/embargoed.pdf").exists()
