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

A shard's bundle is a function of its documents: Pagefind writes its filters in hash-map order,
a new one each run, so the build sorts them (`_stabilise`). A cached build keeps what each shard
was made from (`ShardRecord`: every member's document and word counts), so that a quick rebuild
re-indexes the shard of an edited body without the site graph (`reindex_shard`, used by
quick.py) and gives the bundle a clean build gives.

This module must not decide what is published (the site graph does) nor write output files (the
builder writes what `build_shard` returns).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gzip
import hashlib
import json
import math
import os
import pickle
import re
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from .attachments import DocumentStore
from .attachments import texts as attachment_texts
from .cache import MAC_SIZE, write_file
from .config import SiteConfig
from .model import Component, Publication
from .site import Site
from .store import Bodies, sign, verify
from .urls import Urls

Members = Sequence[tuple[str, str]]  # (slug, digest) of a shard's members, in order

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
    return members_fingerprint(
        site.config, site.components, is_primary(site, members), [(p.slug, p.digest) for p in members]
    )


def members_fingerprint(config: SiteConfig, components: dict[str, Component], primary: bool, members: Members) -> str:
    """Identifies everything a shard's bundle is made from: settings, names, and each member's digest."""
    digest = hashlib.blake2b(
        f"{PAGEFIND_VERSION}|{DOCUMENT_FORMAT}|{config.base_url}|{config.language}|{config.search.provider}|"
        f"{primary}".encode(),
        digest_size=16,
    )
    names = [(c.key, c.name, c.acronym) for c in components.values()]
    digest.update(repr((config.types, config.topics, names)).encode())
    for slug, member_digest in members:
        digest.update(f"{slug}|{member_digest}\n".encode())
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


def _render(
    config: SiteConfig,
    components: dict[str, Component],
    pub: Publication,
    bodies: Bodies,
    documents: DocumentStore | None = None,
) -> str:
    component = components[pub.component]
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


def _counts(pub: Publication, bodies: Bodies) -> dict[str, int]:
    """How often each word (letters only, lower-cased) occurs in a publication's title, summary and body."""
    counts: dict[str, int] = {}
    text = f"{pub.title} {pub.summary} {_TAG.sub(' ', bodies.get(pub.body.key))}"
    for word in _WORD.findall(text.lower()):
        counts[word] = counts.get(word, 0) + 1
    return counts


def _words(counts: dict[str, int]) -> bytes:
    """The shard's most frequent words with their counts: the vocabulary the search page suggests
    spellings from."""
    kept = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:WORDS_PER_SHARD]
    return json.dumps(dict(sorted(kept)), ensure_ascii=False, separators=(",", ":")).encode()


def _add(total: dict[str, int], counts: dict[str, int], sign: int) -> None:
    for word, count in counts.items():
        left = total.get(word, 0) + sign * count
        if left:
            total[word] = left
        else:
            del total[word]


# -- Pagefind's hash-map order, made stable -------------------------------------------------------
#
# Pagefind 1.5 writes each filter's values, and the list of filters in its metadata, in the
# order of a Rust hash map, which is seeded at random: the same documents give other bytes and
# other file names on every run (its issue #638 made the fragments stable, not these). So the
# build sorts them and names each file again as Pagefind names it, by the first hex digits of the
# SHA-1 of its CBOR, so that a shard's bundle is a function of its documents and a re-indexed
# shard is byte for byte what a clean build gives. Only CBOR arrays are taken apart; every
# other item is kept as the bytes Pagefind wrote.

_PREFIX = b"pagefind_dcd"  # ahead of the CBOR in every gzipped file of a bundle


@dataclass(frozen=True)
class _Item:
    """A CBOR item other than an array, as written; `text` when it is a text string."""

    raw: bytes
    text: str | None = None


_Cbor = list["_Cbor"] | _Item


def _head(data: bytes, at: int) -> tuple[int, int, int]:
    """(major type, argument, where the item's content starts) of the CBOR item at `at`."""
    major, info = data[at] >> 5, data[at] & 31
    if info < 24:
        return major, info, at + 1
    if info > 27:
        raise SearchError(f"unexpected CBOR item in Pagefind's output (major {major}, info {info})")
    size = 1 << (info - 24)
    return major, int.from_bytes(data[at + 1 : at + 1 + size], "big"), at + 1 + size


def _decode(data: bytes, at: int = 0) -> tuple[_Cbor, int]:
    major, argument, start = _head(data, at)
    if major == 4:
        items: list[_Cbor] = []
        for _ in range(argument):
            item, start = _decode(data, start)
            items.append(item)
        return items, start
    if major in (2, 3):
        end = start + argument
        return _Item(data[at:end], data[start:end].decode("utf-8") if major == 3 else None), end
    if major in (0, 1, 7):
        return _Item(data[at:start]), start
    if major == 6:  # a tag: keep it with the item it tags
        _item, end = _decode(data, start)
        return _Item(data[at:end]), end
    end = start
    for _ in range(argument * 2):  # a map: kept whole
        _item, end = _decode(data, end)
    return _Item(data[at:end]), end


def _header(major: int, argument: int) -> bytes:
    """The shortest head of a CBOR item, as Pagefind's encoder writes it."""
    if argument < 24:
        return bytes([major << 5 | argument])
    size = next(n for n in (1, 2, 4, 8) if argument < 1 << (8 * n))
    return bytes([major << 5 | (24 + size.bit_length() - 1)]) + argument.to_bytes(size, "big")


def _encode(item: _Cbor) -> bytes:
    if isinstance(item, _Item):
        return item.raw
    return _header(4, len(item)) + b"".join(_encode(child) for child in item)


def _text_item(text: str) -> _Item:
    data = text.encode("utf-8")
    return _Item(_header(3, len(data)) + data, text)


def _text(item: _Cbor) -> str:
    return item.text or "" if isinstance(item, _Item) else ""


def _read_cbor(path: Path) -> _Cbor:
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(_PREFIX):
        raise SearchError(f"{path.name} is not a Pagefind file this version of sitegen knows")
    item, end = _decode(data, len(_PREFIX))
    if end != len(data):
        raise SearchError(f"{path.name} holds more than one CBOR item")
    return item


def _write_cbor(folder: Path, prefix: str, digits: int, suffix: str, item: _Cbor) -> str:
    """Write `item` as Pagefind would, under Pagefind's name for it; returns the name's hash part."""
    data = _encode(item)
    name = f"{prefix}_{hashlib.sha1(data).hexdigest()[:digits]}"  # noqa: S324 - Pagefind's file names, not security
    (folder / f"{name}{suffix}").write_bytes(gzip.compress(_PREFIX + data, compresslevel=9, mtime=0))
    return name


def _stabilise(bundle: Path) -> None:
    """Sort what Pagefind wrote in hash-map order: each filter's values, and the metadata's filters."""
    renamed: dict[str, str] = {}
    for path in sorted((bundle / "filter").glob("*.pf_filter")):
        item = _read_cbor(path)
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[1], list)):
            raise SearchError(f"{path.name} is not a Pagefind filter this version of sitegen knows")
        values = sorted(item[1], key=lambda value: _text(value[0]) if isinstance(value, list) and value else "")
        path.unlink()
        renamed[path.stem] = _write_cbor(path.parent, path.stem.split("_")[0], 7, ".pf_filter", [item[0], values])
    entry_path = bundle / "pagefind-entry.json"
    entry = entry_path.read_text("utf-8")
    for path in sorted(bundle.glob("pagefind.*.pf_meta")):
        meta = _read_cbor(path)
        if not isinstance(meta, list):
            raise SearchError(f"{path.name} is not a Pagefind index this version of sitegen knows")
        for index, part in enumerate(meta):
            # The filters: [name, file] pairs, each file one of those renamed above.
            members = part if isinstance(part, list) else []
            pairs = [p for p in members if isinstance(p, list) and len(p) == 2]
            if pairs and len(pairs) == len(members) and all(_text(pair[1]) in renamed for pair in pairs):
                fresh: list[_Cbor] = [[pair[0], _text_item(renamed[_text(pair[1])])] for pair in pairs]
                meta[index] = sorted(fresh, key=lambda pair: _text(pair[0]) if isinstance(pair, list) else "")
        old = path.name.removeprefix("pagefind.").removesuffix(".pf_meta")
        path.unlink()
        new = _write_cbor(bundle, f"pagefind.{old.split('_')[0]}", 10, ".pf_meta", meta).removeprefix("pagefind.")
        entry = entry.replace(f'"{old}"', f'"{new}"')
    entry_path.write_text(entry, encoding="utf-8")


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


def _document_path(slug: str) -> str:
    """Where a publication's document sits in the folder Pagefind reads: at its page's path."""
    return f"{Urls.publication(slug).strip('/')}/index.html"


def build_shard(
    site: Site,
    name: str,
    members: tuple[Publication, ...],
    bodies: Bodies,
    work: Path,
    records: ShardRecords | None = None,
) -> dict[str, Path]:
    """Index one shard; returns {output path under the site: file} of its bundle.

    The documents sit at their publication's path, so result links are the real pages. Pagefind's
    runtime is kept in the first shard only, its interfaces in none. A site that searches with
    search.gov has no index: nothing is built. With `records`, what the bundle was made from is
    kept for quick rebuilds (see `reindex_shard`).
    """
    if not pagefind_search(site):
        return {}
    record = _record(site, name, members, bodies)
    files = _index(record, site.config.language, work)
    if records is not None:
        records.save(shard_fingerprint(site, members), record)
    return files


def _record(site: Site, name: str, members: tuple[Publication, ...], bodies: Bodies) -> ShardRecord:
    """What a shard's bundle is made from: its members' documents and word counts."""
    texts = attachment_texts(bodies)  # opened in this thread: SQLite connections stay in theirs
    try:
        documents = tuple(_render(site.config, site.components, pub, bodies, texts) for pub in members)
    finally:
        texts.close()
    counts = tuple(_counts(pub, bodies) for pub in members)
    total: dict[str, int] = {}
    for each in counts:
        _add(total, each, 1)
    return ShardRecord(
        name,
        is_primary(site, members),
        _members(members),
        documents,
        counts,
        total,
    )


def keep_records(
    site: Site, shards: dict[str, tuple[Publication, ...]], prints: dict[str, str], records: ShardRecords, output: Path
) -> None:
    """After a full build's index: every shard's members kept, only current records, fingerprints confirmed.

    A shard that was not re-indexed and has no record (an older cache, or one a quick rebuild
    found unreadable and dropped) gets its list of members, which costs nothing: a quick rebuild
    can then tell that an edit is elsewhere. Its documents are kept when Pagefind next indexes it
    (an edit in it finds no record, so the full build runs and re-indexes it); making them now
    would cost more than that full build.
    """
    for name, members in shards.items():
        if not records.has_members(prints[name]):
            records.save_members(prints[name], name, is_primary(site, members), _members(members))
    records.confirm(output, prints)
    records.keep_only(set(prints.values()))


def _members(members: tuple[Publication, ...]) -> tuple[Member, ...]:
    return tuple(Member(pub.source, pub.slug, pub.body.key, pub.digest) for pub in members)


def _index(record: ShardRecord, language: str, work: Path) -> dict[str, Path]:
    """Run Pagefind over a shard's documents; returns {output path under the site: file} of its bundle."""
    name = record.name
    documents = work / name / "documents"
    bundle = work / name / "bundle"
    for member, document in zip(record.members, record.documents, strict=True):
        write_file(str(documents / _document_path(member.slug)), document.encode("utf-8"), atomic=False)
    command = [
        *_pagefind(),
        "--site",
        str(documents),
        "--output-path",
        str(bundle),
        "--force-language",
        language,
        "--quiet",
    ]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=1800)  # noqa: S603 - our argv, no shell
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SearchError(str(exc)) from None
    if done.returncode != 0 or not (bundle / "pagefind.js").is_file():
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise SearchError(detail[-1] if detail else f"pagefind exited with {done.returncode}")
    _stabilise(bundle)
    (bundle / WORDS_FILE).write_bytes(_words(record.total))
    entry = json.loads((bundle / "pagefind-entry.json").read_text("utf-8"))
    wasm = {f"wasm.{language.get('wasm') or 'unknown'}.pagefind" for language in entry["languages"].values()}
    files = {}
    for where, _dirs, names in os.walk(bundle):
        for file_name in names:
            path = Path(where, file_name)
            relative = path.relative_to(bundle).as_posix()
            if _kept(relative, record.primary, wasm):
                files[f"pagefind/{name}/{relative}"] = path
    return files


def build_shards(
    site: Site,
    names: list[str],
    shards: dict[str, tuple[Publication, ...]],
    bodies: Bodies,
    work: Path,
    jobs: int,
    records: ShardRecords | None = None,
) -> dict[str, dict[str, Path]]:
    """Index the named shards, `jobs` Pagefind processes at a time."""
    with ThreadPoolExecutor(max(1, jobs)) as pool:
        bundles = pool.map(lambda name: build_shard(site, name, shards[name], bodies, work, records), names)
        return dict(zip(names, bundles))


# -- quick rebuilds: a shard re-indexed from what the build that indexed it kept ------------------


@dataclass(frozen=True)
class Member:
    """A publication in a kept shard, as it was indexed."""

    source: str
    slug: str
    key: str  # its file's content key (its body's key)
    digest: str  # Publication.digest: the key and its attachments' stamps


@dataclass(frozen=True)
class ShardRecord:
    """What a shard's bundle is made from, so that re-indexing it after a body edit needs neither the
    site graph nor the other members' bodies: each member's document and word counts, as indexed."""

    name: str
    primary: bool  # carries Pagefind's runtime
    members: tuple[Member, ...]  # in the shard's order
    documents: tuple[str, ...]  # each member's document (what `_render` gave Pagefind)
    counts: tuple[dict[str, int], ...]  # each member's word counts (`_counts`)
    total: dict[str, int]  # the sum of `counts`, what words.json is made from


class ShardRecords:
    """Kept shard records in a folder of the cache, one pair of files per shard fingerprint.

    The members (small, read to find which shards an edit touches) are kept apart from the
    documents and counts (read only for a shard that is re-indexed). The cache folder is
    untrusted input, so each file is authenticated before it is unpickled, like every other
    cache file; one that does not verify is missing, and the full build runs instead. Which
    fingerprints are current for an output folder is confirmed by the full build that computed
    them from the site graph (`confirm`), and forgotten by one that did not (`forget`).
    """

    def __init__(self, folder: Path, key: bytes):
        self.folder = folder
        self.key = key

    def _write(self, name: str, value: object) -> None:
        # Compressed: the documents are mostly text, a shard's record 10 MB of pickle and 2 MB of this.
        data = zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)
        write_file(str(self.folder / name), sign(self.key, b"search", name.encode(), data) + data)

    def _read(self, name: str) -> Any:
        try:
            blob = (self.folder / name).read_bytes()
        except OSError:
            return None
        data = blob[MAC_SIZE:]
        if not verify(self.key, b"search", name.encode(), data, blob[:MAC_SIZE]):
            return None  # not written by this user's sitegen: never unpickled
        try:
            return pickle.loads(zlib.decompress(data))  # noqa: S301 - authenticated above as written by this user's sitegen
        except (
            zlib.error,
            pickle.UnpicklingError,
            EOFError,
            AttributeError,
            ImportError,
            TypeError,
            ValueError,
            IndexError,
        ):
            return None

    def has_members(self, fingerprint: str) -> bool:
        return os.path.isfile(self.folder / f"{fingerprint}.members")

    def discard(self, fingerprint: str) -> None:
        """Delete a shard's record: one a quick rebuild replaced, or found unreadable."""
        for kind in ("data", "members"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.folder / f"{fingerprint}.{kind}")

    def save(self, fingerprint: str, record: ShardRecord) -> None:
        self._write(f"{fingerprint}.data", dataclasses.replace(record, members=()))
        self.save_members(fingerprint, record.name, record.primary, record.members)

    def save_members(self, fingerprint: str, name: str, primary: bool, members: tuple[Member, ...]) -> None:
        self._write(f"{fingerprint}.members", (name, primary, members))

    def members(self, fingerprint: str) -> tuple[str, bool, tuple[Member, ...]] | None:
        """(name, primary, members) of the shard kept under the fingerprint; None when missing."""
        found = self._read(f"{fingerprint}.members")
        return found if isinstance(found, tuple) and len(found) == 3 else None

    def record(self, fingerprint: str, members: tuple[Member, ...]) -> ShardRecord | None:
        found = self._read(f"{fingerprint}.data")
        if not isinstance(found, ShardRecord) or len(found.documents) != len(members):
            return None
        return dataclasses.replace(found, members=members)

    @staticmethod
    def _confirmation(output: Path) -> str:
        return "current-" + hashlib.blake2b(str(output.resolve()).encode(), digest_size=8).hexdigest()

    def confirm(self, output: Path, prints: dict[str, str]) -> None:
        """Record the shard fingerprints the site graph gives the site now built into `output`."""
        self._write(self._confirmation(output), dict(prints))

    def forget(self, output: Path) -> None:
        """A build into `output` did not index: its kept fingerprints may no longer be the site's."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.folder / self._confirmation(output))

    def confirmed(self, output: Path) -> dict[str, str] | None:
        found = self._read(self._confirmation(output))
        return found if isinstance(found, dict) else None

    def keep_only(self, fingerprints: set[str]) -> None:
        """Delete the records of shards that neither `fingerprints` nor any output's confirmed index
        holds: a preview with drafts and a build without them keep theirs side by side."""
        with contextlib.suppress(OSError):
            entries = list(os.scandir(self.folder))
            keep = set(fingerprints)
            for entry in entries:
                if entry.name.startswith("current-"):
                    found = self._read(entry.name)
                    keep |= set(found.values()) if isinstance(found, dict) else set()
            for entry in entries:
                stem, _, kind = entry.name.partition(".")
                if kind in ("data", "members") and stem not in keep:
                    with contextlib.suppress(OSError):
                        os.unlink(entry.path)


def reindex_shard(
    config: SiteConfig,
    components: dict[str, Component],
    record: ShardRecord,
    changed: dict[str, Publication],
    bodies: Bodies,
    work: Path,
) -> tuple[str, ShardRecord, dict[str, Path]]:
    """Re-index a kept shard whose members in `changed` (by slug) have new bodies.

    Gives the bundle `build_shard` gives for the same members: the same documents (the others'
    as kept) in the same order, and the same word counts. Returns (fingerprint, record, files).
    """
    documents, counts = list(record.documents), list(record.counts)
    members = list(record.members)
    total = dict(record.total)
    texts = attachment_texts(bodies)
    try:
        for index, member in enumerate(record.members):
            pub = changed.get(member.slug)
            if pub is None:
                continue
            documents[index] = _render(config, components, pub, bodies, texts)
            _add(total, counts[index], -1)
            counts[index] = _counts(pub, bodies)
            _add(total, counts[index], 1)
            members[index] = Member(pub.source, pub.slug, pub.body.key, pub.digest)
    finally:
        texts.close()
    new = ShardRecord(record.name, record.primary, tuple(members), tuple(documents), tuple(counts), total)
    fingerprint = members_fingerprint(config, components, record.primary, [(m.slug, m.digest) for m in new.members])
    return fingerprint, new, _index(new, config.language, work)


def temporary_folder() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="sitegen-search-")
