"""schema.org structured data (JSON-LD) for the page kinds: plain dicts, serialised by the templates.

Each function takes what the page already shows and returns one schema.org node: a
BreadcrumbList for every page with a breadcrumb, a WebSite with its SearchAction on the home
page, a CollectionPage with an ItemList on listings. Only types and properties schema.org
defines are used, with the value types it expects (tests/test_structured_data.py checks every
page of a built site against them). No I/O, no markup: `tojson` in the templates escapes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from .config import SiteConfig
from .contexts import Crumb
from .model import ListingItem
from .urls import Urls

CONTEXT = "https://schema.org"
SEARCH_TERM = "search_term_string"


def _absolute(url: str, absolute: Callable[[str], str]) -> str:
    return url if url.startswith(("https://", "http://")) else absolute(url)


def breadcrumb_list(trail: Iterable[Crumb], page_path: str, absolute: Callable[[str], str]) -> dict[str, Any]:
    """The breadcrumb as a BreadcrumbList: each crumb a ListItem; the current page's is the page's address."""
    items = [
        {
            "@type": "ListItem",
            "position": position,
            "name": crumb.title,
            "item": _absolute(crumb.url or page_path, absolute),
        }
        for position, crumb in enumerate(trail, 1)
    ]
    return {"@context": CONTEXT, "@type": "BreadcrumbList", "itemListElement": items}


def publisher(config: SiteConfig) -> dict[str, Any]:
    return {
        "@type": "GovernmentOrganization",
        "name": config.agency.name,
        "alternateName": config.agency.acronym,
        "url": config.agency.url,
    }


def website(config: SiteConfig, language: str, absolute: Callable[[str], str]) -> dict[str, Any]:
    """The home page's WebSite, with the SearchAction that opens the search page with a query."""
    return {
        "@context": CONTEXT,
        "@type": "WebSite",
        "name": config.title,
        "url": absolute("/"),
        "inLanguage": language,
        "publisher": publisher(config),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {"@type": "EntryPoint", "urlTemplate": absolute("/search/") + f"?q={{{SEARCH_TERM}}}"},
            "query-input": f"required name={SEARCH_TERM}",
        },
    }


def collection_page(
    name: str,
    description: str,
    page_path: str,
    items: Iterable[ListingItem],
    first: int,
    config: SiteConfig,
    language: str,
    absolute: Callable[[str], str],
) -> dict[str, Any]:
    """A listing as a CollectionPage whose main entity is the ItemList of this page's publications."""
    elements = [
        {"@type": "ListItem", "position": position, "url": absolute(Urls.publication(pub.slug)), "name": pub.title}
        for position, pub in enumerate(items, first)
    ]
    return {
        "@context": CONTEXT,
        "@type": "CollectionPage",
        "name": name,
        "description": description,
        "url": absolute(page_path),
        "inLanguage": language,
        "isPartOf": {"@type": "WebSite", "name": config.title, "url": absolute("/")},
        "publisher": publisher(config),
        "mainEntity": {"@type": "ItemList", "numberOfItems": len(elements), "itemListElement": elements},
    }
