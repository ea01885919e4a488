"""What a project's content/ says its built site must hold, read with plain YAML (not sitegen's
loader), so a test checks the generator against the content rather than against itself; and
what a built site gets wrong, as lists a test asserts empty.

Used on the generated library (tests/test_library_site.py) and on whatever the sample site holds
(tests/test_sample_site.py): nothing here knows a slug, a title or a component.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
import yaml

from sitegen.guards import check_page


def front_matter(path: Path) -> dict:
    text = path.read_text("utf-8-sig")
    assert text.startswith("---\n"), path
    return yaml.safe_load(text.split("---\n", 2)[1]) or {}


def site_yaml(content: Path) -> dict:
    return yaml.safe_load((content / "site.yaml").read_text("utf-8"))


def base_path(content: Path) -> str:
    return urlsplit(site_yaml(content)["base_url"]).path


def _scheduled_later(when: object, now: dt.datetime) -> bool:
    """Whether publish_at is still ahead (a bare date is compared by day: close enough for a test)."""
    if not when:
        return False
    if isinstance(when, dt.date) and not isinstance(when, dt.datetime):
        return when > now.date()
    try:
        moment = when if isinstance(when, dt.datetime) else dt.datetime.fromisoformat(str(when))
    except ValueError:
        return str(when)[:10] > now.date().isoformat()
    return moment.tzinfo is None or moment > now  # without a time zone it is an error: not published


def publications(content: Path) -> list[dict]:
    """Every published publication's front matter (retired ones too), with its slug and source."""
    found = []
    now = dt.datetime.now(dt.UTC)
    for path in sorted((content / "publications").rglob("*.md")):
        data = front_matter(path)
        if data.get("draft") or _scheduled_later(data.get("publish_at"), now):
            continue
        data["slug"] = data.get("slug") or path.stem
        data["source"] = path.relative_to(content.parent).as_posix()
        found.append(data)
    return found


def listed(content: Path) -> list[dict]:
    """What the listings show: published and not retired, newest first (date descending, ties by slug)."""
    pubs = [p for p in publications(content) if not p.get("retired")]
    pubs.sort(key=lambda p: p["slug"])
    pubs.sort(key=lambda p: str(p["date"]), reverse=True)
    return pubs


def listing_pages(path: str, count: int, page_size: int) -> list[str]:
    pages = max(1, math.ceil(count / page_size))
    return [path] + [f"{path}page/{n}/" for n in range(2, pages + 1)]


def groups(content: Path) -> dict[tuple[str, str], list[dict]]:
    """(kind, key) -> its listed publications, newest first: every component, type and topic (even
    without publications) and every year that has one."""
    found: dict[tuple[str, str], list[dict]] = {}
    for key in sorted(p.stem for p in (content / "components").glob("*.md")):
        found[("component", key)] = []
    for kind, file in (("type", "types.yaml"), ("topic", "topics.yaml")):
        for key in yaml.safe_load((content / file).read_text("utf-8")) or {}:
            found[(kind, key)] = []
    for pub in listed(content):
        keys = [("component", pub["component"]), ("type", pub["type"]), ("year", str(pub["date"])[:4])]
        keys += [("topic", topic) for topic in pub.get("topics", [])]
        for key in keys:
            found.setdefault(key, []).append(pub)
    return found


def alias_path(alias: str) -> str:
    return alias if alias.endswith(".html") else alias.rstrip("/") + "/"


def expected_urls(content: Path) -> list[str]:
    """The site paths (without the base path) that content/ calls for: SPEC's URL table."""
    size = site_yaml(content)["page_size"]
    urls = ["/", "/search/", "/feed.xml", "/publications/index.json", "/sitemap.xml", "/robots.txt", "/404.html"]
    urls += listing_pages("/publications/", len(listed(content)), size)
    for pub in publications(content):
        urls.append(f"/publications/{pub['slug']}/")
        urls += [alias_path(alias) for alias in pub.get("aliases", [])]
    for (kind, key), pubs in groups(content).items():
        urls += listing_pages(f"/publications/{kind}/{key}/", len(pubs), size)
        if kind == "component":
            urls.append(f"/publications/component/{key}/feed.xml")
    urls += [f"/{p.stem}/" for p in (content / "pages").glob("*.md")]
    urls += ["/" + p.relative_to(content).as_posix() for p in (content / "files").rglob("*") if p.is_file()]
    return sorted(set(urls))


def served(out: Path, site_path: str) -> Path:
    """The output file of a site path."""
    relative = site_path.lstrip("/")
    return out / (relative + "index.html" if relative == "" or relative.endswith("/") else relative)


# -- what a built site gets wrong, as lists (empty when right) ------------------------------------


def norm(value: str) -> str:
    return " ".join(value.split())


def listings(content: Path) -> list[tuple[str, list[dict]]]:
    """(site path, its publications newest first) of the library and every facet listing."""
    found = [("/publications/", listed(content))]
    return found + [(f"/publications/{kind}/{key}/", pubs) for (kind, key), pubs in groups(content).items()]


def missing_pages(content: Path, out: Path) -> list[str]:
    """The site paths content/ calls for that the output lacks."""
    return [url for url in expected_urls(content) if not served(out, url).is_file()]


def pages_beyond_the_last(content: Path, out: Path) -> list[str]:
    size = site_yaml(content)["page_size"]
    beyond = [f"{path}page/{max(1, math.ceil(len(pubs) / size)) + 1}/" for path, pubs in listings(content)]
    return [url for url in beyond if served(out, url).exists()]


def shown(out: Path, path: str) -> list[tuple[str, str]]:
    """(title, summary) of every publication on a listing and its later pages, in page order."""
    items, url, number = [], path, 1
    while served(out, url).is_file():
        root = lxml.html.document_fromstring(served(out, url).read_text("utf-8"))
        for item in root.xpath("//main//li[contains(concat(' ', @class, ' '), ' usa-collection__item ')]"):
            title = norm(item.xpath(".//*[contains(@class, 'usa-collection__heading')]/a")[0].text_content())
            summary = norm(item.xpath(".//*[contains(@class, 'usa-collection__description')]")[0].text_content())
            items.append((title, summary))
        number += 1
        url = f"{path}page/{number}/"
    return items


def wrong_listings(content: Path, out: Path) -> list[str]:
    """Listings that do not show exactly their publications' titles and summaries, newest first."""
    return [
        path
        for path, pubs in listings(content)
        if shown(out, path) != [(norm(p["title"]), norm(p["summary"])) for p in pubs]
    ]


def changed_files(content: Path, out: Path) -> list[str]:
    """Files of content/files/ not published byte for byte."""
    files = [p for p in (content / "files").rglob("*") if p.is_file()]
    return [p.name for p in files if (out / p.relative_to(content)).read_bytes() != p.read_bytes()]


def wrong_redirects(content: Path, out: Path) -> list[str]:
    """Aliases whose page does not redirect to their publication."""
    wrong = []
    for pub in publications(content):
        for alias in pub.get("aliases", []):
            root = lxml.html.document_fromstring(served(out, alias_path(alias)).read_text("utf-8"))
            refresh = root.xpath("//meta[@http-equiv='refresh']/@content")
            if refresh != [f"0; url={base_path(content)}publications/{pub['slug']}/"]:
                wrong.append(alias)
    return wrong


def broken_links(content: Path, out: Path) -> tuple[int, list[tuple[str, str]]]:
    """(links checked, (page, link) of each link into the site that leads to no file)."""
    base_url = site_yaml(content)["base_url"]
    base = urlsplit(base_url)
    broken, checked = [], 0
    for file in sorted(out.rglob("*.html")):
        relative = file.relative_to(out).as_posix()
        page_url = base_url + relative.removesuffix("index.html")
        root = lxml.html.document_fromstring(file.read_text("utf-8"))
        links = [v for attribute in ("href", "src", "action") for v in root.xpath(f"//*/@{attribute}")]
        links += [c.split("url=", 1)[1] for c in root.xpath("//meta[@http-equiv='refresh']/@content")]
        for link in links:
            target = urlsplit(urljoin(page_url, link))
            if target.netloc != base.netloc:
                continue
            path = unquote(target.path)
            checked += 1
            if not path.startswith(base.path) or not served(out, "/" + path[len(base.path) :]).is_file():
                broken.append((relative, link))
    return checked, broken


def guard_problems(out: Path) -> list[str]:
    """What sitegen.guards finds wrong on any HTML page of the output."""
    return [
        problem
        for file in sorted(out.rglob("*.html"))
        for problem in check_page(file.relative_to(out).as_posix(), file.read_text("utf-8"))
    ]
