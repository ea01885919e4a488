"""The real sample library of this repository: every URL of SPEC's table, every link, and the seed page.

Expectations are read from content/ directly (plain YAML, not sitegen's loader), so the test checks
the generator against the content rather than against itself.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
import pytest
import yaml

from sitegen.builder import BuildOptions, BuildReport, build
from sitekit import REPO

SEED = Path("/work/shared/seeds/000_a443ae6779cbe55c.txt")
CONTENT = REPO / "content"
SITE = yaml.safe_load((CONTENT / "site.yaml").read_text("utf-8"))
BASE = SITE["base_url"]
PREFIX = urlsplit(BASE).path


def norm(value: str) -> str:
    return " ".join(value.split())


def front_matter(path: Path) -> dict:
    text = path.read_text("utf-8")
    assert text.startswith("---\n"), path
    return yaml.safe_load(text.split("---\n", 2)[1]) or {}


def publications() -> list[dict]:
    """Every published publication's front matter, with its slug."""
    found = []
    for path in sorted((CONTENT / "publications").rglob("*.md")):
        data = front_matter(path)
        if data.get("draft") or str(data.get("publish_at", ""))[:10] > dt.date.today().isoformat():  # not yet
            continue
        data["slug"] = data.get("slug") or path.stem
        found.append(data)
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildReport]:
    folder = tmp_path_factory.mktemp("sample")
    report = build(BuildOptions(project=REPO, out=folder / "site", cache_dir=folder / "cache", jobs=1))
    assert report.ok, [d.text() for d in report.diagnostics if d.severity == "error"]
    return folder / "site", report


@pytest.fixture(scope="module")
def out(built: tuple[Path, BuildReport]) -> Path:
    return built[0]


def served(out: Path, site_path: str) -> Path:
    relative = site_path.lstrip("/")
    return out / (relative + "index.html" if relative == "" or relative.endswith("/") else relative)


def listing_pages(path: str, count: int) -> list[str]:
    pages = max(1, math.ceil(count / SITE["page_size"]))
    return [path] + [f"{path}page/{n}/" for n in range(2, pages + 1)]


def expected_urls() -> list[str]:
    """The URL table of SPEC.md, filled in from content/."""
    pubs = publications()
    urls = ["/", "/search/", "/feed.xml", "/publications/index.json", "/sitemap.xml", "/robots.txt", "/404.html"]
    urls += listing_pages("/publications/", len(pubs))
    for pub in pubs:
        urls.append(f"/publications/{pub['slug']}/")
        for alias in pub.get("aliases", []):
            urls.append(alias if alias.endswith(".html") else alias.rstrip("/") + "/")
    groups: dict[tuple[str, str], int] = {}
    for key in (p.stem for p in (CONTENT / "components").glob("*.md")):
        groups[("component", key)] = 0
        urls.append(f"/publications/component/{key}/feed.xml")
    for kind, file in (("type", "types.yaml"), ("topic", "topics.yaml")):
        for key in yaml.safe_load((CONTENT / file).read_text("utf-8")):
            groups[(kind, key)] = 0
    for pub in pubs:
        keys = [("component", pub["component"]), ("type", pub["type"]), ("year", str(pub["date"])[:4])]
        keys += [("topic", topic) for topic in pub.get("topics", [])]
        for key in keys:
            groups[key] = groups.get(key, 0) + 1
    for (kind, key), count in groups.items():
        urls += listing_pages(f"/publications/{kind}/{key}/", count)
    urls += [f"/{p.stem}/" for p in (CONTENT / "pages").glob("*.md")]
    urls += ["/" + p.relative_to(CONTENT).as_posix() for p in (CONTENT / "files").rglob("*") if p.is_file()]
    return sorted(set(urls))


def test_the_sample_site_is_not_trivial() -> None:
    pubs = publications()
    assert len(pubs) > SITE["page_size"], "the library index should need a second page"
    assert any(p.get("aliases") for p in pubs) and any(p.get("attachments") for p in pubs)


def test_every_url_of_the_spec_table_exists(out: Path) -> None:
    urls = expected_urls()
    assert "/publications/page/2/" in urls
    missing = [url for url in urls if not served(out, url).is_file()]
    assert missing == []


def test_no_listing_page_beyond_the_last(out: Path) -> None:
    count = len(publications())
    last = max(1, math.ceil(count / SITE["page_size"]))
    assert not served(out, f"/publications/page/{last + 1}/").exists()


def test_attachments_are_copied_byte_for_byte(out: Path) -> None:
    files = [p for p in (CONTENT / "files").rglob("*") if p.is_file()]
    assert files
    for path in files:
        assert (out / path.relative_to(CONTENT)).read_bytes() == path.read_bytes()


def test_aliases_redirect_to_their_publication(out: Path) -> None:
    for pub in publications():
        for alias in pub.get("aliases", []):
            root = lxml.html.document_fromstring(
                served(out, alias if alias.endswith(".html") else alias.rstrip("/") + "/").read_text("utf-8")
            )
            refresh = root.xpath("//meta[@http-equiv='refresh']/@content")
            assert refresh == [f"0; url={PREFIX}publications/{pub['slug']}/"], alias


def test_every_internal_link_resolves_to_a_file(out: Path) -> None:
    base = urlsplit(BASE)
    missing = []
    checked = 0
    for file in sorted(out.rglob("*.html")):
        relative = file.relative_to(out).as_posix()
        page_url = BASE + (relative.removesuffix("index.html") if relative.endswith("index.html") else relative)
        root = lxml.html.document_fromstring(file.read_text("utf-8"))
        links = [v for attribute in ("href", "src", "action") for v in root.xpath(f"//*/@{attribute}")]
        links += [c.split("url=", 1)[1] for c in root.xpath("//meta[@http-equiv='refresh']/@content")]
        for link in links:
            target = urlsplit(urljoin(page_url, link))
            if target.netloc != base.netloc:
                continue
            path = unquote(target.path)
            if not path.startswith(base.path):
                missing.append((relative, link))
                continue
            checked += 1
            if not served(out, "/" + path[len(base.path) :]).is_file():
                missing.append((relative, link))
    assert checked > 1000
    assert missing == []


# -- the seed page: the ICE component page of the reference site ------------------------------

# The seed's titles and mission, kept here too so the check runs where /work/shared is absent.
SEED_MISSION = (
    "The mission of U.S. Immigration and Customs Enforcement (ICE) is to protect America from the "
    "cross-border crime and illegal immigration that threaten national security and public safety."
)
SEED_TITLES = [
    "DHS/ICE/PIA-049 ICE Parole and Law Enforcement Programs Unit Case Management Systems",
    "DHS Statement Regarding Safety and Enforcement During Hurricane Michael - Translations",
    "S&T Fact Sheet: Student and Exchange Visitor Information System Modernization Program Life Cycle Cost "
    "Estimate Update",
    "Use of Segregation in ICE Detention",
    "DHS-ICE-PIA-041 National Intellectual Property Rights Coordination Center",
    "DHS/ICE/PIA-039 Acquisition and Use of License Plate Reader Data from a Commercial Service",
    "DHS-ICE-PIA-040 FALCON-Roadrunner",
    "Environmental Assessment for South Texas Family Residential Center",
    "DHS/ICE/PIA-032 FALCON Search & Analysis System (FALCON-SA)",
    "DHS/ICE/PIA-038 \u2013 Data Analysis & Research for Trade Transparency System (DARTTS)",
]
needs_seed = pytest.mark.skipif(not SEED.is_file(), reason=f"the seed page {SEED} is not on this machine")


def seed() -> tuple[str, list[tuple[str, str]]]:
    """The seed's mission statement and its (title, summary) list, in the seed's order."""
    lines = SEED.read_text("utf-8").splitlines()
    items: list[tuple[str, list[str]]] = []
    for line in lines:
        if line.startswith("  \u2022 "):
            items.append((line[4:].strip(), []))
        elif items and line.strip():
            items[-1][1].append(line.strip())
    heading = next(i for i, line in enumerate(lines) if line.strip() == "Immigration and Customs Enforcement")
    mission = next(line.strip() for line in lines[heading + 1 :] if line.strip())
    return mission, [(title, norm(" ".join(summary))) for title, summary in items]


def ice_items(out: Path) -> list[tuple[str, str]]:
    """(title, summary) of every publication on the ICE component pages, in page order."""
    shown = []
    url, number = "/publications/component/ice/", 1
    while served(out, url).is_file():
        root = lxml.html.document_fromstring(served(out, url).read_text("utf-8"))
        for item in root.xpath("//main//li[contains(concat(' ', @class, ' '), ' usa-collection__item ')]"):
            title = norm(item.xpath(".//*[contains(@class, 'usa-collection__heading')]/a")[0].text_content())
            summary = norm(item.xpath(".//*[contains(@class, 'usa-collection__description')]")[0].text_content())
            shown.append((title, summary))
        number += 1
        url = f"/publications/component/ice/page/{number}/"
    assert number > 1, "no ICE component page"
    return shown


@needs_seed
def test_seed_matches_the_copy_kept_here() -> None:
    mission, items = seed()
    assert mission == SEED_MISSION
    assert [title for title, _ in items] == SEED_TITLES


def test_ice_component_pages_carry_the_seed_publications_in_order(out: Path) -> None:
    titles = [title for title, _ in ice_items(out)]
    missing = [title for title in SEED_TITLES if title not in titles]
    assert missing == [], "seed publications missing from the ICE pages (titles must match exactly)"
    assert [title for title in titles if title in SEED_TITLES] == SEED_TITLES, "not in the seed's order"


@needs_seed
def test_ice_component_pages_carry_the_seed_summaries(out: Path) -> None:
    summaries = dict(ice_items(out))
    for title, summary in seed()[1]:
        assert summaries[title] == summary, title


def test_ice_component_page_carries_the_seed_mission_and_frame(out: Path) -> None:
    first = lxml.html.document_fromstring(served(out, "/publications/component/ice/").read_text("utf-8"))
    assert [norm(h.text_content()) for h in first.xpath("//main//h1")] == ["Immigration and Customs Enforcement"]
    assert SEED_MISSION in [norm(p.text_content()) for p in first.xpath("//main//p")]
    crumbs = [norm(li.text_content()) for li in first.xpath("//nav[contains(@class, 'usa-breadcrumb')]/ol/li")]
    assert crumbs == ["Home", "News", "Publications Library", "Immigration and Customs Enforcement"]
    banner = first.xpath("//section[contains(@class, 'usa-banner')]")[0]
    text = norm(banner.text_content())
    for phrase in (
        "An official website of the United States government",
        "Official websites use .gov",
        "Secure .gov websites use HTTPS",
    ):
        assert phrase in text
