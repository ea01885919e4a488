"""Runs the pipeline: load -> validate -> site graph -> routes -> render (in parallel) -> publish.

Each stage is a function of plain data; this module only strings them together, decides what
needs rendering (routes whose fingerprint changed) and times the stages. Content problems come
back as diagnostics in the report; only bugs raise.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import gc
import hashlib
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .assets import AssetError, Assets, collect_assets, find_uswds
from .cache import CODE_SIGNATURE, Cache
from .diagnostics import Diagnostic, has_errors, sort_diagnostics
from .manifest import Manifest, QuickState
from .output import MARKER, Output, OutputError, build_lock, failure, refuse_output
from .scan import Scan, link_problem, scan_project
from .theme import ThemeError, builtin_signature
from .urls import output_file

# The parse, the site graph, routing, rendering and search are imported by the functions that
# run them: a build that finds nothing changed needs none of them (nor jinja2, Python-Markdown
# and PyYAML beneath them), and importing them was a fifth of such a build at 10,000
# publications (tests/test_lazy_imports.py).
if TYPE_CHECKING:
    from .quick import QuickPlan
    from .routes import Route
    from .site import Site

Progress = Callable[[int, int], None]


@dataclass
class BuildOptions:
    project: Path
    out: Path | None = None  # default: <project>/_site
    base_url: str | None = None
    drafts: bool = False
    jobs: int = 0  # 0: one per CPU
    cache_dir: Path | None = None  # default: <project>/.sitegen-cache
    use_cache: bool = True
    search: bool = True  # build the search index (off: the previous index is left as it was)
    future: bool = False  # publish scheduled publications (publish_at) now, for previews
    now: dt.datetime | None = None  # the moment scheduled publishing compares with; default: the clock

    @property
    def output(self) -> Path:
        return self.out if self.out is not None else self.project / "_site"

    @property
    def workers(self) -> int:
        return self.jobs if self.jobs > 0 else (os.cpu_count() or 1)


@dataclass(frozen=True)
class BuildEvent:
    """One output the build rendered, and why: what tests assert on instead of the clock."""

    output: str  # the output file, e.g. publications/x/index.html
    why: str  # "new", "changed", "missing" (not in the output folder), "quick" (a body edit)


@dataclass
class BuildReport:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    events: list[BuildEvent] = field(default_factory=list)  # every output rendered, with its reason
    publications: int = 0
    routes: int = 0
    rendered: int = 0  # routes rendered (the others were unchanged)
    written: int = 0  # files whose bytes changed
    removed: int = 0
    parsed: int = 0  # content files parsed (not from the cache)
    workers: int = 1
    timings: dict[str, float] = field(default_factory=dict)
    site: Site | None = None  # None when nothing had to be built
    next_due: dt.datetime | None = None  # when the next scheduled publication goes live

    @property
    def ok(self) -> bool:
        return not has_errors(self.diagnostics)

    @property
    def seconds(self) -> float:
        return sum(self.timings.values())


@dataclass
class Analysis:
    """Everything known before writing: the output of the checking stages."""

    site: Site | None
    routes: list[Route]
    assets: Assets | None
    diagnostics: list[Diagnostic]
    parsed: int = 0


def analyse(options: BuildOptions, cache: Cache, report: BuildReport, scan: Scan | None = None) -> Analysis:
    """Load, validate and plan; writes nothing but the cache."""
    from .config import load_config
    from .loader import load_content
    from .routes import plan_routes
    from .site import build_site

    project = options.project
    clock = time.perf_counter()
    config, diags = load_config(project, options.base_url)
    content, problems = load_content(project, cache, options.workers, scan)
    diags += problems
    report.timings["load"] = time.perf_counter() - clock
    if config is None:
        return Analysis(None, [], None, sort_diagnostics(diags), content.parsed_count)
    clock = time.perf_counter()
    # Cross-file checks run on the files that loaded, so one run reports every problem; routes
    # are planned even when files have errors, so their links and collisions are reported in the
    # same run. Nothing is published unless the whole analysis is clean.
    site, problems = build_site(config, content, options.drafts, options.now, options.future)
    diags += problems
    routes, problems = plan_routes(site, project)
    diags += problems
    assets = None
    try:
        assets = collect_assets(project)
    except AssetError as exc:
        diags.append(Diagnostic("package.json", 0, "missing-dependency", str(exc)))
    except ThemeError as exc:  # a broken install; a project needs no templates/ of its own
        diags.append(Diagnostic("templates", 0, "missing-theme", str(exc)))
    report.timings["plan"] = time.perf_counter() - clock
    return Analysis(site, routes, assets, sort_diagnostics(diags), content.parsed_count)


def check(options: BuildOptions, progress: Progress | None = None) -> BuildReport:
    """The build without publishing: load, validate, plan, render every page in memory and guard it.

    Nothing `check` passes can then fail in `build` for a content reason. The cache is read (an
    unchanged file is not parsed again) and never written: the bodies parsed now go to a
    temporary folder that is deleted at the end.
    """
    report = BuildReport()
    root = options.cache_dir or options.project / ".sitegen-cache"
    with tempfile.TemporaryDirectory(prefix="sitegen-check-") as scratch:
        cache = Cache(root, enabled=options.use_cache, writable=False, scratch=Path(scratch))
        try:
            analysis = analyse(options, cache, report)
            # Pages whose fingerprint the last good build rendered and guarded need no second look.
            manifest = cache.load_manifest(options.output) if options.use_cache else None
            known = manifest.pages if manifest else {}
            diagnostics = analysis.diagnostics + _page_problems(options, analysis, cache, progress, known, report)
        except sqlite3.DatabaseError:
            if not options.use_cache:
                raise
            # A cache this user's sitegen did not write, or a damaged one: check without it.
            cache.close()
            return check(dataclasses.replace(options, use_cache=False), progress)
        finally:
            cache.close()
    report.diagnostics = sort_diagnostics(diagnostics)
    report.site = analysis.site
    report.publications = len(analysis.site.publications) if analysis.site else 0
    report.routes = len(analysis.routes)
    report.parsed = analysis.parsed
    return report


def _page_problems(
    options: BuildOptions,
    analysis: Analysis,
    cache: Cache,
    progress: Progress | None,
    known: dict[str, Any] | None = None,
    report: BuildReport | None = None,
) -> list[Diagnostic]:
    """Render every page in memory and run the output guards: the problems only rendering shows.

    While files have errors of their own, their pages are left out (a missing title is
    reported once, at its line, not again as an empty <h1>); every other page is still
    rendered, so a template typo or a guard finding elsewhere shows in the same run. A page whose
    fingerprint is in `known` (the last good build's manifest) rendered and passed every guard
    with exactly these inputs, so it is not rendered again.
    """
    from .pages import RenderJob, merge_repeats, render_routes
    from .render import Renderer
    from .routes import fingerprints as route_fingerprints

    site, assets = analysis.site, analysis.assets
    if site is None or assets is None:
        return []
    broken = frozenset(d.path for d in analysis.diagnostics if d.severity == "error" and d.path.startswith("content/"))
    routes = [route for route in analysis.routes if route.renderer != "file" and route.source not in broken]
    if known:
        prints = route_fingerprints(routes, _site_signature(options, site, assets))
        routes = [route for route in routes if known.get(route.output) != prints[route.output]]
    if report is not None:
        report.rendered = len(routes)
    renderer = Renderer(options.project, site.config, site.components, assets, cache.bodies)
    job = RenderJob(routes, [""] * len(routes), renderer, options.project, None, broken=broken)
    return merge_repeats(render_routes(job, options.workers, progress).diagnostics)


def _site_signature(options: BuildOptions, site: Site, assets: Assets) -> str:
    """What every page depends on: generator, settings, templates, asset names, components."""
    from .render import template_files

    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{CODE_SIGNATURE}|{site.config!r}|{assets.signature}".encode())
    digest.update(repr(sorted(site.components.items())).encode())
    # The effective theme: each template the project's build uses, and the whole built-in theme
    # (an override may extend its built-in namesake as builtin/<name>).
    digest.update(builtin_signature().encode())
    for name, path in template_files(options.project).items():
        digest.update(f"{name}\0{path}\0".encode() + path.read_bytes())
    return digest.hexdigest()


def _whole_fingerprints(options: BuildOptions, scan: Scan) -> tuple[str, str]:
    """Everything a build reads: the inputs, sitegen's code, USWDS, and the options that change output.

    Two fingerprints: of all of it, and of all but the bytes of publication files (the frame).
    """
    uswds = find_uswds(options.project)
    uswds_version = (uswds / "package.json").read_bytes() if uswds else b""
    try:
        theme = builtin_signature()  # the project's overrides are in the scan
    except ThemeError:
        theme = "missing"  # reported by analyse
    pages = (options.base_url, options.drafts, options.future)  # what pages depend on
    prints = []
    # The frame leaves out `search`: no page depends on it, and the preview server alternates
    # builds without and with the index, which must not stop the next edit's quick rebuild.
    for inputs, settings in ((scan.digest, (*pages, options.search)), (scan.frame, pages)):
        digest = hashlib.blake2b(f"{inputs}|{CODE_SIGNATURE}|{theme}|{settings!r}|{uswds}".encode(), digest_size=16)
        digest.update(uswds_version)
        prints.append(digest.hexdigest())
    return prints[0], prints[1]


def _intact(previous: Manifest, options: BuildOptions, output: Output) -> bool:
    """The last build's output is all in place (regular files, nothing else), and no scheduled
    publication has come due since."""
    if not (output.out / MARKER).is_file() or previous.due(options.now or dt.datetime.now(dt.UTC)):
        return False
    return set(previous.outputs) == output.published


def _search(
    options: BuildOptions, site: Site, cache: Cache, output: Output, previous: Manifest | None
) -> tuple[dict[str, list[str]], dict[str, str], int]:
    """(search files by shard, shard fingerprints, files written): re-index only changed shards."""
    from .quick import search_records
    from .search import build_shards, keep_records, pagefind_search, shard_fingerprint, shard_of, temporary_folder

    old_prints = previous.search if previous else {}
    old_files = previous.search_files if previous else {}
    present = {name: [f for f in names if os.path.isfile(output.out / f)] for name, names in old_files.items()}
    records = search_records(cache) if options.use_cache else None
    if not options.search:  # leave the previous index as it was
        if records is not None:
            records.forget(options.output)  # it may no longer be this site's: quick rebuilds must not use it
        return present, old_prints, 0
    if not pagefind_search(site):  # search.gov has the search: no shard, no Pagefind, and no old index kept
        return {}, {}, 0
    shards = shard_of(site.publications)
    prints = {name: shard_fingerprint(site, members) for name, members in shards.items()}
    files: dict[str, list[str]] = {}
    todo = []
    for name in shards:
        if old_prints.get(name) == prints[name] and present.get(name) and present[name] == old_files[name]:
            files[name] = present[name]
        else:
            todo.append(name)
    written = 0
    if todo:
        with temporary_folder() as work:
            bundles = build_shards(site, todo, shards, cache.bodies, Path(work), options.workers, records)
            for name, bundle in bundles.items():
                written += sum(output.write(relative, path.read_bytes()) for relative, path in sorted(bundle.items()))
                files[name] = sorted(bundle)
    if records is not None:
        keep_records(site, shards, prints, records, options.output)
    return files, prints, written


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while a build runs.

    A build allocates millions of small objects that live until it ends and form few cycles;
    the collector's repeated full passes over them grew faster than linearly (a one-file rebuild
    of 100,000 publications spent most of its 33 s there). Reference counting still frees
    everything as usual, and the collector resumes when the build returns.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build(options: BuildOptions, progress: Progress | None = None) -> BuildReport:
    """Build the site into the output folder; on any error the previous output stays untouched."""
    # One build at a time per output and per cache folder; a second one waits here.
    locked = refuse_output(options.project, options.output) is None  # else _build reports the refusal
    with _collector_paused(), contextlib.ExitStack() as held:
        try:
            if locked:
                held.enter_context(build_lock(options.output, options.cache_dir or options.project / ".sitegen-cache"))
            # --no-cache: nothing is read from the cache or written to it; bodies go to a scratch store.
            scratch = (
                None
                if options.use_cache
                else Path(held.enter_context(tempfile.TemporaryDirectory(prefix="sitegen-build-")))
            )
            cache = _cache(options, scratch)
            try:
                return _build(options, progress, cache)
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.OperationalError):  # read-only, full disk (the lock rules out busy)
                    return BuildReport(diagnostics=[_cache_problem(cache.root, str(exc))])
                # The cache database is damaged (a crash while it was written): it is only a cache.
                cache.store.discard()
                cache = _cache(options, scratch)
                return _build(options, progress, cache)
            finally:
                cache.close()  # now, not when a collector finds it: closing checkpoints the database
        except (OSError, OutputError) as exc:
            # A full disk or an output folder that cannot be written: a diagnostic, not a traceback.
            problem = ("bad-output", str(exc)) if isinstance(exc, OutputError) else failure(options.output, exc)
            if problem is None:
                root = str((options.cache_dir or options.project / ".sitegen-cache").absolute())
                names = [
                    str(name) for name in (getattr(exc, "filename", None), getattr(exc, "filename2", None)) if name
                ]
                if isinstance(exc, OSError) and any(os.path.abspath(name).startswith(root) for name in names):
                    return BuildReport(diagnostics=[_cache_problem(Path(root), f"{exc.strerror or exc} ({names[0]})")])
                unreadable = _unreadable(options.project, exc, names) if isinstance(exc, OSError) else None
                if unreadable is None:
                    raise
                return BuildReport(diagnostics=[unreadable])
            return BuildReport(diagnostics=[Diagnostic(str(options.output), 0, *problem)])


def _publish_quick(
    options: BuildOptions,
    cache: Cache,
    plan: QuickPlan,
    previous: Manifest,
    whole: str,
    output: Output,
    report: BuildReport,
) -> bool:
    """Render and publish a quick rebuild's pages; False (having published nothing) when a page fails
    or the output needs a full build, which then runs and reports the problem with its source."""
    from .pages import RenderJob, render_routes
    from .quick import quick_index
    from .render import Renderer

    clock = time.perf_counter()
    try:
        if output.begin():
            output.abort()
            return False  # links or devices in the live site: the full build replaces them
    except OutputError:
        return False
    config, components, assets = plan.state.render_inputs
    prints = {route.output: route.fingerprint(plan.state.signature) for route in plan.routes}
    try:
        renderer = Renderer(
            options.project, config, components, assets, cache.bodies, bytecode_folder=cache.folder("templates")
        )
        job = RenderJob(
            plan.routes,
            [prints[route.output] for route in plan.routes],
            renderer,
            options.project,
            output,
            cache.routes,
        )
        rendered = render_routes(job, 1)
        # A warning (English text on a Spanish page) does not stop it; a shard without its records does.
        index = None if has_errors(rendered.diagnostics) else quick_index(options, cache, plan, previous, output)
        if index is None:
            output.abort()
            return False
        cache.save_manifest(options.output, None)  # forgotten before the switch: after a crash, all is re-checked
        report.removed = output.commit(index.outputs)
    except BaseException:
        output.abort()
        raise
    for key, parsed in plan.parsed.items():
        cache.remember_parsed(key, parsed)
    cache.save_manifest(
        options.output,
        dataclasses.replace(
            previous,
            pages={**previous.pages, **prints},
            whole=whole,
            published=output.identity(),
            quick=plan.state,
            outputs=tuple(sorted(index.outputs)),
            search=index.prints,
            search_files=index.files,
        ),
    )
    report.publications, report.routes = previous.publications, previous.routes
    report.next_due = previous.next_due
    report.diagnostics = list(previous.warnings)
    report.rendered = report.parsed = len(plan.routes)
    report.events = [BuildEvent(route.output, "quick") for route in plan.routes]
    report.written = rendered.written + index.written
    report.timings["quick"] = time.perf_counter() - clock
    return True


def _unreadable(project: Path, exc: OSError, names: list[str]) -> Diagnostic | None:
    """A project file that could not be read after the walk listed it (removed, made unreadable
    or replaced by a link while the build ran): its message, never a traceback. A link is
    refused when it is opened (O_NOFOLLOW), so this is also what a swap for one gives."""
    root = str(project.absolute()) + os.sep
    inside = [os.path.abspath(name) for name in names if os.path.abspath(name).startswith(root)]
    if not inside:
        return None
    relative = inside[0][len(root) :].replace(os.sep, "/")
    if exc.errno == errno.ELOOP:
        return link_problem(relative)
    return Diagnostic(
        relative,
        0,
        "unreadable-file",
        f"this file could not be read: {exc.strerror or exc}",
        "make it readable (if it changed while the build ran, build again)",
    )


def _cache_problem(root: Path, why: str) -> Diagnostic:
    """An unwritable or full cache folder: the contributor's message, never a traceback."""
    return Diagnostic(
        str(root),
        0,
        "bad-cache",
        f"the cache folder cannot be written: {why}",
        "make it writable or delete it (it is only a cache), or build with --no-cache",
    )


def _cache(options: BuildOptions, scratch: Path | None) -> Cache:
    root = options.cache_dir or options.project / ".sitegen-cache"
    return Cache(root) if scratch is None else Cache(root, enabled=False, writable=False, scratch=scratch)


def _build(options: BuildOptions, progress: Progress | None, cache: Cache) -> BuildReport:
    report = BuildReport()
    project, out = options.project, options.output
    refusal = refuse_output(project, out)
    if refusal:
        report.diagnostics = [Diagnostic(str(out), 0, "bad-output", refusal)]
        return report
    clock = time.perf_counter()
    known_hashes = cache.file_hashes() if options.use_cache else {}
    scan = scan_project(project, known_hashes)
    if options.use_cache:
        cache.keep_file_hashes(scan.file_hashes, known_hashes)
    previous = cache.load_manifest(out) if options.use_cache else None
    output = Output(out)
    if previous is not None and not output.describes(previous.published):
        previous = None  # another build (or none) published what is there: check every output against the disk
    whole, frame = _whole_fingerprints(options, scan)
    report.timings["scan"] = time.perf_counter() - clock
    if previous is not None and _intact(previous, options, output):
        if previous.whole == whole:
            # Every input is byte for byte what the last good build read, the clock has not
            # reached a scheduled publication, and every output is in place.
            report.publications, report.routes = previous.publications, previous.routes
            report.next_due = previous.next_due
            report.diagnostics = list(previous.warnings)  # the same inputs give the same warnings
            return report
        from .quick import plan_quick

        plan = plan_quick(options, cache, scan, previous, frame)
        if plan is not None and _publish_quick(options, cache, plan, previous, whole, output, report):
            return report
    analysis = analyse(options, cache, report, scan)
    report.diagnostics, report.site, report.parsed = analysis.diagnostics, analysis.site, analysis.parsed
    if not report.ok or analysis.site is None or analysis.assets is None:
        # Every problem in one run: the pages that rendering would break are reported too.
        report.diagnostics = sort_diagnostics(report.diagnostics + _page_problems(options, analysis, cache, progress))
        return report
    report.next_due = analysis.site.next_due
    report.publications, report.routes = len(analysis.site.publications), len(analysis.routes)
    _publish_full(
        options,
        cache,
        analysis.site,
        analysis.routes,
        analysis.assets,
        previous,
        output,
        (scan, whole, frame),
        report,
        progress,
    )
    return report


def _publish_full(
    options: BuildOptions,
    cache: Cache,
    site: Site,
    routes: list[Route],
    assets: Assets,
    previous: Manifest | None,
    output: Output,
    inputs: tuple[Scan, str, str],
    report: BuildReport,
    progress: Progress | None,
) -> None:
    """Render what changed, index, copy the files, publish, and record the build (or report why not)."""
    from .contexts import FileContext
    from .pages import KEPT_RENDERER, RenderJob, merge_repeats, render_routes
    from .render import Renderer
    from .routes import fingerprints as route_fingerprints
    from .search import SearchError

    project, out = options.project, options.output
    scan, whole, frame = inputs
    clock = time.perf_counter()
    signature = _site_signature(options, site, assets)
    files = [
        (route.output, project / "content" / route.context.file)
        for route in routes
        if isinstance(route.context, FileContext)
    ]
    routes = [route for route in routes if route.renderer != "file"]
    fingerprints = route_fingerprints(routes, signature)
    try:
        if output.begin():
            previous = None  # links or devices in the live site: trust nothing of it, render everything
    except OutputError as exc:
        report.diagnostics.append(Diagnostic(str(out), 0, "bad-output", str(exc)))
        return
    todo = _changed(routes, fingerprints, previous.pages if previous else {}, output, report)
    try:
        renderer = Renderer(
            project,
            site.config,
            site.components,
            assets,
            cache.bodies,
            bytecode_folder=cache.folder("templates") if options.use_cache else None,
        )
        ordered = [routes[i] for i in todo]
        job = RenderJob(
            ordered,
            [fingerprints[route.output] for route in ordered],
            renderer,
            project,
            output,
            cache.routes if options.use_cache else None,
        )
        rendered = render_routes(job, options.workers, progress)
        written, report.workers, report.rendered = rendered.written, rendered.workers, len(todo)
        report.timings["render"] = time.perf_counter() - clock
        if rendered.diagnostics:
            report.diagnostics = sort_diagnostics(report.diagnostics + merge_repeats(rendered.diagnostics))
        if has_errors(rendered.diagnostics):  # a warning (English text on a Spanish page) still publishes
            output.abort()
            return
        clock = time.perf_counter()
        search_files, search_print, written_search = _search(options, site, cache, output, previous)
        written += written_search
        report.timings["search"] = time.perf_counter() - clock
        clock = time.perf_counter()
        files += [(output_file(site_path), source) for site_path, source in assets.files]
        for relative, source in files:
            written += output.copy(relative, source)
        outputs = set(fingerprints) | {relative for relative, _ in files}
        outputs |= {name for names in search_files.values() for name in names}
        cache.save_manifest(out, None)  # forgotten before the switch: after a crash, everything is re-checked
        report.removed = output.commit(outputs)
        report.written = written
        quick = QuickState(
            frame,
            scan.keys,
            {route.source: route.output for route in routes if route.renderer == KEPT_RENDERER},
            signature,
            QuickState.keep((site.config, site.components, assets)),
        )
        cache.save_manifest(
            out,
            Manifest(
                published=output.identity(),
                whole=whole,
                pages=fingerprints,
                outputs=tuple(sorted(outputs)),
                publications=report.publications,
                routes=report.routes,
                warnings=tuple(report.diagnostics),
                next_due=site.next_due,
                search=search_print,
                search_files=search_files,
                quick=quick,
            ),
        )
        if options.use_cache:
            cache.routes.keep_only(fingerprints[route.output] for route in routes if route.renderer == KEPT_RENDERER)
        report.timings["publish"] = time.perf_counter() - clock
    except SearchError as exc:
        output.abort()
        report.diagnostics.append(
            Diagnostic(
                "content",
                0,
                "search-index",
                f"the search index could not be built: {exc}",
                "check that pagefind[bin] is installed (pip install -e .)",
            )
        )
    except BaseException:
        output.abort()
        raise


def _changed(
    routes: list[Route], fingerprints: dict[str, str], old: dict[str, str], output: Output, report: BuildReport
) -> list[int]:
    """The routes to render (their indexes), each recorded as an event with its reason."""
    todo = []
    for index, route in enumerate(routes):
        was = old.get(route.output)
        why = (
            "new"
            if was is None
            else "changed"
            if was != fingerprints[route.output]
            else "missing"
            if route.output not in output.published
            else ""
        )
        if why:
            todo.append(index)
            report.events.append(BuildEvent(route.output, why))
    return todo


__all__ = ["MARKER", "BuildOptions", "BuildReport", "build", "check"]
