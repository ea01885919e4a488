"""The full-text search index: Pagefind over small documents, in shards.

Pagefind (`pagefind[bin]`, pinned, runs offline) indexes HTML. Rather than make it read every
page of the site (banners, listings and all), we give it one small document per published
publication: title, summary and body text, with the facets people filter by (component, type,
topic and year, as the names people read) and the date to sort by. Drafts, scheduled and
redirect pages are never in it, because they are never given to it. Everything is indexed as
the site's language, so a search from the English search page also finds the translations.

Pagefind has no incremental mode and its memory grows with the corpus (3 GB for 10,000
publications in one bundle), so the index is split into shards of at most SHARD_SIZE
publications: by year, and within a large year by a stable hash of the slug. Each shard is a
bundle of its own under /pagefind/<shard>/, re-indexed only when its fingerprint changed, and
the search page merges them all in the browser (Pagefind's mergeIndex).
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from html import escape
from pathlib import Path

from .attachments import DocumentStore
from .attachments import texts as attachment_texts
from .model import Publication
from .site import Site
from .store import Bodies
from .urls import Urls

SHARD_SIZE = 800
PAGEFIND_VERSION = "1.5.2"
_TAG = re.compile(r"<[^>]+>")


class SearchError(Exception):
    """Pagefind failed; the message is Pagefind's own."""


def shard_of(publications: tuple[Publication, ...]) -> dict[str, tuple[Publication, ...]]:
    """Publications by shard name ("all"; or "2018", "2018-1" when a year is split), newest first.

    A publication's shard depends only on its year, its slug and how many publications share
    its year, so an edit re-indexes one shard and adding a publication at most re-splits its year.
    """
    if len(publications) <= SHARD_SIZE:  # a small library is one bundle: fewer files, one process
        return {"all": publications} if publications else {}
    years: dict[int, list[Publication]] = {}
    for pub in publications:
        years.setdefault(pub.year, []).append(pub)
    shards: dict[str, list[Publication]] = {}
    for year in sorted(years, reverse=True):
        members = years[year]
        parts = math.ceil(len(members) / SHARD_SIZE)
        for pub in members:
            bucket = int(hashlib.blake2b(pub.slug.encode(), digest_size=4).hexdigest(), 16) % parts
            shards.setdefault(str(year) if parts == 1 else f"{year}-{bucket}", []).append(pub)
    return {name: tuple(members) for name, members in shards.items()}


def shard_fingerprint(site: Site, members: tuple[Publication, ...]) -> str:
    digest = hashlib.blake2b(
        f"{PAGEFIND_VERSION}|{site.config.base_url}|{site.config.language}".encode(), digest_size=16
    )
    digest.update(
        repr((site.config.types, site.config.topics, [(c.key, c.name) for c in site.components.values()])).encode()
    )
    for pub in members:
        digest.update(f"{pub.slug}|{pub.digest}\n".encode())
    return digest.hexdigest()


def _attachment_sections(pub: Publication, documents: DocumentStore | None) -> str:
    """The text of each attachment (at most documents.TEXT_LIMIT characters), under a heading
    with the id its entry has on the publication page: Pagefind makes each a sub-result, so the
    search page can say that a word matched in the document, and link to its download."""
    if documents is None:
        return ""
    sections = []
    for number, attachment in enumerate(pub.attachments, 1):
        text = documents.text(attachment.document) if attachment.document else ""
        if text:
            lang = f' lang="{escape(attachment.language)}"' if attachment.language else ""
            sections.append(
                f'<section{lang}><h2 id="attachment-{number}">{escape(attachment.title)} '
                f"({escape(attachment.kind)})</h2><p>{escape(text)}</p></section>"
            )
    return "".join(sections)


def _render(site: Site, pub: Publication, bodies: Bodies, documents: DocumentStore | None = None) -> str:
    config = site.config
    component = site.components[pub.component]
    text = _TAG.sub(" ", bodies.get(pub.body.key)) + _attachment_sections(pub, documents)
    filters = [("component", component.name), ("type", config.type_name(pub.type)), ("year", str(pub.year))]
    filters += [("topic", config.topic_name(topic)) for topic in pub.topics]
    meta = [
        ("title", pub.title),
        ("date", pub.date.isoformat()),
        ("component", component.name),
        ("summary", pub.summary),
    ]
    if pub.retired:
        meta.append(("retired", pub.retired.date.isoformat()))
    hidden = "".join(f'<span data-pagefind-filter="{name}">{escape(value)}</span>' for name, value in filters)
    hidden += "".join(f'<span data-pagefind-meta="{name}">{escape(value)}</span>' for name, value in meta)
    return (
        f'<!DOCTYPE html><html lang="{config.language}"><head><meta charset="utf-8">'
        f"<title>{escape(pub.title)}</title></head><body>"
        f'<main data-pagefind-body data-pagefind-sort="date:{pub.date.isoformat()}">'
        f"<h1>{escape(pub.title)}</h1><p>{escape(pub.summary)}</p><div>{text}</div>"
        f"<div data-pagefind-ignore hidden>{hidden}</div></main></body></html>"
    )


@functools.lru_cache(maxsize=1)
def _pagefind() -> tuple[str, ...]:
    """The command that runs Pagefind: the binary `pagefind[bin]` installs, found through its API.

    `python -m pagefind` finds the same binary after a Python start-up, a tenth of a second per
    shard, which is a third of re-indexing a shard after an edit.
    """
    try:
        from pagefind_bin import get_executable

        return (str(get_executable().absolute()),)
    except (ImportError, OSError):  # not the pip package's layout: let its own launcher look
        return (sys.executable, "-m", "pagefind")


def build_shard(site: Site, name: str, members: tuple[Publication, ...], bodies: Bodies, work: Path) -> dict[str, Path]:
    """Index one shard; returns {output path under the site: file} of its bundle.

    The documents sit at their publication's path, so result links are the real pages; the
    search page tells Pagefind's interface the base path.
    """
    documents = work / name / "documents"
    bundle = work / name / "bundle"
    texts = attachment_texts(bodies)  # opened in this thread: SQLite connections stay in theirs
    try:
        for pub in members:
            folder = documents / Urls.publication(pub.slug).strip("/")
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "index.html").write_text(_render(site, pub, bodies, texts), encoding="utf-8")
    finally:
        texts.close()
    command = [
        *_pagefind(),
        "--site",
        str(documents),
        "--output-path",
        str(bundle),
        "--force-language",
        site.config.language,
        "--quiet",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800)  # noqa: S603 - our argv, no shell
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchError(str(exc)) from None
    if done.returncode != 0 or not (bundle / "pagefind.js").is_file():
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise SearchError(detail[-1] if detail else f"pagefind exited with {done.returncode}")
    files = {}
    for where, _dirs, names in os.walk(bundle):
        for file_name in names:
            path = Path(where, file_name)
            files[f"pagefind/{name}/" + path.relative_to(bundle).as_posix()] = path
    return files


def build_shards(
    site: Site, names: list[str], shards: dict[str, tuple[Publication, ...]], bodies: Bodies, work: Path, jobs: int
) -> dict[str, dict[str, Path]]:
    """Index the named shards, `jobs` Pagefind processes at a time."""
    with ThreadPoolExecutor(max(1, jobs)) as pool:
        bundles = pool.map(lambda name: build_shard(site, name, shards[name], bodies, work), names)
        return dict(zip(names, bundles))


def temporary_folder() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="sitegen-search-")
