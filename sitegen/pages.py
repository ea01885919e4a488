"""Routes -> checked bytes, in parallel: render each page, run the output guards, hand it to the writer.

A `RenderJob` holds everything the rendering of a batch of routes reads; forked workers inherit
it (it is never pickled) and each renders a contiguous range. A page that fails a guard or a
template is never written: its problem comes back as a Diagnostic at the content or template
line that caused it. The writer (`output.Output`; None when checking) is the only thing that
touches the output folder, and `kept` (the cache's route store) the only thing that touches
the cache.
"""

from __future__ import annotations

import contextlib
import os
import traceback
import weakref
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import jinja2

from .diagnostics import Diagnostic
from .guards import PageProblem, page_problems
from .language import EnglishBlock, english_blocks, english_on_page
from .output import Output, die_with_parent
from .render import Renderer, template_files
from .routes import Route
from .store import Routes
from .workers import fork_context, guided_chunks

PARALLEL_THRESHOLD = 400  # routes; below this, forking workers costs more than it saves
RENDER_CHUNK = 200  # routes a worker renders at most per chunk (about 0.25 s); fewer near the end
KEPT_RENDERER = "publication.html"  # the pages a quick rebuild starts from (their routes are kept)

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class RenderJob:
    """One batch of routes to render, and everything rendering them reads or writes."""

    routes: list[Route]
    prints: list[str]  # the fingerprint of each route ("" when checking)
    renderer: Renderer
    project: Path
    output: Output | None  # None: check only, write nothing
    kept: Routes | None = None  # where a publication page's route is kept for quick rebuilds
    broken: frozenset[str] = frozenset()  # content files with errors: findings they explain are dropped


@dataclass(frozen=True)
class Rendered:
    written: int  # files whose bytes changed
    diagnostics: list[Diagnostic]
    workers: int


_JOB: RenderJob | None = None  # in a forked render worker only: its batch, set by _start_worker


def render_one(job: RenderJob, index: int) -> tuple[int, list[Diagnostic]]:
    """Render, guard and write one route: (1 if its file changed, problems)."""
    route = job.routes[index]
    try:
        data = job.renderer.render(route)
    except jinja2.TemplateError as exc:
        return 0, [_template_diagnostic(exc, route)]
    warnings: list[Diagnostic] = []
    if route.renderer.endswith(".html"):
        page = data.decode("utf-8")
        problems = page_problems(page)
        if problems:
            found = [_guard_diagnostic(problem, route, job.project, job.broken) for problem in problems]
            return 0, [diagnostic for diagnostic in found if diagnostic is not None]
        warnings = _language_warnings(job.renderer, route, page)
    if job.kept is not None and route.renderer == KEPT_RENDERER:
        job.kept.put(job.prints[index], route)  # what a quick rebuild of this page starts from
    return (int(job.output.write(route.output, data)) if job.output is not None else 0), warnings


# The English text of each renderer's templates. Weak keys, not id(renderer): an id is reused
# once a renderer is freed, and a later build's renderer got an earlier one's templates.
_BLOCKS: weakref.WeakKeyDictionary[Renderer, tuple[EnglishBlock, ...]] = weakref.WeakKeyDictionary()


def _language_warnings(renderer: Renderer, route: Route, page: str) -> list[Diagnostic]:
    """English text from the templates on a page in another language: one warning per sentence."""
    language = renderer.language_of(route)
    if language.partition("-")[0].lower() == "en":
        return []
    blocks = _BLOCKS.get(renderer)
    if blocks is None:
        env, loader = renderer.env, renderer.env.loader
        names = [name for name in loader.list_templates() if name.endswith(".html")] if loader else []
        sources = [(name, loader.get_source(env, name)[0]) for name in names] if loader else []
        blocks = _BLOCKS[renderer] = english_blocks(sources)
    return [
        Diagnostic(
            f"templates/{block.template or route.renderer}",
            block.line,
            "untranslated-text",
            f'"{block.text}" is English on a page in "{language}" ({route.path}, page line {line})',
            "put the words in sitegen/strings.py for every language and use them through t, "
            'or mark English on purpose with lang="en"',
            severity="warning",
        )
        for block, line in english_on_page(page, blocks)
    ]


def _start_worker(job: RenderJob) -> None:
    """A forked worker's start: it inherits the job (nothing is pickled) and dies with its parent."""
    global _JOB
    die_with_parent()
    _JOB = job


def _render_range(bounds: tuple[int, int]) -> list[tuple[int, list[Diagnostic]]]:
    if _JOB is None:
        raise RuntimeError("only forked render workers call this, after _start_worker")
    return render_chunk(_JOB, bounds)


def render_chunk(job: RenderJob, bounds: tuple[int, int]) -> list[tuple[int, list[Diagnostic]]]:
    """Render a range of the job's routes; the routes it keeps are stored in one transaction at its end."""
    with job.kept.batch() if job.kept is not None else contextlib.nullcontext():
        return [render_one(job, index) for index in range(*bounds)]


def render_routes(job: RenderJob, workers: int, progress: Progress | None = None) -> Rendered:
    """Render every route of the job, in forked workers when there are enough of them."""
    chunks = guided_chunks(len(job.routes), workers, RENDER_CHUNK, 4)
    written, diagnostics, done = 0, [], 0
    context = fork_context() if len(job.routes) >= PARALLEL_THRESHOLD and workers > 1 else None
    use = workers if context is not None else 1
    if context is not None:
        job.renderer.bodies.before_fork()
    pool = (
        ProcessPoolExecutor(use, mp_context=context, initializer=_start_worker, initargs=(job,))
        if context is not None
        else None
    )
    batches = pool.map(_render_range, chunks) if pool else (render_chunk(job, chunk) for chunk in chunks)
    try:
        for chunk, results in zip(chunks, batches):
            for index, (count, problems) in enumerate(results, chunk[0]):
                written += count
                diagnostics += problems
                if count and pool and job.output is not None:
                    job.output.wrote((job.routes[index].output,))  # a worker's Output is its own copy
            done += chunk[1] - chunk[0]
            if progress:
                progress(done, len(job.routes))
    finally:
        if pool:
            pool.shutdown(cancel_futures=True)
    return Rendered(written, diagnostics, use)


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


def _guard_diagnostic(
    problem: PageProblem, route: Route, project: Path, broken: frozenset[str] = frozenset()
) -> Diagnostic | None:
    """An output guard's finding, at the content line or template line that caused it.

    The evidence (the link, the image, the template text) is looked for in the route's source file
    first, then in the templates; a page-wide absence (no banner, no <h1>) is the page template's.
    None when the evidence is in a file that has errors already (a bad title shown on a listing).
    """
    where = f"line {problem.line} of the page {route.output}"
    if (
        problem.evidence
        and not problem.markup
        and any(_line_of(project / path, problem.evidence) for path in sorted(broken))
    ):
        return None
    if route.source and problem.evidence and not problem.markup:
        line = _line_of(project / route.source, problem.evidence)
        if line:
            return Diagnostic(route.source, line, "output-guard", problem.message, f"it would be published at {where}")
    if problem.evidence:
        # The page's template first; a built-in template is named as the override that would replace it.
        for name, path in sorted(template_files(project).items(), key=lambda item: item[0] != route.renderer):
            line = _line_of(path, problem.evidence)
            if line:
                return Diagnostic(
                    f"templates/{name}",
                    line,
                    "output-guard",
                    problem.message,
                    f"it would be published at {where}",
                )
    return Diagnostic(
        f"templates/{route.renderer}", 0, "output-guard", problem.message, f"found at {where}; fix the template"
    )


def _template_diagnostic(exc: jinja2.TemplateError, route: Route) -> Diagnostic:
    """A template mistake, located in the template (not a traceback)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return Diagnostic(
            f"templates/{exc.name or exc.filename}", exc.lineno or 0, "template-error", exc.message or str(exc)
        )
    path, line = "templates", 0
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        name = (frame.filename or "").replace(os.sep, "/")
        if name.startswith("templates/") or "/templates/" in name:  # the project may be "." or absolute
            tail = name.removeprefix("templates/") if name.startswith("templates/") else name.split("/templates/", 1)[1]
            path, line = f"templates/{tail}", frame.lineno or 0
            break
    hint = f"while rendering {route.path}"
    if "ListingItem" in str(exc):
        hint += (
            "; lists (listings, feeds, index.json) show publications without their bodies, so that a "
            "body edit re-renders one page: show it on the publication page instead"
        )
    return Diagnostic(path, line, "template-error", f"{exc}", hint)


def merge_repeats(problems: list[Diagnostic]) -> list[Diagnostic]:
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
