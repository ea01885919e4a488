"""The full-text search index: Pagefind over small documents, in shards.

Pagefind (`pagefind[bin]`, pinned, runs offline) indexes HTML. Rather than make it read every
page of the site (banners, listings and all), we give it one small document per published
publication: title, summary and body text, with the facets people filter by (component, type,
topic and year, as the names people read) and the date to sort by. Drafts, scheduled and
redirect pages are never in it, because they are never given to it. Everything is indexed as
the site's language, so a search from the English search page also finds the translations.

Pagefind's own tokenizer loses what people type to find a publication: the search box drops the
hyphen and slash of `PIA-049` (it looks for `pia049`, which was never indexed), and a component's
acronym is rarely in its publications' text. So each document also carries its document numbers
joined the way the search box joins them, and its component's name and acronym, ahead of the
text (marked by the `#text` anchor, so the search page shows an excerpt only for a match in the
text itself).

Pagefind has no incremental mode and its memory grows with the corpus (3 GB for 10,000
publications in one bundle), so the index is split into shards of at most SHARD_SIZE
publications: whole years packed together from the oldest (a new publication lands in the
newest shard, so the others stay as they are), a year too big for one shard split by a stable
hash of the slug. Each shard is a bundle of its own under /pagefind/<shard>/, re-indexed only
when its fingerprint changed, and the search page merges them in the browser (Pagefind's
mergeIndex). Only the first shard, the one the browser opens, keeps Pagefind's runtime (its
script, worker and WebAssembly): merged bundles use the first one's, so the others carry their
index alone, and no shard carries Pagefind's own interfaces, which the search page does not use.
Each shard also lists its most frequent words (`words.json`), for the search page's spelling
suggestions.

This module must not decide what is published (the site graph does) nor write output files (the
builder writes what `build_shard` returns).
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
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
DOCUMENT_FORMAT = 2  # what _render gives Pagefind; a change re-indexes every shard
RUNTIME = ("pagefind.js", "pagefind-worker.js")  # with the wasm.<language>.pagefind that the entry names
WORDS_FILE = "words.json"
WORDS_PER_SHARD = 4000
_TAG = re.compile(r"<[^>]+>")
_NUMBER = re.compile(r"\w+(?:[-/.:]\w+)+")  # PIA-049, DHS/ICE/PIA-049, 6.1, After-Action
_WORD = re.compile(r"[^\W\d_]{3,30}")  # letters only: what a spelling suggestion can be
_INDEX_DATA = ("pagefind-entry.json", "index/", "fragment/", "filter/")  # a bundle's own files, besides pf_meta


class SearchError(Exception):
    """Pagefind failed; the message is Pagefind's own."""


def shard_of(publications: tuple[Publication, ...]) -> dict[str, tuple[Publication, ...]]:
    """Publications by shard name ("all"; "2009-2014", "2018", or "2018-1" when a year is split).

    Each shard's members are newest first; the first shard is the one with the oldest
    publication (the search page opens it first; it carries Pagefind's runtime). Whole years
    are packed oldest first into shards of at most SHARD_SIZE, so a publication added to the
    newest year changes the newest shard alone. A year bigger than a shard is split by a stable
    hash of the slug.
    """
    if len(publications) <= SHARD_SIZE:  # a small library is one bundle: fewer files, one process
        return {"all": publications} if publications else {}
    years: dict[int, list[Publication]] = {}
    for pub in publications:
        years.setdefault(pub.year, []).append(pub)
    shards: dict[str, list[Publication]] = {}
    group: list[int] = []

    def close() -> None:
        if group:
            name = str(group[0]) if len(group) == 1 else f"{group[0]}-{group[-1]}"
            shards[name] = [pub for year in reversed(group) for pub in years[year]]
            group.clear()

    for year in sorted(years):
        members = years[year]
        if len(members) > SHARD_SIZE:
            close()
            parts = math.ceil(len(members) / SHARD_SIZE)
            split: dict[int, list[Publication]] = {}
            for pub in members:
                bucket = int(hashlib.blake2b(pub.slug.encode(), digest_size=4).hexdigest(), 16) % parts
                split.setdefault(bucket, []).append(pub)
            for bucket in sorted(split):
                shards[f"{year}-{bucket}"] = split[bucket]
            continue
        if sum(len(years[y]) for y in group) + len(members) > SHARD_SIZE:
            close()
        group.append(year)
    close()
    oldest = publications[-1].slug
    first = next(name for name, members in shards.items() if any(pub.slug == oldest for pub in members))
    ordered = {first: shards.pop(first), **shards}
    return {name: tuple(members) for name, members in ordered.items()}


def is_primary(site: Site, members: tuple[Publication, ...]) -> bool:
    """Whether these are the first shard's members, the bundle that carries Pagefind's runtime."""
    return bool(members) and bool(site.publications) and any(p.slug == site.publications[-1].slug for p in members)


def pagefind_search(site: Site) -> bool:
    """Whether the site searches with its own Pagefind index (else search.gov has the search)."""
    return site.config.search.provider == "pagefind"


def search_bundles(site: Site) -> tuple[str, ...]:
    """Site paths of the index's shards, the first one first ("" for none: search.gov searches)."""
    return tuple(f"/pagefind/{name}/" for name in shard_of(site.publications)) if pagefind_search(site) else ()


def search_filters(site: Site) -> dict[str, tuple[tuple[str, str, int], ...]]:
    """(key, name, count) of every filter value the index holds, by kind, in the order of the
    facet links: what the search page's filters show before any search (retired publications
    are searchable, so they are counted, unlike in the listings)."""
    config = site.config
    counts: dict[tuple[str, str], int] = {}
    for pub in site.publications:
        keys = [("component", pub.component), ("type", pub.type), ("year", str(pub.year))]
        keys += [("topic", topic) for topic in pub.topics]
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    names: dict[str, Callable[[str], str]] = {
        "component": lambda key: site.components[key].name,
        "type": config.type_name,
        "topic": config.topic_name,
        "year": str,
    }
    result = {}
    for kind, name_of in names.items():
        values = [(key, name_of(key), count) for (of, key), count in counts.items() if of == kind]
        if kind == "year":
            values.sort(key=lambda value: value[0], reverse=True)
        else:
            values.sort(key=lambda value: (value[1], value[0]))
        result[kind] = tuple(values)
    return result


def shard_fingerprint(site: Site, members: tuple[Publication, ...]) -> str:
    config = site.config
    digest = hashlib.blake2b(
        f"{PAGEFIND_VERSION}|{DOCUMENT_FORMAT}|{config.base_url}|{config.language}|{config.search.provider}|"
        f"{is_primary(site, members)}".encode(),
        digest_size=16,
    )
    components = [(c.key, c.name, c.acronym) for c in site.components.values()]
    digest.update(repr((config.types, config.topics, components)).encode())
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


def numbers(text: str) -> tuple[str, ...]:
    """Document numbers and hyphenated words as the search box sends them: `DHS/ICE/PIA-049`
    gives pia049, icepia049, dhsicepia049 ... (every run of two parts or more, lower-cased and
    joined), so `PIA-049` and `DHS/ICE/PIA-049` both find it."""
    found: dict[str, None] = {}
    for match in _NUMBER.finditer(text):
        parts = re.split(r"[-/.:]", match.group().lower())
        for start in range(len(parts) - 1):
            for end in range(start + 2, len(parts) + 1):
                found.setdefault("".join(parts[start:end]), None)
    return tuple(found)


def _render(site: Site, pub: Publication, bodies: Bodies, documents: DocumentStore | None = None) -> str:
    config = site.config
    component = site.components[pub.component]
    body = _TAG.sub(" ", bodies.get(pub.body.key))
    text = body + _attachment_sections(pub, documents)
    filters = [("component", component.name), ("type", config.type_name(pub.type)), ("year", str(pub.year))]
    filters += [("topic", config.topic_name(topic)) for topic in pub.topics]
    meta = [
        ("title", pub.title),
        ("date", pub.date.isoformat()),
        ("component", component.name),
        ("type", config.type_name(pub.type)),
        ("summary", pub.summary),
    ]
    if pub.retired:
        meta.append(("retired", pub.retired.date.isoformat()))
    hidden = "".join(f'<span data-pagefind-filter="{name}">{escape(value)}</span>' for name, value in filters)
    hidden += "".join(f'<span data-pagefind-meta="{name}">{escape(value)}</span>' for name, value in meta)
    # What people search by but the text may not say, ahead of the #text anchor: a match here
    # is not "in the text", so the search page shows the summary rather than an excerpt of this.
    titled = numbers(f"{pub.title} {pub.summary}")
    mentioned = [word for word in numbers(body) if word not in titled][:50]
    about = [f"{component.name} ({component.acronym})", config.type_name(pub.type)]
    about += [config.topic_name(topic) for topic in pub.topics]
    return (
        f'<!DOCTYPE html><html lang="{config.language}"><head><meta charset="utf-8">'
        f"<title>{escape(pub.title)}</title></head><body>"
        f'<main data-pagefind-body data-pagefind-sort="date:{pub.date.isoformat()}">'
        f"<h1>{escape(pub.title)}</h1><p>{escape(pub.summary)}</p>"
        f'<p data-pagefind-weight="7">{escape(" ".join(titled))}</p>'
        f"<p>{escape('. '.join(about))}. {escape(' '.join(mentioned))}</p>"
        f'<span id="text"></span><div>{text}</div>'
        f"<div data-pagefind-ignore hidden>{hidden}</div></main></body></html>"
    )


def _words(site: Site, members: tuple[Publication, ...], bodies: Bodies) -> bytes:
    """The shard's most frequent words (letters only, lower-cased) with their counts: the
    vocabulary the search page suggests spellings from."""
    counts: dict[str, int] = {}
    for pub in members:
        text = f"{pub.title} {pub.summary} {_TAG.sub(' ', bodies.get(pub.body.key))}"
        for word in _WORD.findall(text.lower()):
            counts[word] = counts.get(word, 0) + 1
    kept = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:WORDS_PER_SHARD]
    return json.dumps(dict(sorted(kept)), ensure_ascii=False, separators=(",", ":")).encode()


def _kept(relative: str, primary: bool, wasm: set[str]) -> bool:
    """Whether a file Pagefind wrote belongs in the published bundle."""
    if relative.startswith(_INDEX_DATA) or relative.endswith(".pf_meta") or relative == WORDS_FILE:
        return True
    return primary and (relative in RUNTIME or relative in wasm)


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

    The documents sit at their publication's path, so result links are the real pages. Pagefind's
    runtime is kept in the first shard only, its interfaces in none. A site that searches with
    search.gov has no index: nothing is built.
    """
    if not pagefind_search(site):
        return {}
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
    (bundle / WORDS_FILE).write_bytes(_words(site, members, bodies))
    entry = json.loads((bundle / "pagefind-entry.json").read_text("utf-8"))
    wasm = {f"wasm.{language.get('wasm') or 'unknown'}.pagefind" for language in entry["languages"].values()}
    primary = is_primary(site, members)
    files = {}
    for where, _dirs, names in os.walk(bundle):
        for file_name in names:
            path = Path(where, file_name)
            relative = path.relative_to(bundle).as_posix()
            if _kept(relative, primary, wasm):
                files[f"pagefind/{name}/{relative}"] = path
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
