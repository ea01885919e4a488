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
import time
from typing import TYPE_CHECKING

import jinja2

from .cache import Cache
from .guards import check_page
from .loader import ParsedFile, Scan, parse_file, read_file
from .manifest import Manifest
from .output import Output, OutputError
from .render import Renderer
from .routes import Route

if TYPE_CHECKING:
    from .builder import BuildOptions, BuildReport

QUICK_LIMIT = 20  # changed files; past this a full build is about as fast
RENDERER = "publication.html"
# Warnings that follow from the front matter alone: unchanged fields and lines give the same ones.
FRONT_MATTER_WARNINGS = frozenset({"long-summary", "updated-before-date"})


def unchanged_front(parsed: ParsedFile, route: Route) -> bool:
    """True when a new parse of a publication differs from the one on its page in the body text only."""
    old = route.context["publication"]
    return (not parsed.diagnostics and parsed.front_key == old.front_key
            and parsed.lines == old.lines  # a clean parse has no repeated field, so no dedup to undo
            and [(link.token, link.target, link.fragment) for link in parsed.body.links]
            == [(link.token, link.target, link.fragment) for link in old.body.links]
            and parsed.body.fragments == old.body.fragments)


def quick_build(options: BuildOptions, cache: Cache, scan: Scan, previous: Manifest, frame: str, whole: str,
                report: BuildReport, live: Output | None = None) -> bool:
    """Re-render the changed publication pages; False (having written nothing) when it cannot.

    `live` is the builder's writer of the output folder, when it has surveyed the folder already.
    """
    state = previous.quick
    if state is None or state.frame != frame or options.search:
        return False  # the search index needs the whole site graph; the full build keeps it right
    changed = [source for source, key in scan.keys.items() if state.keys.get(source) != key]
    if not changed or len(changed) > QUICK_LIMIT or any(
            w.path in changed and w.code not in FRONT_MATTER_WARNINGS for w in previous.warnings):
        return False
    clock = time.perf_counter()
    project, out = options.project, options.output
    routes: list[Route] = []
    for source in changed:
        output = state.pages.get(source)
        old = cache.routes.get(previous.pages.get(output, "")) if output else None
        if old is None:
            return False
        parsed = parse_file("publication", source, read_file(os.path.join(project, source)), scan.keys[source],
                            cache.bodies)
        if not unchanged_front(parsed, old):
            return False
        publication = dataclasses.replace(old.context["publication"], body=parsed.body)
        routes.append(dataclasses.replace(old, context={**old.context, "publication": publication}))
        cache.remember_parsed(scan.keys[source], parsed)
    config, components, assets = state.render_inputs
    renderer = Renderer(project, config, components, assets, cache.bodies, options.live_reload,
                        bytecode_folder=cache.folder("templates"))
    pages = []
    for route in routes:
        try:
            html = renderer.render_page(route)
        except jinja2.TemplateError:
            return False
        if check_page(route.output, html):
            return False  # the full build reports it, with its source
        pages.append((route, html.encode("utf-8")))
    output = live if live is not None else Output(out)
    try:
        if output.begin():
            output.abort()
            return False  # links or devices in the live site: the full build replaces them
    except OutputError:
        return False
    try:
        written = sum(output.write(route.output, data) for route, data in pages)
        cache.save_manifest(out, None)  # forgotten before the switch: after a crash, everything is re-checked
        output.commit(set(previous.outputs))
    except BaseException:
        output.abort()
        raise
    prints = {route.output: route.fingerprint(state.signature) for route in routes}
    for route in routes:
        cache.routes.put(prints[route.output], route)
    keys = {**state.keys, **{source: scan.keys[source] for source in changed}}
    cache.save_manifest(out, dataclasses.replace(
        previous, pages={**previous.pages, **prints}, whole=whole, published=output.identity(),
        quick=dataclasses.replace(state, keys=keys)))
    report.publications, report.routes = previous.publications, previous.routes
    report.next_due = previous.next_due
    report.diagnostics = list(previous.warnings)
    report.rendered = report.parsed = len(routes)
    report.written = written
    report.timings["quick"] = time.perf_counter() - clock
    return True
