"""The quick rebuild: when only the text of publications changed, re-render just their pages.

Most edits in the preview server change one publication's body. A full incremental build still
plans every route of the site to find the one whose fingerprint changed (1.4 s at 10,000
publications); this path skips that when it can prove the answer in advance:

- the scan's `frame` is unchanged: no template, asset, setting, component, page, attachment or
  file name changed, only the bytes of publication files;
- each changed file was a published publication and is one still: its front matter (fields and
  their lines), the targets of its links and the ids of its headings are what they were, it
  parses without any message, and its only warnings were about its front matter.

Then every other route shows exactly what it showed (listings, feeds and indexes never show a
body; links to the page depend on its slug and headings only), so the changed pages are the
only routes whose fingerprints can change. Each is rebuilt from the route the last build
rendered, kept in the cache under its fingerprint, with the new body swapped in. Whenever a
condition fails the full build runs instead; the random-edit test compares both with clean builds.

With the search index on, the shards that hold a changed publication are re-indexed too, from
what the build that indexed them kept (search.ShardRecord: each member's document and word
counts), so neither the site graph nor the other members' bodies are needed: a body edit changes
its publication's document and nothing else (shard membership and order follow from front
matter, which is unchanged). The kept fingerprints are used only while the output folder's last
full build confirmed them from the site graph (search.ShardRecords.confirm); a build without the
index forgets them, and the next build with it is a full one.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import TYPE_CHECKING

from .attachments import CHECKS
from .cache import Cache
from .contexts import PublicationContext, expect
from .loader import ParsedFile, parse_file
from .manifest import Manifest, QuickState
from .model import Publication
from .output import Output
from .routes import Route
from .scan import Scan, read_file
from .search import Member, ShardRecords, reindex_shard, temporary_folder

if TYPE_CHECKING:
    from .builder import BuildOptions

QUICK_LIMIT = 20  # changed files; past this a full build is about as fast
RENDERER = "publication.html"
# Warnings that follow from the front matter alone: unchanged fields and lines give the same ones.
# Attachments' findings follow from the front matter and the files, which an unchanged frame covers.
FRONT_MATTER_WARNINGS = frozenset({"long-summary", "updated-before-date"}) | frozenset(CHECKS)


def unchanged_front(parsed: ParsedFile, route: Route) -> bool:
    """True when a new parse of a publication differs from the one on its page in the body text only."""
    old = expect(route.context, PublicationContext).publication
    return (
        not parsed.diagnostics
        and parsed.front_key == old.front_key
        and parsed.lines == old.lines  # a clean parse has no repeated field, so no dedup to undo
        and [(link.token, link.target, link.fragment) for link in parsed.body.links]
        == [(link.token, link.target, link.fragment) for link in old.body.links]
        and parsed.body.fragments == old.body.fragments
    )


@dataclasses.dataclass(frozen=True)
class QuickPlan:
    """The pages a quick rebuild re-renders, and what it needs to render and record them."""

    routes: list[Route]  # the changed publications' pages, each with its new body
    parsed: dict[str, ParsedFile]  # content key -> the new parse, for the cache's journal
    state: QuickState  # the last full build's state, with the new content keys


def plan_quick(options: BuildOptions, cache: Cache, scan: Scan, previous: Manifest, frame: str) -> QuickPlan | None:
    """The routes to re-render when only publication bodies changed; None when a full build must run.

    Renders and writes nothing: the builder renders, guards and publishes these routes through
    the same tail as a full build's (a page that fails a guard sends it to the full build, which
    reports the problem with its source).
    """
    state = previous.quick
    if state is None or state.frame != frame:
        return None
    changed = [source for source, key in scan.keys.items() if state.keys.get(source) != key]
    if len(changed) > QUICK_LIMIT or any(
        w.path in changed and w.code not in FRONT_MATTER_WARNINGS for w in previous.warnings
    ):
        return None
    routes: list[Route] = []
    parsed_files: dict[str, ParsedFile] = {}
    for source in changed:
        output = state.pages.get(source)
        old = cache.routes.get(previous.pages.get(output, "")) if output else None
        if old is None:
            return None
        key = scan.keys[source]
        data = scan.data.get(source) or read_file(os.path.join(options.project, source))  # the scan's bytes, if kept
        parsed = parse_file("publication", source, data, key, cache.bodies)
        if not unchanged_front(parsed, old):
            return None
        context = expect(old.context, PublicationContext)
        publication = dataclasses.replace(context.publication, body=parsed.body)
        routes.append(dataclasses.replace(old, context=dataclasses.replace(context, publication=publication)))
        parsed_files[key] = parsed
    keys = {**state.keys, **{source: scan.keys[source] for source in changed}}
    return QuickPlan(routes, parsed_files, dataclasses.replace(state, keys=keys))


@dataclasses.dataclass(frozen=True)
class QuickIndex:
    """The search index after a quick rebuild: what the manifest records of it, and what was written."""

    prints: dict[str, str]  # shard -> fingerprint
    files: dict[str, list[str]]  # shard -> its files
    outputs: set[str]  # every file the output folder holds after the rebuild
    written: int


def search_records(cache: Cache) -> ShardRecords:
    return ShardRecords(cache.folder("search"), cache.store.key)


def quick_index(
    options: BuildOptions, cache: Cache, plan: QuickPlan, previous: Manifest, output: Output
) -> QuickIndex | None:
    """Re-index the shards whose members' bodies changed since they were indexed; None when the full
    build must do it (a record is missing, or the kept fingerprints are not confirmed as current).

    Writes the bundles into `output`'s staging folder; the caller commits or aborts.
    """
    unchanged = QuickIndex(previous.search, previous.search_files, set(previous.outputs), 0)
    if not options.search:
        return unchanged  # the previous index stays as it was, as in a full build without it
    config, components, _assets = plan.state.render_inputs
    old_files = {name for names in previous.search_files.values() for name in names}
    if config.search.provider != "pagefind":
        return QuickIndex({}, {}, set(previous.outputs) - old_files, 0)
    records = search_records(cache)
    if not options.use_cache or records.confirmed(options.output) != previous.search or not previous.search:
        return None
    # Content keys now; a publication edited by this rebuild or an earlier one without the index.
    now = plan.state.keys
    edited = {route.source: expect(route.context, PublicationContext).publication for route in plan.routes}
    stale: dict[str, tuple[str, tuple[Member, ...]]] = {}
    for name, fingerprint in previous.search.items():
        kept = records.members(fingerprint)
        if kept is None or kept[0] != name:
            return None
        if any(now.get(member.source) != member.key for member in kept[2]):
            stale[name] = (fingerprint, kept[2])
    if not stale:
        return unchanged
    prints, files = dict(previous.search), dict(previous.search_files)
    outputs = set(previous.outputs)
    written = 0
    with temporary_folder() as work:
        for name, (fingerprint, members) in stale.items():
            record = records.record(fingerprint, members)
            changed = _current(cache, previous, edited, now, [m.source for m in members if now.get(m.source) != m.key])
            if record is None:
                records.discard(fingerprint)  # missing or unreadable: the full build re-indexes this shard
                return None
            if changed is None:
                return None
            new_print, new_record, bundle = reindex_shard(
                config, components, record, {pub.slug: pub for pub in changed}, cache.bodies, Path(work)
            )
            outputs -= set(files[name])
            for relative, path in sorted(bundle.items()):
                written += output.write(relative, path.read_bytes())
            records.save(new_print, new_record)
            if new_print != fingerprint:
                records.discard(fingerprint)  # else each edit of a preview session would leave one behind
            prints[name], files[name] = new_print, sorted(bundle)
            outputs |= set(bundle)
    records.confirm(options.output, prints)
    return QuickIndex(prints, files, outputs, written)


def _current(
    cache: Cache, previous: Manifest, edited: dict[str, Publication], now: dict[str, str], sources: list[str]
) -> list[Publication] | None:
    """The publications as they are now: edited by this rebuild, or as an earlier one rendered them."""
    pages = previous.quick.pages if previous.quick else {}
    found = []
    for source in sources:
        pub = edited.get(source)
        if pub is None:
            route = cache.routes.get(previous.pages.get(pages.get(source, ""), ""))
            if route is not None and isinstance(route.context, PublicationContext):
                pub = route.context.publication
        if pub is None or pub.body.key != now.get(source):
            return None
        found.append(pub)
    return found
