"""Structured data that validates as schema.org means it (issue 15, item 6).

Every JSON-LD block of the built library (tests/fixture_site.py) is parsed and checked against the schema.org
definitions of the types it uses: each property must be one schema.org defines for that type
(or a type it inherits from), with a value of the kind schema.org expects. The vocabulary below
is copied from schema.org (https://schema.org/<Type>, version 29), for exactly the types the
templates write; a new type or property must be added here from schema.org's own page.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from fixture_site import ATTACHED, ATTACHED_NUMBER

THING = {"@context", "@type", "@id", "name", "alternateName", "description", "url", "identifier", "potentialAction"}
CREATIVE_WORK = THING | {
    "headline",
    "datePublished",
    "dateModified",
    "inLanguage",
    "genre",
    "keywords",
    "author",
    "publisher",
    "associatedMedia",
    "isPartOf",
    "mainEntityOfPage",
}
WEB_PAGE = CREATIVE_WORK | {"lastReviewed", "breadcrumb", "mainEntity"}
ORGANIZATION = THING
# type -> the properties schema.org defines for it (its own and inherited)
VOCABULARY: dict[str, set[str]] = {
    "WebSite": CREATIVE_WORK,
    "WebPage": WEB_PAGE,
    "CollectionPage": WEB_PAGE,
    "DigitalDocument": CREATIVE_WORK,
    "Report": CREATIVE_WORK | {"reportNumber"},
    "MediaObject": CREATIVE_WORK | {"contentUrl", "encodingFormat", "contentSize"},
    "GovernmentOrganization": ORGANIZATION,
    "BreadcrumbList": THING | {"itemListElement", "numberOfItems"},
    "ItemList": THING | {"itemListElement", "numberOfItems"},
    "ListItem": THING | {"position", "item"},
    "SearchAction": THING | {"target", "query-input"},
    "EntryPoint": THING | {"urlTemplate"},
}
URL_PROPERTIES = {"url", "contentUrl", "item", "urlTemplate"}
DATE_PROPERTIES = {"datePublished", "dateModified", "lastReviewed"}
_JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture(scope="module")
def pages(library_www: Path) -> dict[str, list[dict[str, Any]]]:
    """Site path -> the JSON-LD nodes of that page, for every HTML page of the library."""
    out = library_www / "library"
    found = {}
    for path in sorted(out.rglob("*.html")):
        site_path = "/" + path.relative_to(out).as_posix().removesuffix("index.html")
        found[site_path] = [json.loads(block) for block in _JSON_LD.findall(path.read_text("utf-8"))]
    return found


def problems_of(node: Any, where: str) -> list[str]:
    """What in one JSON-LD node (and the nodes inside it) schema.org would not accept."""
    if isinstance(node, list):
        return [problem for item in node for problem in problems_of(item, where)]
    if not isinstance(node, dict):
        return []
    kind = node.get("@type")
    if kind not in VOCABULARY:
        return [f"{where}: @type {kind!r} is not one of the schema.org types this test knows"]
    found = [
        f"{where}: {kind}.{name} is not a schema.org property of {kind}"
        for name in node
        if name not in VOCABULARY[kind]
    ]
    for name, value in node.items():
        if name in URL_PROPERTIES and not (isinstance(value, str) and value.startswith("https://")):
            found.append(f"{where}: {kind}.{name} must be an absolute https URL, not {value!r}")
        if name in DATE_PROPERTIES and not re.match(r"^\d{4}-\d{2}-\d{2}$", str(value)):
            found.append(f"{where}: {kind}.{name} must be an ISO 8601 date, not {value!r}")
        if name == "position" and not (isinstance(value, int) and value >= 1):
            found.append(f"{where}: ListItem.position must be a whole number from 1")
        if name == "contentSize" and not re.match(r"^\d+ B$", str(value)):
            found.append(f"{where}: contentSize must be a size such as '6417 B', not {value!r}")
        found += problems_of(value, f"{where} {kind}.{name}")
    return found


def test_every_json_ld_node_uses_schema_org_types_and_properties(pages: dict[str, list[dict[str, Any]]]) -> None:
    problems = [problem for path, nodes in pages.items() for problem in problems_of(nodes, path)]
    assert not problems, "\n".join(problems[:20])
    assert all(node.get("@context") == "https://schema.org" for nodes in pages.values() for node in nodes)


def test_every_page_with_a_breadcrumb_has_a_breadcrumb_list(pages: dict[str, list[dict[str, Any]]]) -> None:
    component = "/publications/component/ice/"
    for path, nodes in pages.items():
        if path == "/" or "/publication/" in path:  # home has no breadcrumb; aliases are redirects
            continue
        lists = [node for node in nodes if node["@type"] == "BreadcrumbList"]
        assert len(lists) == 1, path
    names = [
        item["name"] for item in next(n for n in pages[component] if n["@type"] == "BreadcrumbList")["itemListElement"]
    ]
    assert names == ["Home", "News", "Publications Library", "Immigration and Customs Enforcement"]
    last = next(n for n in pages[component] if n["@type"] == "BreadcrumbList")["itemListElement"][-1]
    assert last["item"] == "https://www.example.gov/library/publications/component/ice/" and last["position"] == 4


def test_home_is_a_website_with_a_search_action(pages: dict[str, list[dict[str, Any]]]) -> None:
    (site,) = [node for node in pages["/"] if node["@type"] == "WebSite"]
    action = site["potentialAction"]
    assert action["@type"] == "SearchAction"
    template = action["target"]["urlTemplate"]
    assert template == "https://www.example.gov/library/search/?q={search_term_string}"
    assert action["query-input"] == "required name=search_term_string"


def test_listings_are_collection_pages_of_their_publications(pages: dict[str, list[dict[str, Any]]]) -> None:
    for path in ("/publications/", "/publications/component/ice/", "/publications/type/fact-sheet/"):
        (page,) = [node for node in pages[path] if node["@type"] == "CollectionPage"]
        entity = page["mainEntity"]
        assert entity["@type"] == "ItemList" and entity["numberOfItems"] == len(entity["itemListElement"]) > 0
        assert [item["position"] for item in entity["itemListElement"]][:2] == [1, 2]
    second = next(n for n in pages["/publications/page/2/"] if n["@type"] == "CollectionPage")
    assert second["mainEntity"]["itemListElement"][0]["position"] == 21  # page_size 20: it goes on counting


def test_publications_have_media_objects_and_their_document_number(pages: dict[str, list[dict[str, Any]]]) -> None:
    path = f"/publications/{ATTACHED}/"
    (document,) = [node for node in pages[path] if node["@type"] in ("DigitalDocument", "Report")]
    assert document["identifier"] == ATTACHED_NUMBER
    (media,) = document["associatedMedia"]
    assert media["@type"] == "MediaObject" and media["encodingFormat"] == "application/pdf"
    assert re.match(r"^\d+ B$", media["contentSize"]) and media["contentUrl"].endswith(".pdf")


def test_the_checker_catches_what_schema_org_would_not_accept() -> None:
    assert problems_of({"@type": "MediaObject", "numberOfPages": 3}, "x") == [
        "x: MediaObject.numberOfPages is not a schema.org property of MediaObject"
    ]
    assert problems_of({"@type": "Thing"}, "x") and problems_of({"@type": "ListItem", "position": 0}, "x")
    assert problems_of({"@type": "WebSite", "url": "/library/"}, "x")
