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
"""

from __future__ import annotations

import dataclasses
import os
from typing import TYPE_CHECKING

from .attachments import CHECKS
from .cache import Cache
from .contexts import PublicationContext, expect
from .loader import ParsedFile, Scan, parse_file, read_file
from .manifest import Manifest, QuickState
from .routes import Route

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
    if state is None or state.frame != frame or options.search:
        return None  # the search index needs the whole site graph; the full build keeps it right
    changed = [source for source, key in scan.keys.items() if state.keys.get(source) != key]
    if (
        not changed
        or len(changed) > QUICK_LIMIT
        or any(w.path in changed and w.code not in FRONT_MATTER_WARNINGS for w in previous.warnings)
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
        parsed = parse_file("publication", source, read_file(os.path.join(options.project, source)), key, cache.bodies)
        if not unchanged_front(parsed, old):
            return None
        context = expect(old.context, PublicationContext)
        publication = dataclasses.replace(context.publication, body=parsed.body)
        routes.append(dataclasses.replace(old, context=dataclasses.replace(context, publication=publication)))
        parsed_files[key] = parsed
    keys = {**state.keys, **{source: scan.keys[source] for source in changed}}
    return QuickPlan(routes, parsed_files, dataclasses.replace(state, keys=keys))
