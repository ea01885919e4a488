"""The `sitegen` command line: the only place that prints or exits.

Exit status: 0 success, 1 content errors, 2 usage errors (click's own). A content error is
printed as `file:line: message`; a traceback is only ever shown for a bug in sitegen itself.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import __version__

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar  # what click.progressbar returns
from .builder import BuildOptions, BuildReport, build, check
from .diagnostics import FORMATTERS, Diagnostic, has_errors

PROGRESS_MIN_ROUTES = 2000  # about two seconds of rendering on a laptop


def _project(path: str) -> Path:
    project = Path(path)
    if not (project / "content").is_dir():
        raise click.UsageError(f"{path} is not a sitegen project: it has no content/ folder")
    return project


def _print_diagnostics(diags: list[Diagnostic], fmt: str = "text") -> None:
    if diags:
        click.echo(FORMATTERS[fmt](diags), err=fmt == "text")


@contextlib.contextmanager
def _progress_bar(wanted: bool, label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress callback that draws a bar on a terminal, for runs long enough to need one."""
    interactive = wanted and sys.stderr.isatty() and not os.environ.get("CI")
    bar: ProgressBar[int] | None = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if not interactive or total < PROGRESS_MIN_ROUTES:
            return
        if bar is None:
            bar = click.progressbar(length=total, label=label, file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    try:
        yield progress
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)


def _summary(report: BuildReport) -> str:
    errors = sum(d.severity == "error" for d in report.diagnostics)
    warnings = len(report.diagnostics) - errors
    parts = [f"{errors} error{'s' * (errors != 1)}"] if errors else []
    if warnings:
        parts.append(f"{warnings} warning{'s' * (warnings != 1)}")
    return ", ".join(parts)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sitegen")
def main() -> None:
    """Build and check the publications library."""
    # SIGTERM (a CI job cancelled, a container stopped) unwinds like Ctrl-C, so the staging
    # folder is cleaned up and the previous site is left as it was.
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _terminate)


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def run() -> None:
    """Console entry point: Ctrl-C ends with a message, not a traceback."""
    try:
        main()
    except KeyboardInterrupt:
        click.echo("Interrupted; the previous site was left as it was.", err=True)
        sys.exit(130)


@main.command("build")
@click.argument("project", default=".", type=click.Path(file_okay=False))
@click.option("-o", "--output", type=click.Path(file_okay=False), help="Output folder (default: PROJECT/_site).")
@click.option("--base-url", help="Override base_url of site.yaml, e.g. for a preview under another path.")
@click.option("--drafts", is_flag=True, help="Include publications marked draft: true.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, help="Worker processes (default: one per CPU).")
@click.option("--future", is_flag=True, help="Include publications scheduled (publish_at) for later.")
@click.option("--no-search", is_flag=True, help="Skip the search index (the previous one is left as it was).")
@click.option("--no-cache", is_flag=True, help="Ignore and do not update the build cache.")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems.")
def build_command(
    project: str,
    output: str | None,
    base_url: str | None,
    drafts: bool,
    jobs: int,
    future: bool,
    no_search: bool,
    no_cache: bool,
    quiet: bool,
) -> None:
    """Build the site into PROJECT/_site (or --output)."""
    options = BuildOptions(
        project=_project(project),
        out=Path(output) if output else None,
        base_url=base_url,
        drafts=drafts,
        jobs=jobs,
        use_cache=not no_cache,
        future=future,
        search=not no_search,
    )
    with _progress_bar(not quiet, "Rendering") as progress:
        report = build(options, progress)
    errors = [d for d in report.diagnostics if d.severity == "error"]
    _print_diagnostics(errors)
    if not report.ok:
        click.echo(
            f"Build failed: {_summary(report)}. The previous site in {options.output} was left as it was.", err=True
        )
        sys.exit(1)
    if not quiet:
        warnings = f"; {_summary(report)} (`sitegen check` lists them)" if report.diagnostics else ""
        click.echo(
            f"Built {report.publications:,} publications, {report.routes:,} pages in {report.seconds:.2f} s "
            f"({report.workers} worker{'s' * (report.workers != 1)}); {report.rendered:,} rendered, "
            f"{report.written:,} files written, {report.removed:,} removed{warnings}."
        )
    due = report.next_due
    if due is not None:
        # A scheduled CI job reads this line to know when to rebuild.
        click.echo(f"Next scheduled publication: {due.astimezone(dt.UTC):%Y-%m-%dT%H:%MZ}; rebuild then to publish it.")


@main.command("check")
@click.argument("project", default=".", type=click.Path(file_okay=False))
@click.option("--format", "fmt", type=click.Choice(sorted(FORMATTERS)), default="text", help="Output format.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--drafts", is_flag=True, help="Check drafts as if they were published.")
@click.option(
    "--translations", is_flag=True, help="Also list publications missing a translation that similar publications have."
)
def check_command(project: str, fmt: str, strict: bool, drafts: bool, translations: bool) -> None:
    """Validate the content and write nothing."""
    with _progress_bar(fmt == "text", "Checking pages") as progress:
        report = check(BuildOptions(project=_project(project), drafts=drafts), progress)
    if translations and report.site is not None:
        from .diagnostics import sort_diagnostics
        from .site import missing_translations

        report.diagnostics = sort_diagnostics(report.diagnostics + missing_translations(report.site))
    if fmt == "json":
        click.echo(FORMATTERS["json"](report.diagnostics))
    else:
        _print_diagnostics(report.diagnostics, fmt)
    failed = has_errors(report.diagnostics, strict=strict) if report.diagnostics else False
    if fmt == "text":
        if report.diagnostics:
            click.echo(f"{_summary(report)}.", err=True)
        else:
            click.echo(
                f"No problems found in {report.publications:,} publications "
                f"({report.routes:,} outputs rendered or checked).",
                err=True,
            )
    sys.exit(1 if failed else 0)


@main.command("serve")
@click.argument("project", default=".", type=click.Path(file_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("-o", "--output", type=click.Path(file_okay=False), help="Output folder (default: PROJECT/_site).")
@click.option("--base-url", help="Override base_url of site.yaml (the preview is served under its path).")
@click.option("--drafts", is_flag=True, help="Include publications marked draft: true.")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a web browser.")
def serve_command(
    project: str, host: str, port: int, output: str | None, base_url: str | None, drafts: bool, open_browser: bool
) -> None:
    """Build, serve on http://127.0.0.1:8000, rebuild on every change and reload the browser."""
    from .server import PreviewServer

    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"Warning: serving on {host} makes the preview reachable from other machines.", err=True)
    options = BuildOptions(
        project=_project(project), out=Path(output) if output else None, base_url=base_url, drafts=drafts
    )
    try:
        server = PreviewServer(options, host, port, log=lambda text: click.echo(text, err=True))
    except OSError as exc:
        raise click.UsageError(
            f"cannot listen on {host}:{port}: {exc.strerror}; try --port 0 or another port"
        ) from None
    server.start()
    click.echo(f"Serving {server.url} (Ctrl-C to stop)", err=True)
    if open_browser:
        import webbrowser

        webbrowser.open(server.url)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        click.echo("Stopped.", err=True)


@main.command("init")
@click.argument("folder", type=click.Path(file_okay=False))
@click.option("--agency", default="Example Agency", show_default=True, help="The agency's name.")
@click.option("--acronym", default="EXA", show_default=True, help="The agency's acronym.")
@click.option("--domain", default="example.gov", show_default=True, help="The agency's domain, shown in the footer.")
@click.option("--title", default="Publications Library", show_default=True, help="The site's title.")
@click.option("--base-url", default="", help="Where the site is published (default: https://www.DOMAIN/library/).")
@click.option(
    "--label", default="Office", show_default=True, help="What the agency calls its parts: Office, Bureau, Component..."
)
@click.option("--label-plural", default="", help="The plural of --label, when it is not the label with an s.")
def init_command(
    folder: str, agency: str, acronym: str, domain: str, title: str, base_url: str, label: str, label_plural: str
) -> None:
    """Create a new site project in FOLDER (new or empty) that builds and passes check --strict.

    \b
    Example:  sitegen init library --agency "Department of Examples" --acronym DOX --domain examples.gov
    """
    from .init import InitError, Settings, init_project

    settings = Settings(agency, acronym, domain, title, base_url, label, label_plural)
    try:
        written = init_project(Path(folder), settings)
    except InitError as exc:
        raise click.UsageError(str(exc)) from None
    click.echo(f"Wrote {len(written)} files in {folder}. Next:")
    click.echo(f"  cd {folder}")
    click.echo("  sitegen serve          # preview, with live reload")
    click.echo("  sitegen check --strict # then edit content/site.yaml, the sample office and publication")


@main.group("new")
def new_group() -> None:
    """Create new content files."""


@new_group.command("publication")
@click.option(
    "--component",
    required=True,
    help="Component: its key (a file name in content/components/), acronym or name, e.g. ice or ICE.",
)
@click.option(
    "--type",
    "type_",
    required=True,
    help='Type: its key in content/types.yaml or its name, e.g. fact-sheet or "Fact Sheet".',
)
@click.argument("arguments", nargs=-1, required=True, metavar="[PROJECT] TITLE")
def new_publication_command(component: str, type_: str, arguments: tuple[str, ...]) -> None:
    """Write a new draft publication with today's date and every field explained.

    \b
    Example:  sitegen new publication --component ice --type fact-sheet "ICE Body Worn Cameras"
    """
    import datetime as dt

    from .config import load_config
    from .scaffold import component_names, match_key, new_publication

    if len(arguments) > 2:
        raise click.UsageError(
            'put the title in quotes: sitegen new publication --component ice --type fact-sheet "The title"'
        )
    project, title = (".", arguments[0]) if len(arguments) == 1 else arguments
    root = _project(project)
    config, _ = load_config(root)
    key, why = match_key(component, component_names(root))
    if key is None:
        raise click.BadParameter(f'unknown component "{component}"; {why}', param_hint="--component")
    component = key
    if config:
        key, why = match_key(type_, {name_key: (name,) for name_key, name in config.types})
        if key is None:
            raise click.BadParameter(f'unknown type "{type_}"; {why}', param_hint="--type")
        type_ = key
    try:
        path = new_publication(root, title, component, type_, dt.date.today())
    except FileExistsError as exc:
        raise click.UsageError(f"{exc} already exists; choose another title") from None
    click.echo(
        f"Wrote {path.relative_to(root)} as a draft: replace the placeholder summary and text, run "
        "`sitegen check`, then remove the line draft: true to publish it."
    )


@main.group("report")
def report_group() -> None:
    """Reports about the content, for the people who look after it."""


@report_group.command("attachments")
@click.argument("project", default=".", type=click.Path(file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table", help="Output format.")
def report_attachments_command(project: str, fmt: str) -> None:
    """List every attachment with its pages, size, language and Section 508 status.

    \b
    Example:  sitegen report attachments --format csv > attachments.csv
    """
    from .report import attachment_rows, to_csv, to_table

    rows, problems = attachment_rows(_project(project))
    errors = [d for d in problems if d.severity == "error"]
    if errors:
        _print_diagnostics(errors)
    click.echo(to_csv(rows) if fmt == "csv" else to_table(rows), nl=False)


@report_group.command("stale")
@click.argument("project", default=".", type=click.Path(file_okay=False))
@click.option(
    "--older-than",
    "older_than",
    default="2y",
    show_default=True,
    metavar="AGE",
    help="List what was last reviewed longer ago than this: 2y, 18m, 90d.",
)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", help="Output format.")
def report_stale_command(project: str, older_than: str, fmt: str) -> None:
    """List publications due for review, oldest first.

    A publication's last review is its `reviewed` date, else `updated`, else `date`; drafts and
    retired publications are left out. Ages count back from today in the site's time zone.

    \b
    Example:  sitegen report stale --older-than 18m --format csv > review.csv
    """
    from .report import parse_age, stale_csv, stale_json, stale_rows, stale_table

    try:
        age = parse_age(older_than)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--older-than") from None
    rows, today, problems = stale_rows(_project(project), age)
    errors = [d for d in problems if d.severity == "error"]
    if errors:
        _print_diagnostics(errors)
    if fmt == "csv":
        click.echo(stale_csv(rows), nl=False)
    elif fmt == "json":
        click.echo(stale_json(rows), nl=False)
    else:
        click.echo(stale_table(rows, age, today), nl=False)


@main.command("csp")
@click.argument("project", default=".", type=click.Path(file_okay=False))
def csp_command(project: str) -> None:
    """Print the Content-Security-Policy header the site's pages need.

    It allows this site's own scripts, styles, images and fonts, and the hosts of the settings
    that load something from elsewhere (analytics.dap). deploy/nginx.conf carries it for a site
    with and without DAP; give it to any other server or CDN that sets the site's headers.
    """
    from .config import load_config
    from .csp import content_security_policy

    config, problems = load_config(_project(project))
    if config is None:
        _print_diagnostics(problems)
        sys.exit(1)
    click.echo(content_security_policy(config))


@main.command("schema")
def schema_command() -> None:
    """Print the JSON Schema of publication front matter (for editors)."""
    from .schema import publication_json_schema

    click.echo(json.dumps(publication_json_schema(), indent=2))


@main.command("diff")
@click.argument("old", type=click.Path(exists=True, file_okay=False))
@click.argument("new", type=click.Path(exists=True, file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["markdown", "json"]), default="markdown", help="Output format.")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=200,
    show_default=True,
    help="Paths listed per kind in Markdown; the rest are counted.",
)
def diff_command(old: str, new: str, fmt: str, limit: int) -> None:
    """List the pages, listings, feeds and files that differ between two built sites.

    \b
    Example:  sitegen diff base-site pr-site > report.md
    """
    from .changes import compare

    report = compare(Path(old), Path(new))
    click.echo(report.to_markdown(limit) if fmt == "markdown" else report.to_json(), nl=False)


@main.command("import")
@click.argument("source", type=click.Path(exists=True))
@click.argument("project", default=".", type=click.Path(file_okay=False))
@click.option(
    "--from",
    "kind",
    type=click.Choice(["csv", "json", "feed", "html"]),
    required=True,
    help="What SOURCE is: a CSV or JSON export, an RSS/Atom feed file, or a folder of saved pages.",
)
@click.option(
    "--map",
    "mapping",
    type=click.Path(exists=True, dir_okay=False),
    help="Mapping file (YAML): which column or selector gives each field, value maps, date formats.",
)
@click.option(
    "--files",
    type=click.Path(exists=True, file_okay=False),
    help="Local copy of the old site's files folder, where attachments are copied from.",
)
@click.option(
    "--redirect-base", help="Path of the old site that base_url's path stands for (default: base_url's path)."
)
@click.option(
    "--redirects",
    "redirects_dir",
    default="redirects",
    show_default=True,
    help="Folder of the project for the old host's redirect maps.",
)
@click.option("--keep-edits", is_flag=True, help="On a re-run, keep fields edited by hand since the last import.")
@click.option("--dry-run", is_flag=True, help="Report what would be imported; write nothing.")
@click.option("--no-check", is_flag=True, help="Do not run sitegen check on the result before writing it.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", help="Report format.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, help="Worker processes (default: one per CPU).")
def import_command(
    source: str,
    project: str,
    kind: str,
    mapping: str | None,
    files: str | None,
    redirect_base: str | None,
    redirects_dir: str,
    keep_edits: bool,
    dry_run: bool,
    no_check: bool,
    fmt: str,
    jobs: int,
) -> None:
    """Import publications from an existing library's export into content/publications/.

    \b
    Examples:
      sitegen import export.csv --from csv --map mapping.yaml --files old-site/files
      sitegen import feed.xml --from feed --map feed-mapping.yaml --dry-run
      sitegen import saved-pages/ --from html --map pages.yaml
    """
    from .importer import ImportOptions, import_library

    root = _project(project)
    if redirect_base is not None and not redirect_base.startswith("/"):
        raise click.BadParameter("must be a path such as / or /about/publications/", param_hint="--redirect-base")
    if (
        redirects_dir.startswith("/")
        or ".." in redirects_dir.split("/")
        or redirects_dir.partition("/")[0] in ("content", "templates", "assets", "_site")
    ):
        raise click.BadParameter("must be a folder inside the project, such as redirects", param_hint="--redirects")
    options = ImportOptions(
        source=Path(source),
        project=root,
        kind=kind,
        mapping=Path(mapping) if mapping else None,
        files=Path(files) if files else None,
        dry_run=dry_run,
        keep_edits=keep_edits,
        redirect_base=redirect_base,
        redirects_dir=redirects_dir,
        check=not no_check,
        jobs=jobs,
        shown_source=source,
        shown_mapping=mapping or "",
    )
    interactive = fmt == "text" and sys.stderr.isatty() and not os.environ.get("CI")
    bars: dict[str, ProgressBar[int]] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if not interactive or total < 200:
            return
        bar = bars.get(stage)
        if bar is None:
            for other in bars.values():
                other.__exit__(None, None, None)
            bars.clear()
            bar = bars[stage] = click.progressbar(length=total, label=f"{stage:<10}", file=sys.stderr)
            bar.__enter__()
        bar.update(done - bar.pos)

    report = import_library(options, progress)
    for bar in bars.values():
        bar.__exit__(None, None, None)
    click.echo(report.to_json() if fmt == "json" else report.to_text())
    sys.exit(0 if report.ok else 1)
