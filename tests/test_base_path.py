"""SPEC: "Every link in the output honours the path of base_url", in HTML, feeds, sitemap and index.json."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import feedparser
import lxml.etree
import lxml.html
import pytest

from sitegen.builder import BuildOptions, build
from sitekit import Project

ORIGIN = "https://example.github.io"
BASE = ORIGIN + "/library/"
SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def populate(project: Project) -> None:
    """Publications that use every kind of link: attachments, aliases, body links to pages, files and site paths."""
    project.write("content/files/report.pdf", "%PDF-1.4 report")
    (project.root / "content/files/chart.png").write_bytes(b"\x89PNG\r\n\x1a\n not really a png")
    project.publication(
        "first",
        date="2020-03-01",
        topics=["privacy"],
        attachments=[{"title": "Report", "file": "files/report.pdf"}],
        aliases=["/publication/first-old", "/old/first.html"],
        body="See [the second](../2021/second.md), [its section](../2021/second.md#details), "
        "[the report](../../files/report.pdf), [about](/about/) and [top](#main-content).\n\n"
        "![A chart of the numbers](../../files/chart.png)\n",
    )
    project.publication(
        "second",
        date="2021-04-01",
        component="cbp",
        type="report",
        body="## Details\n\nBack to [the first](../2020/first.md).\n",
    )
    project.component(
        "ice",
        "Immigration and Customs Enforcement",
        "ICE",
        "ICE protects America. See [the first publication](../publications/2020/first.md).",
    )


def html_files(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def page_path(out: Path, file: Path) -> str:
    """The URL path (under the base path) that serves an output file."""
    relative = file.relative_to(out).as_posix()
    return "/" + (
        relative.removesuffix("index.html")
        if relative.endswith("/index.html") or relative == "index.html"
        else relative
    )


def links_of(file: Path) -> list[str]:
    """Every href, src and form action of a page, and the target of a meta refresh."""
    root = lxml.html.document_fromstring(file.read_text("utf-8"))
    found = [value for attribute in ("href", "src", "action") for value in root.xpath(f"//*/@{attribute}")]
    for content in root.xpath("//meta[@http-equiv='refresh']/@content"):
        found.append(content.split("url=", 1)[1])
    return found


def internal_targets(out: Path, base: str) -> list[tuple[str, str, Path]]:
    """(page, link, output file the link needs) for every link that stays on this site."""
    base_parts = urlsplit(base)
    targets = []
    for file in html_files(out):
        page_url = f"{base_parts.scheme}://{base_parts.netloc}{base_parts.path.rstrip('/')}{page_path(out, file)}"
        for link in links_of(file):
            absolute = urlsplit(urljoin(page_url, link))
            if absolute.netloc != base_parts.netloc or absolute.scheme not in ("http", "https"):
                continue
            path = unquote(absolute.path)
            assert path.startswith(base_parts.path), f"{link} on {file} leaves the base path {base_parts.path}"
            relative = path[len(base_parts.path) :]
            if relative == "" or relative.endswith("/"):
                relative += "index.html"
            targets.append((file.relative_to(out).as_posix(), link, out / relative))
    return targets


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = Project(tmp_path_factory.mktemp("base") / "s", base_url=BASE)
    populate(project)
    report = project.build(search=True)  # the search page links Pagefind's files
    assert report.ok, [d.text() for d in report.diagnostics]
    return project


def test_every_root_relative_link_starts_with_the_base_path(site: Project) -> None:
    checked = 0
    for file in html_files(site.out):
        for link in links_of(file):
            if link.startswith("/") and not link.startswith("//"):
                assert link.startswith("/library/"), f"{link} in {file.relative_to(site.out)}"
                checked += 1
    assert checked > 100


def test_no_link_is_relative_to_the_page(site: Project) -> None:
    """Links are root-relative or absolute (or a fragment): a relative one would break under aliases and pages."""
    for file in html_files(site.out):
        for link in links_of(file):
            assert link.startswith(("/", "#", "https://", "http://", "mailto:")), f"{link} in {file}"


def test_every_internal_link_resolves_to_a_file(site: Project) -> None:
    targets = internal_targets(site.out, BASE)
    assert len(targets) > 100
    missing = sorted({(page, link) for page, link, target in targets if not target.is_file()})
    assert missing == []


def test_body_links_point_to_the_pages_they_name(site: Project) -> None:
    root = lxml.html.document_fromstring(site.html("/publications/first/"))
    body = root.xpath("//*[contains(@class, 'publication-body')]")[0]
    hrefs = {" ".join(a.text_content().split()): a.get("href") for a in body.xpath(".//a")}
    assert hrefs == {
        "the second": "/library/publications/second/",
        "its section": "/library/publications/second/#details",
        "the report": "/library/files/report.pdf",
        "about": "/library/about/",
        "top": "#main-content",
    }
    assert body.xpath(".//img/@src") == ["/library/files/chart.png"]
    mission = lxml.html.document_fromstring(site.html("/publications/component/ice/"))
    assert "/library/publications/first/" in mission.xpath("//*[contains(@class, 'component-mission')]//a/@href")


def test_machine_readable_urls_are_absolute_under_base_url(site: Project) -> None:
    out = site.out
    for feed_file in (out / "feed.xml", out / "publications/component/ice/feed.xml"):
        tree = lxml.etree.parse(str(feed_file))
        ns = {"a": "http://www.w3.org/2005/Atom"}
        urls = tree.xpath("//a:id/text()", namespaces=ns) + tree.xpath("//a:link/@href", namespaces=ns)
        assert urls
        for url in urls:
            assert url.startswith(BASE), f"{url} in {feed_file.name}"
        parsed = feedparser.parse(feed_file.read_bytes())
        assert all(entry.link.startswith(BASE) for entry in parsed.entries)

    locs = lxml.etree.parse(str(out / "sitemap.xml")).xpath("//s:loc/text()", namespaces=SITEMAP_NS)
    assert locs and all(loc.startswith(BASE) for loc in locs)
    assert BASE in locs and BASE + "publications/first/" in locs

    catalog = json.loads((out / "publications/index.json").read_text("utf-8"))
    urls = [catalog["home"]]
    for record in catalog["publications"]:
        urls.append(record["url"])
        urls += [a["url"] for a in record["attachments"]]
        urls += record["aliases"]
    assert all(url.startswith(BASE) for url in urls), urls
    assert BASE + "files/report.pdf" in urls

    assert re.search(
        r"^Sitemap: https://example\.github\.io/library/sitemap\.xml$", (out / "robots.txt").read_text(), re.MULTILINE
    )


def test_canonical_and_open_graph_urls_use_base_url(site: Project) -> None:
    for file in html_files(site.out):
        root = lxml.html.document_fromstring(file.read_text("utf-8"))
        canonical = root.xpath("//link[@rel='canonical']/@href")
        assert len(canonical) == 1 and canonical[0].startswith(BASE), file
        if not root.xpath("//meta[@http-equiv='refresh']"):  # a redirect's canonical: see test_pages.py
            assert canonical == [BASE.rstrip("/") + page_path(site.out, file)]
        assert root.xpath("//meta[@property='og:url']/@content")[0].startswith(BASE)


@pytest.mark.parametrize(
    "override, prefix",
    [
        ("https://preview.example.org/pr-42/", "/pr-42/"),
        ("https://preview.example.org/pr-42", "/pr-42/"),
        ("https://example.github.io/", "/"),
    ],
)
def test_base_url_option_overrides_site_yaml(tmp_path: Path, override: str, prefix: str) -> None:
    project = Project(tmp_path / "s")  # site.yaml says https://www.example.gov/library/
    populate(project)
    out = tmp_path / "out"
    report = build(BuildOptions(project=project.root, out=out, base_url=override, jobs=1))
    assert report.ok, [d.text() for d in report.diagnostics]
    base = override.rstrip("/") + "/"
    for file in html_files(out):
        text = file.read_text("utf-8")
        assert "www.example.gov" not in text, file
        for link in links_of(file):
            if link.startswith("/") and not link.startswith("//"):
                assert link.startswith(prefix), f"{link} in {file}"
    missing = [(page, link) for page, link, target in internal_targets(out, base) if not target.is_file()]
    assert missing == []
    root = lxml.html.document_fromstring((out / "publications/first/index.html").read_text("utf-8"))
    assert root.xpath("//link[@rel='canonical']/@href") == [base + "publications/first/"]
    locs = lxml.etree.parse(str(out / "sitemap.xml")).xpath("//s:loc/text()", namespaces=SITEMAP_NS)
    assert all(loc.startswith(base) for loc in locs)
    assert f"Sitemap: {base}sitemap.xml" in (out / "robots.txt").read_text()
