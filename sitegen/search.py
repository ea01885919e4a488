"""The full-text search index: Pagefind over one small document per published publication.

Pagefind (`pagefind[bin]`, pinned, runs offline) indexes HTML. Rather than make it read every
page of the site (banners, listings and all), we give it one small document per published
publication: title, summary and body text, with the facets people filter by (component, type,
topic and year, as the names people read) and the date to sort by. Drafts, scheduled and
redirect pages are never in it, because they are never given to it. Everything is indexed as
the site's language, so a search from the English search page also finds the Spanish
translations.

Indexing is the slowest step of a large build, so the builder runs it only when the search
fingerprint (every indexed publication's digest, the names of the facets, the base URL) changed.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import tempfile
from html import escape
from pathlib import Path

from .cache import BodyStore
from .model import Publication
from .site import Site
from .urls import Urls

PAGEFIND_VERSION = "1.5.2"
_TAG = re.compile(r"<[^>]+>")


class SearchError(Exception):
    """Pagefind failed; the message is Pagefind's own."""


def search_fingerprint(site: Site) -> str:
    digest = hashlib.blake2b(f"{PAGEFIND_VERSION}|{site.config.base_url}|{site.config.language}".encode(),
                             digest_size=16)
    digest.update(repr((site.config.types, site.config.topics,
                        [(c.key, c.name) for c in site.components.values()])).encode())
    for pub in site.publications:
        digest.update(f"{pub.slug}|{pub.digest}\n".encode())
    return digest.hexdigest()


def _render(site: Site, pub: Publication, bodies: BodyStore) -> str:
    config = site.config
    component = site.components[pub.component]
    text = _TAG.sub(" ", bodies.get(pub.body.key))
    filters = [("component", component.name), ("type", config.type_name(pub.type)), ("year", str(pub.year))]
    filters += [("topic", config.topic_name(topic)) for topic in pub.topics]
    meta = [("title", pub.title), ("date", pub.date.isoformat()), ("component", component.name),
            ("summary", pub.summary)]
    if pub.retired:
        meta.append(("retired", pub.retired.date.isoformat()))
    hidden = "".join(f'<span data-pagefind-filter="{name}">{escape(value)}</span>' for name, value in filters)
    hidden += "".join(f'<span data-pagefind-meta="{name}">{escape(value)}</span>' for name, value in meta)
    return (f'<!DOCTYPE html><html lang="{config.language}"><head><meta charset="utf-8">'
            f"<title>{escape(pub.title)}</title></head><body>"
            f'<main data-pagefind-body data-pagefind-sort="date:{pub.date.isoformat()}">'
            f"<h1>{escape(pub.title)}</h1><p>{escape(pub.summary)}</p><div>{text}</div>"
            f'<div data-pagefind-ignore hidden>{hidden}</div></main></body></html>')


def build_index(site: Site, bodies: BodyStore, work: Path) -> dict[str, Path]:
    """Index every published publication; returns {output path under the site: file}.

    The documents sit at their publication's path, so result links are the real pages; the
    search page tells Pagefind's interface the base path.
    """
    documents = work / "documents"
    bundle = work / "pagefind"
    for pub in site.publications:
        folder = documents / Urls.publication(pub.slug).strip("/")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(_render(site, pub, bodies), encoding="utf-8")
    command = [sys.executable, "-m", "pagefind", "--site", str(documents), "--output-path", str(bundle),
               "--force-language", site.config.language, "--quiet"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchError(str(exc)) from None
    if done.returncode != 0 or not (bundle / "pagefind.js").is_file():
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise SearchError(detail[-1] if detail else f"pagefind exited with {done.returncode}")
    files = {}
    for folder, _dirs, names in os.walk(bundle):
        for name in names:
            path = Path(folder, name)
            files["pagefind/" + path.relative_to(bundle).as_posix()] = path
    return files


def temporary_folder() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="sitegen-search-")
