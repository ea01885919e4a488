"""Runs the pipeline: load -> validate -> site graph -> routes -> render (in parallel) -> publish.

Each stage is a function of plain data; this module only strings them together, decides what
needs rendering (routes whose fingerprint changed) and times the stages. Content problems come
back as diagnostics in the report; only bugs raise.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import hashlib
import multiprocessing
import os
import sqlite3
import tempfile
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import unquote

import jinja2

from .assets import AssetError, Assets, collect_assets, find_uswds
from .cache import CODE_SIGNATURE, Cache
from .config import load_config
from .diagnostics import Diagnostic, has_errors, sort_diagnostics
from .guards import PageProblem, page_problems
from .loader import Scan, load_content, scan_project
from .manifest import Manifest, QuickState
from .output import MARKER, Output, OutputError, build_lock, die_with_parent, failure, refuse_output
from .quick import quick_build
from .quick import RENDERER as QUICK_RENDERER
from .render import Renderer, template_files
from .routes import Route, plan_routes
from .routes import fingerprints as route_fingerprints
from .search import SearchError, build_shards, shard_fingerprint, shard_of, temporary_folder
from .site import Site, build_site
from .store import Routes
from .urls import output_file

RENDER_PARALLEL_THRESHOLD = 400  # routes; below this, forking workers costs more than it saves

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
    live_reload: str = ""  # a script the preview server injects; never in `sitegen build`
    search: bool = True  # build the search index (off: the previous index is left as it was)
    future: bool = False  # publish scheduled publications (publish_at) now, for previews
    now: dt.datetime | None = None  # the moment scheduled publishing compares with; default: the clock

    @property
    def output(self) -> Path:
        return self.out if self.out is not None else self.project / "_site"

    @property
    def workers(self) -> int:
        return self.jobs if self.jobs > 0 else (os.cpu_count() or 1)


@dataclass
class BuildReport:
    diagnostics: list[Diagnostic] = field(default_factory=list)
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
    if not (project / "templates").is_dir():
        diags.append(Diagnostic("templates", 0, "missing-templates", "the project has no templates/ folder",
                                "copy templates/ from the sitegen repository"))
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


def _page_problems(options: BuildOptions, analysis: Analysis, cache: Cache, progress: Progress | None,
                   known: dict[str, Any] | None = None, report: BuildReport | None = None) -> list[Diagnostic]:
    """Render every page in memory and run the output guards: the problems only rendering shows.

    While files have errors of their own, their pages are left out (a missing title is
    reported once, at its line, not again as an empty <h1>); every other page is still
    rendered, so a template typo or a guard finding elsewhere shows in the same run. A page whose
    fingerprint is in `known` (the last good build's manifest) rendered and passed every guard
    with exactly these inputs, so it is not rendered again.
    """
    site, assets = analysis.site, analysis.assets
    if site is None or assets is None or not (options.project / "templates").is_dir():
        return []
    broken = frozenset(d.path for d in analysis.diagnostics if d.severity == "error" and d.path.startswith("content/"))
    routes = [route for route in analysis.routes if route.renderer != "file" and route.source not in broken]
    if known:
        prints = route_fingerprints(routes, _site_signature(options, site, assets))
        routes = [route for route in routes if known.get(route.output) != prints[route.output]]
    if report is not None:
        report.rendered = len(routes)
    renderer = Renderer(options.project, site.config, site.components, assets, cache.bodies, options.live_reload)
    _, problems, _ = _render(routes, list(range(len(routes))), {}, renderer, None, None, options.workers,
                             progress, options.project, broken)
    return _merge_repeats(problems)


def _site_signature(options: BuildOptions, site: Site, assets: Assets) -> str:
    """What every page depends on: generator, settings, templates, asset names, components."""
    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{CODE_SIGNATURE}|{site.config!r}|{assets.signature}|{options.live_reload}".encode())
    digest.update(repr(sorted(site.components.items())).encode())
    for path in template_files(options.project):
        digest.update(path.as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


# State shared with forked render workers: set before the pool starts, inherited, never pickled.
_WORK: dict[str, object] = {}


def _render_range(bounds: tuple[int, int]) -> list[tuple[int, list[Diagnostic]]]:
    """Render routes[start:end], guard each page, and write it (unless checking): (written, problems)."""
    renderer: Renderer = _WORK["renderer"]  # type: ignore[assignment]
    output: Output | None = _WORK["output"]  # type: ignore[assignment]
    routes: list[Route] = _WORK["routes"]  # type: ignore[assignment]
    prints: list[str] = _WORK["prints"]  # type: ignore[assignment]
    kept: Routes | None = _WORK["kept"]  # type: ignore[assignment]
    project: Path = _WORK["project"]  # type: ignore[assignment]
    broken: frozenset[str] = _WORK["broken"]  # type: ignore[assignment]
    results: list[tuple[int, list[Diagnostic]]] = []
    for index in range(*bounds):
        route = routes[index]
        try:
            data = renderer.render(route)
        except jinja2.TemplateError as exc:
            results.append((0, [_template_diagnostic(exc, route)]))
            continue
        if route.renderer.endswith(".html"):
            problems = page_problems(data.decode("utf-8"))
            if problems:
                found = [_guard_diagnostic(problem, route, project, broken) for problem in problems]
                results.append((0, [diagnostic for diagnostic in found if diagnostic is not None]))
                continue
        if kept is not None and route.renderer == QUICK_RENDERER:
            kept.put(prints[index], route)  # what a quick rebuild of this page starts from
        results.append((int(output.write(route.output, data)) if output is not None else 0, []))
    return results


def _line_of(path: Path, evidence: str) -> int:
    """1-based line of `path` holding the evidence (or its file name, for a link that was rewritten)."""
    try:
        lines = path.read_text("utf-8", errors="replace").splitlines()
    except OSError:
        return 0
    name = unquote(evidence.rstrip("/").rsplit("/", 1)[-1].split("#", 1)[0])
    for needle in dict.fromkeys((evidence, unquote(evidence), name)):
        if needle:
            for number, line in enumerate(lines, 1):
                if needle in line:
                    return number
    return 0


def _guard_diagnostic(problem: PageProblem, route: Route, project: Path,
                      broken: frozenset[str] = frozenset()) -> Diagnostic | None:
    """An output guard's finding, at the content line or template line that caused it.

    The evidence (the link, the image, the template text) is looked for in the route's source file
    first, then in the templates; a page-wide absence (no banner, no <h1>) is the page template's.
    None when the evidence is in a file that has errors already (a bad title shown on a listing).
    """
    where = f"line {problem.line} of the page {route.output}"
    if problem.evidence and not problem.markup and any(_line_of(project / path, problem.evidence)
                                                        for path in sorted(broken)):
        return None
    if route.source and problem.evidence and not problem.markup:
        line = _line_of(project / route.source, problem.evidence)
        if line:
            return Diagnostic(route.source, line, "output-guard", problem.message, f"it would be published at {where}")
    if problem.evidence:
        own = project / "templates" / route.renderer
        for path in sorted(template_files(project), key=lambda path: path != own):  # the page's template first
            line = _line_of(path, problem.evidence)
            if line:
                return Diagnostic(path.relative_to(project).as_posix(), line, "output-guard", problem.message,
                                  f"it would be published at {where}")
    return Diagnostic(f"templates/{route.renderer}", 0, "output-guard", problem.message,
                      f"found at {where}; fix the template")


def _template_diagnostic(exc: jinja2.TemplateError, route: Route) -> Diagnostic:
    """A template mistake, located in the template (not a traceback)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Diagnostic(f"templates/{exc.name or exc.filename}", exc.lineno or 0, "template-error", exc.message or str(exc))
    path, line = "templates", 0
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        name = (frame.filename or "").replace(os.sep, "/")
        if name.startswith("templates/") or "/templates/" in name:  # the project may be "." or absolute
            tail = name.removeprefix("templates/") if name.startswith("templates/") else name.split("/templates/", 1)[1]
            path, line = f"templates/{tail}", frame.lineno or 0
            break
    hint = f"while rendering {route.path}"
    if "ListingItem" in str(exc):
        hint += ("; lists (listings, feeds, index.json) show publications without their bodies, so that a "
                 "body edit re-renders one page: show it on the publication page instead")
    return Diagnostic(path, line, "template-error", f"{exc}", hint)


def _merge_repeats(problems: list[Diagnostic]) -> list[Diagnostic]:
    """One template mistake breaks every page made from it: report it once, with a count."""
    groups: dict[tuple[str, int, str, str], list[Diagnostic]] = {}
    for problem in problems:
        groups.setdefault((problem.path, problem.line, problem.code, problem.message), []).append(problem)
    merged = []
    for (path, line, code, message), items in groups.items():
        first = items[0]
        hint = first.hint if len(items) == 1 else f"{first.hint} and {len(items) - 1:,} more pages"
        merged.append(Diagnostic(path, line, code, message, hint, first.severity))
    return merged


def _render(routes: list[Route], todo: list[int], prints: dict[str, str], renderer: Renderer,
            output: Output | None, kept: Routes | None, workers: int, progress: Progress | None,
            project: Path, broken: frozenset[str] = frozenset()) -> tuple[int, list[Diagnostic], int]:
    """Render and guard the routes at `todo`, writing them unless `output` is None (checking).

    Returns (files written, diagnostics, workers used).
    """
    ordered = [routes[i] for i in todo]
    _WORK.update(renderer=renderer, output=output, routes=ordered, kept=kept, project=project, broken=broken,
                 prints=[prints.get(route.output, "") for route in ordered])
    size = max(1, min(200, len(ordered) // (workers * 4) or 1))
    chunks = [(start, min(start + size, len(ordered))) for start in range(0, len(ordered), size)]
    written, diags, done = 0, [], 0
    use = workers if len(ordered) >= RENDER_PARALLEL_THRESHOLD and workers > 1 else 1
    if use > 1:
        renderer.bodies.before_fork()
    pool = ProcessPoolExecutor(use, mp_context=multiprocessing.get_context("fork"),
                               initializer=die_with_parent) if use > 1 else None
    try:
        for chunk, results in zip(chunks, pool.map(_render_range, chunks) if pool else map(_render_range, chunks)):
            for count, problems in results:
                written += count
                diags += problems
            done += chunk[1] - chunk[0]
            if progress:
                progress(done, len(ordered))
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)
        _WORK.clear()
    return written, diags, use


def _whole_fingerprints(options: BuildOptions, scan: Scan) -> tuple[str, str]:
    """Everything a build reads: the inputs, sitegen's code, USWDS, and the options that change output.

    Two fingerprints: of all of it, and of all but the bytes of publication files (the frame).
    """
    uswds = find_uswds(options.project)
    uswds_version = (uswds / "package.json").read_bytes() if uswds else b""
    pages = (options.base_url, options.drafts, options.future, options.live_reload)  # what pages depend on
    prints = []
    # The frame leaves out `search`: no page depends on it, and the preview server alternates
    # builds without and with the index, which must not stop the next edit's quick rebuild.
    for inputs, settings in ((scan.digest, (*pages, options.search)), (scan.frame, pages)):
        digest = hashlib.blake2b(f"{inputs}|{CODE_SIGNATURE}|{settings!r}|{uswds}".encode(), digest_size=16)
        digest.update(uswds_version)
        prints.append(digest.hexdigest())
    return prints[0], prints[1]


def _intact(previous: Manifest, options: BuildOptions, output: Output) -> bool:
    """The last build's output is all in place (regular files, nothing else), and no scheduled
    publication has come due since."""
    if not (output.out / MARKER).is_file() or previous.due(options.now or dt.datetime.now(dt.timezone.utc)):
        return False
    return set(previous.outputs) == output.published


def _search(options: BuildOptions, site: Site, cache: Cache, output: Output,
            previous: Manifest | None) -> tuple[dict[str, list[str]], dict[str, str], int]:
    """(search files by shard, shard fingerprints, files written): re-index only changed shards."""
    old_prints = previous.search if previous else {}
    old_files = previous.search_files if previous else {}
    present = {name: [f for f in names if os.path.isfile(output.out / f)] for name, names in old_files.items()}
    if not options.search:  # leave the previous index as it was
        return present, old_prints, 0
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
            for name, bundle in build_shards(site, todo, shards, cache.bodies, Path(work), options.workers).items():
                written += sum(output.write(relative, path.read_bytes()) for relative, path in sorted(bundle.items()))
                files[name] = sorted(bundle)
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
            cache = _cache(options)
            try:
                return _build(options, progress, cache)
            except sqlite3.DatabaseError as exc:
                if isinstance(exc, sqlite3.OperationalError):  # read-only, full disk (the lock rules out busy)
                    return BuildReport(diagnostics=[_cache_problem(cache.root, str(exc))])
                # The cache database is damaged (a crash while it was written): it is only a cache.
                cache.store.discard()
                cache = _cache(options)
                return _build(options, progress, cache)
            finally:
                cache.store.close()  # now, not when a collector finds it: closing checkpoints the database
        except (OSError, OutputError) as exc:
            # A full disk or an output folder that cannot be written: a diagnostic, not a traceback.
            problem = ("bad-output", str(exc)) if isinstance(exc, OutputError) else failure(options.output, exc)
            if problem is None:
                root = str((options.cache_dir or options.project / ".sitegen-cache").absolute())
                names = [str(name) for name in (getattr(exc, "filename", None), getattr(exc, "filename2", None)) if name]
                if isinstance(exc, OSError) and any(os.path.abspath(name).startswith(root) for name in names):
                    return BuildReport(diagnostics=[_cache_problem(Path(root), f"{exc.strerror or exc} ({names[0]})")])
                raise
            return BuildReport(diagnostics=[Diagnostic(str(options.output), 0, *problem)])


def _cache_problem(root: Path, why: str) -> Diagnostic:
    """An unwritable or full cache folder: the contributor's message, never a traceback."""
    return Diagnostic(str(root), 0, "bad-cache", f"the cache folder cannot be written: {why}",
                      "make it writable or delete it (it is only a cache), or build with --no-cache")


def _cache(options: BuildOptions) -> Cache:
    return Cache(options.cache_dir or options.project / ".sitegen-cache", enabled=options.use_cache)


def _build(options: BuildOptions, progress: Progress | None, cache: Cache) -> BuildReport:
    report = BuildReport()
    project, out = options.project, options.output
    refusal = refuse_output(project, out)
    if refusal:
        report.diagnostics = [Diagnostic(str(out), 0, "bad-output", refusal)]
        return report
    clock = time.perf_counter()
    scan = scan_project(project)
    previous = cache.load_manifest(out) if options.use_cache else None
    output = Output(out)
    if previous is not None and not output.describes(previous.published):
        previous = None  # another build (or none) published what is there: check every output against the disk
    whole, frame = _whole_fingerprints(options, scan)
    report.timings["scan"] = time.perf_counter() - clock
    if previous is not None and _intact(previous, options, output):
        if previous.whole == whole:
            # Every input is byte for byte (attachments: size and time) what the last good build
            # read, the clock has not reached a scheduled publication, and every output is in place.
            report.publications, report.routes = previous.publications, previous.routes
            report.next_due = previous.next_due
            report.diagnostics = list(previous.warnings)  # the same inputs give the same warnings
            return report
        if quick_build(options, cache, scan, previous, frame, whole, report, output):
            return report
    analysis = analyse(options, cache, report, scan)
    report.diagnostics, report.site, report.parsed = analysis.diagnostics, analysis.site, analysis.parsed
    if not report.ok or analysis.site is None or analysis.assets is None:
        # Every problem in one run: the pages that rendering would break are reported too.
        report.diagnostics = sort_diagnostics(report.diagnostics + _page_problems(options, analysis, cache, progress))
        return report
    report.next_due = analysis.site.next_due
    site, routes, assets = analysis.site, analysis.routes, analysis.assets
    report.publications, report.routes = len(site.publications), len(routes)

    clock = time.perf_counter()
    signature = _site_signature(options, site, assets)
    files = [(route.output, project / "content" / route.context["file"]) for route in routes if route.renderer == "file"]
    routes = [route for route in routes if route.renderer != "file"]
    fingerprints = route_fingerprints(routes, signature)
    try:
        if output.begin():
            previous = None  # links or devices in the live site: trust nothing of it, render everything
    except OutputError as exc:
        report.diagnostics.append(Diagnostic(str(out), 0, "bad-output", str(exc)))
        return report
    old = previous.pages if previous else {}
    todo = [i for i, route in enumerate(routes) if old.get(route.output) != fingerprints[route.output]
            or route.output not in output.published]
    try:
        renderer = Renderer(project, site.config, site.components, assets, cache.bodies, options.live_reload,
                            bytecode_folder=cache.folder("templates") if options.use_cache else None)
        written, problems, report.workers = _render(routes, todo, fingerprints, renderer, output,
                                                    cache.routes if options.use_cache else None, options.workers,
                                                    progress, project)
        report.rendered = len(todo)
        report.timings["render"] = time.perf_counter() - clock
        if problems:
            report.diagnostics = sort_diagnostics(report.diagnostics + _merge_repeats(problems))
            output.abort()
            return report
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
        quick = QuickState(frame, scan.keys, {route.source: route.output for route in routes
                                              if route.renderer == QUICK_RENDERER},
                           signature, (site.config, site.components, assets))
        cache.save_manifest(out, Manifest(
            published=output.identity(), whole=whole, pages=fingerprints, outputs=tuple(sorted(outputs)),
            publications=report.publications, routes=report.routes, warnings=tuple(report.diagnostics),
            next_due=site.next_due, search=search_print, search_files=search_files, quick=quick))
        if options.use_cache:
            cache.routes.keep_only(fingerprints[route.output] for route in routes if route.renderer == QUICK_RENDERER)
        report.timings["publish"] = time.perf_counter() - clock
    except SearchError as exc:
        output.abort()
        report.diagnostics.append(Diagnostic("content", 0, "search-index", f"the search index could not be built: {exc}",
                                             "check that pagefind[bin] is installed (pip install -e .)"))
    except BaseException:
        output.abort()
        raise
    return report


__all__ = ["BuildOptions", "BuildReport", "build", "check", "MARKER"]
