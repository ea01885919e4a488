"""Parsed-HTML checks of every page kind and of the anatomy every HTML page shares (SPEC "Page anatomy").

One small site is built once for the module; each test reads the pages it needs with lxml and asserts
on elements and attributes, never on whole-page text.
"""

from __future__ import annotations

import json
import re

import lxml.html
import pytest

from sitekit import SITE_YAML, Project

BASE = "https://www.example.gov/library/"
PREFIX = "/library/"
PANEL_TEXT_GOV = "Official websites use .gov"
PANEL_TEXT_HTTPS = "Secure .gov websites use HTTPS"


def parse(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


def with_class(root: lxml.html.HtmlElement, cls: str, tag: str = "*") -> list[lxml.html.HtmlElement]:
    return root.xpath(f".//{tag}[contains(concat(' ', normalize-space(@class), ' '), ' {cls} ')]")


def text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def meta(root: lxml.html.HtmlElement, *, name: str = "", prop: str = "") -> str:
    found = root.xpath(f"//head/meta[@name='{name}']/@content" if name else f"//head/meta[@property='{prop}']/@content")
    assert len(found) == 1, f"expected one meta {name or prop}, found {found}"
    return found[0]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Project:
    project = Project(tmp_path_factory.mktemp("pages") / "site")
    project.write("content/files/report.pdf", "%PDF-" + "x" * 2995)
    project.write("content/files/data.csv", "y" * 1_234_567)
    # alpha and beta share a date: beta's file is read first (folder "a"), yet alpha must be listed first.
    project.publication(
        "alpha",
        title="DHS/ICE/PIA-049 Alpha Case Management",
        date="2020-05-01",
        updated="2020-06-02",
        type="privacy-impact-assessment",
        topics=["privacy", "immigration"],
        summary="Alpha summary for the parole unit.",
        folder="z",
        body="The alpha body paragraph.\n\n## Retention\n\nRecords are kept.\n",
        attachments=[
            {"title": "Alpha report", "file": "files/report.pdf"},
            {"title": "Alpha data", "file": "files/data.csv"},
        ],
        aliases=["/publication/alpha-old"],
    )
    project.publication("beta", title="Beta fact sheet", date="2020-05-01", summary="Beta summary.", folder="a")
    project.publication("gamma", title="Gamma statement", date="2021-01-10", summary="Gamma summary.")
    project.publication(
        "delta",
        title="Delta report",
        date="2019-03-03",
        component="cbp",
        type="report",
        topics=["cybersecurity"],
        summary="Delta summary.",
    )
    project.publication(
        "escaped",
        title="Fees & <b>Charges</b>",
        date="2018-01-01",
        component="cbp",
        summary="Summary with <script>alert(1)</script> text.",
    )
    report = project.build()
    assert report.ok, [d.text() for d in report.diagnostics]
    return project


def page(site: Project, url: str) -> lxml.html.HtmlElement:
    return parse(site.html(url))


def html_urls(site: Project) -> list[str]:
    """The site path of every HTML file of the output."""
    urls = []
    for path in sorted(site.out.rglob("*.html")):
        relative = path.relative_to(site.out).as_posix()
        urls.append("/" + (relative.removesuffix("index.html") if relative.endswith("index.html") else relative))
    return urls


def list_items(root: lxml.html.HtmlElement) -> list[dict[str, str]]:
    """Each publication of a listing: title, link, summary and date, in page order."""
    items = []
    for item in with_class(root, "usa-collection__item"):
        links = item.xpath(".//a[@href]")
        times = item.xpath(".//time/@datetime")
        description = with_class(item, "usa-collection__description")
        items.append(
            {
                "title": text(links[0]),
                "href": links[0].get("href"),
                "summary": text(description[0]) if description else "",
                "date": times[0] if times else "",
            }
        )
    return items


# -- the anatomy of every page ---------------------------------------------------------------

PAGE_KINDS = {
    "home": "/",
    "library": "/publications/",
    "publication": "/publications/alpha/",
    "component": "/publications/component/ice/",
    "type": "/publications/type/report/",
    "topic": "/publications/topic/privacy/",
    "year": "/publications/year/2020/",
    "page": "/about/",
    "search": "/search/",
    "404": "/404.html",
    "redirect": "/publication/alpha-old/",
}


FOCUSABLE = (
    " or ".join(f"self::{tag}" for tag in ("a", "button", "input", "select", "textarea", "summary", "iframe"))
    + " or @tabindex"
)


def check_anatomy(url: str, root: lxml.html.HtmlElement) -> None:
    where = f"on {url}"
    assert root.get("lang") == "en", where
    title = root.xpath("//head/title")
    assert len(title) == 1 and text(title[0]), where
    assert SITE_YAML["title"] in text(title[0]), where
    assert meta(root, name="description").strip(), where

    canonical = root.xpath("//head/link[@rel='canonical']/@href")
    assert len(canonical) == 1, where
    assert canonical[0].startswith(BASE), f"canonical {canonical[0]} is not absolute https under base_url {where}"
    for prop in ("og:title", "og:description", "og:url", "og:type", "og:site_name"):
        assert meta(root, prop=prop).strip(), f"{prop} {where}"
    assert meta(root, prop="og:url").startswith(BASE), where

    # The skip link is the first thing a keyboard reaches, and its target exists.
    focusable = [
        e
        for e in root.xpath(f"//body//*[{FOCUSABLE}]")
        if (e.tag != "a" or e.get("href") is not None) and e.get("tabindex") != "-1"
    ]
    assert focusable, where
    assert focusable[0].tag == "a" and focusable[0].get("href") == "#main-content", where
    assert root.xpath("//main[@id='main-content']"), where

    # The official-site banner, with the explanations in the HTML itself.
    banners = root.xpath("//section[contains(concat(' ', @class, ' '), ' usa-banner ')]")
    assert len(banners) == 1, where
    banner = banners[0]
    assert banner.get("aria-label") == "Official website of the United States government", where
    assert "An official website of the United States government" in text(banner), where
    buttons = banner.xpath(".//button[@aria-controls]")
    assert len(buttons) == 1, where
    button = buttons[0]
    assert button.get("aria-expanded") == "false", where
    assert "how you know" in text(button), where
    panels = root.xpath(f"//*[@id='{button.get('aria-controls')}']")
    assert len(panels) == 1 and banner in panels[0].iterancestors(), where
    panel = panels[0]
    assert panel.get("hidden") is None, f"the banner explanations must be readable without JavaScript {where}"
    assert PANEL_TEXT_GOV in text(panel), where
    assert ".gov website belongs to an official government organization" in text(panel), where
    assert PANEL_TEXT_HTTPS in text(panel) and "https://" in text(panel), where

    # The breadcrumb: every page but home.
    crumbs = root.xpath("//nav[contains(concat(' ', @class, ' '), ' usa-breadcrumb ')]")
    if url == "/":
        assert not crumbs, where
    else:
        assert len(crumbs) == 1, f"no breadcrumb {where}"
        items = crumbs[0].xpath("./ol/li")
        assert len(items) >= 3, where
        assert [text(i) for i in items[:2]] == ["Home", "News"], where
        assert items[0].xpath("./a/@href") == [PREFIX], where
        assert items[1].xpath("./a/@href") == ["https://www.dhs.gov/news"], where
        assert text(items[2]) == "Publications Library", where
        if url != "/publications/":
            assert items[2].xpath("./a/@href") == [PREFIX + "publications/"], where
        for item in items[:-1]:
            assert len(item.xpath("./a[@href]")) == 1, where
        assert not items[-1].xpath(".//a"), f"the current page must not be a link {where}"
        assert items[-1].get("aria-current") == "page", where

    # The identifier: agency, the seven required links in site.yaml's order, Visit USA.gov.
    footer = root.xpath("//footer")
    assert len(footer) == 1, where
    identifier = with_class(footer[0], "usa-identifier")
    assert len(identifier) == 1, where
    assert "U.S. Department of Homeland Security" in text(identifier[0]) and "dhs.gov" in text(identifier[0]), where
    required = identifier[0].xpath(".//*[contains(@class, 'usa-identifier__required-links-list')]//a")
    expected = [PREFIX + "about/", PREFIX + "accessibility/"] + [
        SITE_YAML["identifier"][key] for key in ("foia", "no_fear", "oig", "performance", "privacy")
    ]
    assert [a.get("href") for a in required] == expected, where
    assert [text(a) for a in required] == [
        "About DHS",
        "Accessibility statement",
        "FOIA requests",
        "No FEAR Act data",
        "Office of the Inspector General",
        "Performance reports",
        "Privacy policy",
    ], where
    usagov = [a for a in identifier[0].xpath(".//a") if text(a) == "Visit USA.gov"]
    assert len(usagov) == 1 and usagov[0].get("href") == "https://www.usa.gov/", where


@pytest.mark.parametrize("url", PAGE_KINDS.values(), ids=PAGE_KINDS.keys())
def test_page_anatomy(site: Project, url: str) -> None:
    check_anatomy(url, page(site, url))


def test_every_html_page_has_the_anatomy(site: Project) -> None:
    urls = html_urls(site)
    assert set(PAGE_KINDS.values()) <= set(urls)
    for url in urls:
        check_anatomy(url, page(site, url))


def test_canonical_and_og_url_are_the_page_itself(site: Project) -> None:
    for url in html_urls(site):
        if url == "/publication/alpha-old/":
            continue  # see test_redirect_page_canonical_names_the_publication
        root = page(site, url)
        expected = BASE + url.lstrip("/")
        assert root.xpath("//head/link[@rel='canonical']/@href") == [expected]
        assert meta(root, prop="og:url") == expected


def breadcrumb(root: lxml.html.HtmlElement) -> list[tuple[str, str | None]]:
    items = root.xpath("//nav[contains(@class, 'usa-breadcrumb')]/ol/li")
    return [(text(i), (i.xpath("./a/@href") or [None])[0]) for i in items]


HEAD = [("Home", PREFIX), ("News", "https://www.dhs.gov/news"), ("Publications Library", PREFIX + "publications/")]


@pytest.mark.parametrize(
    "url, own",
    [
        ("/publications/", None),
        (
            "/publications/alpha/",
            [
                ("Immigration and Customs Enforcement", PREFIX + "publications/component/ice/"),
                ("DHS/ICE/PIA-049 Alpha Case Management", None),
            ],
        ),
        ("/publications/component/ice/", [("Immigration and Customs Enforcement", None)]),
        ("/publications/type/report/", [("Report", None)]),
        ("/publications/topic/privacy/", [("Privacy", None)]),
        ("/publications/year/2020/", [("2020", None)]),
        ("/about/", [("About the library", None)]),
        ("/search/", [("Search publications", None)]),
        ("/404.html", [("Page not found", None)]),
    ],
)
def test_breadcrumb_trail(site: Project, url: str, own: list[tuple[str, str | None]] | None) -> None:
    expected = HEAD[:2] + [("Publications Library", None)] if own is None else HEAD + own
    assert breadcrumb(page(site, url)) == expected


def test_home_has_no_breadcrumb(site: Project) -> None:
    assert breadcrumb(page(site, "/")) == []


# -- page kinds ------------------------------------------------------------------------------


def test_home_page(site: Project) -> None:
    root = page(site, "/")
    assert [text(h) for h in root.xpath("//main//h1")] == ["Publications Library"]
    items = list_items(root)
    newest_first = ("gamma", "alpha", "beta", "delta", "escaped")
    assert [i["href"] for i in items] == [PREFIX + f"publications/{s}/" for s in newest_first]
    hrefs = set(root.xpath("//main//a/@href"))
    assert {
        PREFIX + "publications/component/ice/",
        PREFIX + "publications/component/cbp/",
        PREFIX + "publications/type/report/",
        PREFIX + "publications/topic/privacy/",
        PREFIX + "publications/year/2021/",
        PREFIX + "publications/",
    } <= hrefs


def test_library_index(site: Project) -> None:
    root = page(site, "/publications/")
    assert [text(h) for h in root.xpath("//main//h1")] == ["All publications"]  # home is "Publications Library"
    items = list_items(root)
    assert [i["title"] for i in items] == [
        "Gamma statement",
        "DHS/ICE/PIA-049 Alpha Case Management",
        "Beta fact sheet",
        "Delta report",
        "Fees & <b>Charges</b>",
    ]
    assert [i["date"] for i in items] == ["2021-01-10", "2020-05-01", "2020-05-01", "2019-03-03", "2018-01-01"]
    assert set(root.xpath("//head/link[@rel='alternate'][@type='application/atom+xml']/@href")) == {PREFIX + "feed.xml"}
    assert not root.xpath("//head/link[@rel='next' or @rel='prev']")


def test_publication_page(site: Project) -> None:
    root = page(site, "/publications/alpha/")
    main = root.xpath("//main")[0]
    assert [text(h) for h in main.xpath(".//h1")] == ["DHS/ICE/PIA-049 Alpha Case Management"]
    assert main.xpath(".//time/@datetime") == ["2020-05-01", "2020-06-02"]
    links = {text(a): a.get("href") for a in main.xpath(".//a[@href]")}
    assert links["Immigration and Customs Enforcement"] == PREFIX + "publications/component/ice/"
    assert links["Privacy Impact Assessment"] == PREFIX + "publications/type/privacy-impact-assessment/"
    assert links["Privacy"] == PREFIX + "publications/topic/privacy/"
    assert links["Immigration"] == PREFIX + "publications/topic/immigration/"
    assert "Alpha summary for the parole unit." in [text(p) for p in main.xpath(".//p")]
    assert "The alpha body paragraph." in [text(p) for p in main.xpath(".//p")]
    assert main.xpath(".//h2[@id='retention']")
    assert meta(root, name="description") == "Alpha summary for the parole unit."


def test_publication_attachments_show_type_and_size(site: Project) -> None:
    main = page(site, "/publications/alpha/").xpath("//main")[0]
    downloads = {}
    for a in main.xpath(".//a[@href]"):
        if a.get("href").startswith(PREFIX + "files/"):
            downloads[text(a)] = (a.get("href"), text(a.getparent()))
    assert set(downloads) == {"Alpha report", "Alpha data"}
    href, label = downloads["Alpha report"]
    assert href == PREFIX + "files/report.pdf" and "(PDF, 3 KB, English)" in label
    href, label = downloads["Alpha data"]
    assert href == PREFIX + "files/data.csv" and "(CSV, 1.2 MB, English)" in label
    assert (site.out / "files" / "report.pdf").read_bytes() == (site.root / "content/files/report.pdf").read_bytes()


def test_publication_json_ld(site: Project) -> None:
    root = page(site, "/publications/alpha/")
    scripts = root.xpath("//script[@type='application/ld+json']")
    assert len(scripts) == 2  # the document, then the page's BreadcrumbList
    data = json.loads(scripts[0].text)
    assert data["@context"] in ("https://schema.org", "http://schema.org", "https://schema.org/")
    assert data["@type"]
    assert data["name"] == "DHS/ICE/PIA-049 Alpha Case Management"
    assert data["datePublished"] == "2020-05-01"
    assert data["dateModified"] == "2020-06-02"
    assert data["url"] == BASE + "publications/alpha/"
    assert data["description"] == "Alpha summary for the parole unit."
    media = data["associatedMedia"]
    assert [m["contentUrl"] for m in media] == [BASE + "files/report.pdf", BASE + "files/data.csv"]
    assert [(m["@type"], m["encodingFormat"], m["inLanguage"]) for m in media] == [
        ("MediaObject", "application/pdf", "en"),
        ("MediaObject", "text/csv", "en"),
    ]


def test_front_matter_text_is_escaped(site: Project) -> None:
    root = page(site, "/publications/escaped/")
    h1 = root.xpath("//main//h1")[0]
    assert text(h1) == "Fees & <b>Charges</b>" and not h1.xpath(".//b")
    # The summary reaches the JSON-LD only as JSON-escaped text, never as a tag.
    scripts = [s for s in root.xpath("//script") if "alert(1)" in (s.text or "")]
    assert [s.get("type") for s in scripts] == ["application/ld+json"]
    assert "<" not in scripts[0].text
    assert "Summary with <script>alert(1)</script> text." in [text(p) for p in root.xpath("//main//p")]
    data = json.loads(root.xpath("//script[@type='application/ld+json']")[0].text)
    assert data["name"] == "Fees & <b>Charges</b>"


def test_component_page(site: Project) -> None:
    root = page(site, "/publications/component/ice/")
    main = root.xpath("//main")[0]
    assert [text(h) for h in main.xpath(".//h1")] == ["Immigration and Customs Enforcement"]
    assert "The mission of U.S. Immigration and Customs Enforcement (ICE) is to protect America." in [
        text(p) for p in main.xpath(".//p")
    ]
    # Newest first; alpha and beta share a date and are ordered by slug.
    assert list_items(root) == [
        {
            "title": "Gamma statement",
            "href": PREFIX + "publications/gamma/",
            "summary": "Gamma summary.",
            "date": "2021-01-10",
        },
        {
            "title": "DHS/ICE/PIA-049 Alpha Case Management",
            "href": PREFIX + "publications/alpha/",
            "summary": "Alpha summary for the parole unit.",
            "date": "2020-05-01",
        },
        {
            "title": "Beta fact sheet",
            "href": PREFIX + "publications/beta/",
            "summary": "Beta summary.",
            "date": "2020-05-01",
        },
    ]
    assert (
        root.xpath("//head/link[@rel='alternate'][@type='application/atom+xml']/@href")[-1]
        == PREFIX + "publications/component/ice/feed.xml"
    )


@pytest.mark.parametrize(
    "url, heading, slugs",
    [
        ("/publications/type/report/", "Report", ["delta"]),
        ("/publications/type/fact-sheet/", "Fact Sheet", ["gamma", "beta", "escaped"]),
        ("/publications/type/privacy-impact-assessment/", "Privacy Impact Assessment", ["alpha"]),
        ("/publications/topic/privacy/", "Privacy", ["alpha"]),
        ("/publications/topic/cybersecurity/", "Cybersecurity", ["delta"]),
        ("/publications/year/2020/", "2020", ["alpha", "beta"]),
        ("/publications/year/2021/", "2021", ["gamma"]),
        ("/publications/component/cbp/", "Customs and Border Protection", ["delta", "escaped"]),
    ],
)
def test_index_pages(site: Project, url: str, heading: str, slugs: list[str]) -> None:
    root = page(site, url)
    assert [text(h) for h in root.xpath("//main//h1")] == [heading]
    items = list_items(root)
    assert [i["href"] for i in items] == [PREFIX + f"publications/{s}/" for s in slugs]
    assert all(i["summary"] and i["date"] for i in items)


def test_standalone_page(site: Project) -> None:
    root = page(site, "/about/")
    assert [text(h) for h in root.xpath("//main//h1")] == ["About the library"]
    assert "What this library is." in [text(p) for p in root.xpath("//main//p")]


def test_search_page(site: Project) -> None:
    root = page(site, "/search/")
    assert [text(h) for h in root.xpath("//main//h1")] == ["Search publications"]
    # The search form is the page's state; assets/js/search.js runs it over Pagefind's JS API (no
    # Pagefind UI script); without JavaScript the form still submits and the facet links remain.
    form = root.xpath("//main//form[@id='search-form']")[0]
    assert form.get("data-bundles") == PREFIX + "pagefind/all/" and form.get("data-base") == PREFIX
    assert form.get("action") == PREFIX + "search/" and form.xpath(".//input[@name='q']")
    scripts = root.xpath("//script/@src")
    assert any("/js/search." in src for src in scripts) and not any("pagefind-ui" in src for src in scripts)
    header_form = root.xpath("//header//form[@role='search']")[0]
    assert header_form.get("action") == PREFIX + "search/" and header_form.xpath(".//input[@name='q']")
    hrefs = set(root.xpath("//main//a/@href"))
    for kind, key in (("component", "ice"), ("type", "report"), ("topic", "privacy"), ("year", "2019")):
        assert PREFIX + f"publications/{kind}/{key}/" in hrefs


def test_stylesheets_style_only_what_the_pages_carry(site: Project) -> None:
    """No rule is left for an interface the site no longer ships (Pagefind UI's `#search` box and
    `.pagefind-ui__*` classes): every id a stylesheet names is on a page or written by a script."""
    pages = [path.read_text("utf-8") for path in site.out.rglob("*.html")]
    scripts = [path.read_text("utf-8") for path in site.out.rglob("*.js") if "pagefind" not in path.parts]
    ids = {m for html in pages for m in re.findall(r'\bid="([^"]+)"', html)}
    for sheet in site.out.glob("assets/css/*.css"):
        css = re.sub(r"/\*.*?\*/", "", sheet.read_text("utf-8"), flags=re.S)
        assert "pagefind-ui" not in css, sheet.name
        selectors = re.sub(r"\{[^{}]*\}", "{}", css)  # the selectors only: colours are not ids
        for name in set(re.findall(r"#([A-Za-z][\w-]*)", selectors)):
            assert name in ids or any(f'"{name}"' in js for js in scripts), f"#{name} in {sheet.name}"


def test_not_found_page(site: Project) -> None:
    root = page(site, "/404.html")
    assert [text(h) for h in root.xpath("//main//h1")] == ["Page not found"]
    assert PREFIX in root.xpath("//main//a/@href")


def test_alias_redirect_page(site: Project) -> None:
    root = page(site, "/publication/alpha-old/")
    refresh = root.xpath("//head/meta[@http-equiv='refresh']/@content")
    assert len(refresh) == 1
    delay, _, target = refresh[0].partition(";")
    assert delay.strip() == "0"
    assert target.strip() == "url=" + PREFIX + "publications/alpha/"
    assert PREFIX + "publications/alpha/" in root.xpath("//main//a/@href")
    assert root.xpath("//head/meta[@name='robots']/@content") == ["noindex"]


def test_redirect_page_canonical_names_the_publication(site: Project) -> None:
    root = page(site, "/publication/alpha-old/")
    assert root.xpath("//head/link[@rel='canonical']/@href") == [BASE + "publications/alpha/"]
