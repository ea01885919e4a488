"""Machine-readable outputs: Atom feeds, the sitemap, the JSON catalogue, robots.txt, redirect files.

Every date comes from content, never from the clock, and every collection arrives sorted, so two
builds of the same content give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .attachments import catalog_fields, media_type
from .contexts import AliasesContext, CatalogContext, FeedContext, SitemapContext, expect
from .model import ListingItem
from .redirects import netlify_redirects, s3_routing_rules
from .urls import Urls

if TYPE_CHECKING:
    from .render import Renderer
    from .routes import Route

ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
EPOCH = "1970-01-01T00:00:00Z"  # the "updated" of a feed with no entries: fixed, never the clock


def _timestamp(date: dt.date) -> str:
    return f"{date.isoformat()}T00:00:00Z"


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def atom_feed(renderer: Renderer, route: Route) -> bytes:
    urls, config = renderer.urls, renderer.config
    context = expect(route.context, FeedContext)
    items = context.items
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": config.language})

    def add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = text
        return element

    add(feed, "id", urls.absolute(route.path))
    add(feed, "title", context.title)
    add(feed, "updated", max((_timestamp(p.last_modified) for p in items), default=EPOCH))
    add(feed, "link", rel="self", type="application/atom+xml", href=urls.absolute(route.path))
    add(feed, "link", rel="alternate", type="text/html", href=urls.absolute(context.alternate))
    author = add(feed, "author")
    add(author, "name", config.agency.name)
    add(author, "uri", config.agency.url)
    add(feed, "generator", "sitegen")
    for pub in items:
        entry = add(feed, "entry")
        add(entry, "id", urls.absolute(Urls.publication(pub.slug)))
        add(entry, "title", pub.title)
        add(entry, "published", _timestamp(pub.date))
        add(entry, "updated", _timestamp(pub.last_modified))
        add(entry, "link", rel="alternate", type="text/html", href=urls.absolute(Urls.publication(pub.slug)))
        add(entry, "summary", pub.summary)
        add(entry, "category", term=pub.type, label=config.type_name(pub.type))
        for attachment in pub.attachments:
            add(
                entry,
                "link",
                rel="enclosure",
                href=urls.absolute(Urls.file(attachment.file)),
                length=str(attachment.size),
                title=attachment.title,
                type=media_type(attachment.file),
            )
    return _xml(feed)


def sitemap(renderer: Renderer, route: Route) -> bytes:
    ET.register_namespace("", SITEMAP)
    root = ET.Element(f"{{{SITEMAP}}}urlset")
    for path, lastmod in sorted(expect(route.context, SitemapContext).entries):
        url = ET.SubElement(root, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = renderer.urls.absolute(path)
        if lastmod:
            ET.SubElement(url, f"{{{SITEMAP}}}lastmod").text = lastmod
    return _xml(root)


def publication_record(renderer: Renderer, pub: ListingItem, translations: tuple[str, ...] = ()) -> dict[str, Any]:
    """One publication as index.json describes it (see README, "index.json")."""
    urls, config = renderer.urls, renderer.config
    component = renderer.components[pub.component]
    return {
        "slug": pub.slug,
        "url": urls.absolute(Urls.publication(pub.slug)),
        "title": pub.title,
        "summary": pub.summary,
        "date": pub.date.isoformat(),
        "updated": pub.updated.isoformat() if pub.updated else None,
        "language": pub.language or config.language,
        "component": {"key": component.key, "name": component.name, "acronym": component.acronym},
        "type": {"key": pub.type, "name": config.type_name(pub.type)},
        "topics": [{"key": key, "name": config.topic_name(key)} for key in pub.topics],
        "attachments": [
            {
                "title": a.title,
                "url": urls.absolute(Urls.file(a.file)),
                "size": a.size,
                "format": a.kind,
                "language": a.language or pub.language or config.language,
                **catalog_fields(a),
            }
            for a in pub.attachments
        ],
        "aliases": [urls.absolute(alias) for alias in pub.aliases],
        "translations": [urls.absolute(Urls.publication(slug)) for slug in translations],
        "retired": {"date": pub.retired.date.isoformat(), "reason": pub.retired.reason} if pub.retired else None,
    }


def catalog(renderer: Renderer, route: Route) -> bytes:
    config = renderer.config
    context = expect(route.context, CatalogContext)
    items = context.items
    translations = dict(context.translations)
    data = {
        "title": config.title,
        "home": config.base_url,
        "publisher": config.agency.name,
        "count": len(items),
        "publications": [publication_record(renderer, pub, translations.get(pub.slug, ())) for pub in items],
    }
    # Compact: an indent would switch json to its pure-Python encoder, 10x slower at 10,000 records.
    return (json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def robots(renderer: Renderer, route: Route) -> bytes:
    return (f"User-agent: *\nAllow: /\n\nSitemap: {renderer.urls.absolute('/sitemap.xml')}\n").encode()


def netlify_redirects_file(renderer: Renderer, route: Route) -> bytes:
    return netlify_redirects(expect(route.context, AliasesContext).aliases, renderer.urls.base_path)


def s3_routing_rules_file(renderer: Renderer, route: Route) -> bytes:
    hostname = urlsplit(renderer.config.base_url).netloc
    return s3_routing_rules(expect(route.context, AliasesContext).aliases, renderer.urls.base_path, hostname=hostname)
