"""`sitegen import`: read an export, plan every row, convert, stage, check, then publish into content/.

The stages, each a function of what the one before returned:

1. the site settings and the mapping (errors there stop the import: nothing is read);
2. the source, into rows (`sources.py`);
3. a plan per row: values (`values.py`), keys, the file it goes to (a new slug, or the file an
   earlier import wrote, matched by `extra.import_id` or by its old address), its alias;
4. bodies to Markdown (`body.py`), in worker processes when there are many; then the links in
   them and the attachments are resolved against the whole plan and `--files`;
5. staging: every file the import would write is written into a hard-link copy of the project
   (`writer.Overlay`), and `sitegen check` runs there, exactly as on a pull request. A file with
   errors is taken back out (its row is skipped, with the check's messages), and the check runs
   again, so what is published passes;
6. unless `--dry-run`, the staged files are moved into the project, and the redirect maps for
   the old host are written.

Bad input is never an exception: every problem is a `Diagnostic` or a reason in the report.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import multiprocessing
import os
import posixpath
import re
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..builder import BuildOptions, check
from ..config import SiteConfig, load_config
from ..diagnostics import Diagnostic, Severity
from ..loader import FILE_SIGNATURES
from ..scaffold import component_names, match_key
from ..schema import LANGUAGE_RE, SLUG_RE, SUMMARY_WARN_LENGTH
from ..urls import RESERVED_PAGE_SLUGS, RESERVED_SLUGS, Urls
from .body import Converted, convert_html, convert_text, resolve_refs
from .existing import Existing, ExistingContent, read_existing
from .files import AttachmentPlanner, FileIndex, mirror_path
from .mapping import KEYED, Mapping, load_mapping
from .redirectmaps import netlify_file, nginx_map, s3_file
from .report import ImportReport, RowResult
from .sources import Row, read_source
from .values import (
    acronym_of,
    clean_text,
    make_key,
    old_path,
    parse_date,
    rebase,
    summary_from,
)
from .writer import Overlay, UnsafePath, publication_text, scalar, write_file

Progress = Callable[[str, int, int], None]
IMPORTED = ("title", "date", "updated", "component", "type", "topics", "summary", "language", "attachments", "body")
PARALLEL_ROWS = 300  # below this many bodies, starting workers costs more than it saves
CHECK_ROUNDS = 3
LANGUAGE_NAMES = {
    "english": "en",
    "spanish": "es",
    "español": "es",
    "espanol": "es",
    "french": "fr",
    "français": "fr",
    "chinese": "zh",
    "中文": "zh",
    "vietnamese": "vi",
    "tiếng việt": "vi",
    "korean": "ko",
    "한국어": "ko",
    "russian": "ru",
    "arabic": "ar",
    "haitian creole": "ht",
    "kreyòl ayisyen": "ht",
    "portuguese": "pt",
    "tagalog": "tl",
}


@dataclass
class ImportOptions:
    source: Path
    project: Path
    kind: str
    mapping: Path | None = None
    files: Path | None = None
    dry_run: bool = False
    keep_edits: bool = False
    redirect_base: str | None = None  # default: the path of base_url
    redirects_dir: str = "redirects"  # relative to the project
    check: bool = True
    jobs: int = 0
    shown_source: str = ""
    shown_mapping: str = ""


@dataclass
class Plan:
    """One row on its way to a file."""

    row: Row
    result: RowResult
    import_id: str = ""
    old_url: str = ""
    old_path: str = ""
    old_host: str = ""
    alias: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    body_raw: str = ""
    body_format: str = "html"
    attachments: list[tuple[str, str]] = field(default_factory=list)
    existing: Existing | None = None
    path: str = ""  # relative to content/
    slug: str = ""
    body: str = ""
    files: list[tuple[str, str]] = field(default_factory=list)  # (content-relative name, mirror file) to copy
    text: str = ""  # the file as it will be written


def _fingerprint(value: Any) -> str:
    data = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(data.encode("utf-8"), digest_size=6).hexdigest()


def _convert_job(job: tuple[str, str, tuple[str, ...], str]) -> Converted:
    raw, fmt, hosts, page_url = job
    if fmt == "text":
        return convert_text(raw)
    if fmt == "markdown":
        return Converted(raw.strip() + "\n" if raw.strip() else "", raw)
    return convert_html(raw, hosts, page_url)


class Importer:
    def __init__(self, options: ImportOptions, progress: Progress | None = None):
        self.options = options
        self.project = options.project
        self.progress = progress or (lambda stage, done, total: None)
        self.report = ImportReport(
            source=options.shown_source or str(options.source), kind=options.kind, dry_run=options.dry_run
        )
        self._config: SiteConfig | None = None
        self._mapping: Mapping | None = None
        self.existing = ExistingContent()
        self.names: dict[str, dict[str, tuple[str, ...]]] = {}
        self.created: dict[str, dict[str, str]] = {name: {} for name in KEYED}
        self.resolved: dict[tuple[str, str], tuple[str | None, str, str]] = {}
        self.plans: list[Plan] = []
        self.slugs: dict[str, str] = {}  # slug -> where (taken in this run)
        self.by_old_path: dict[str, Plan] = {}
        self.redirect_base = "/"
        self.files = FileIndex(None)
        self._planner: AttachmentPlanner | None = None
        self.old_urls: dict[str, Existing] = {}
        self.rows: list[Row] = []

    # Set by the first stages; every later stage runs only once they are, so reading one early is a bug.
    @property
    def config(self) -> SiteConfig:
        if self._config is None:
            raise RuntimeError("the site settings are read before any row is planned")
        return self._config

    @property
    def mapping(self) -> Mapping:
        if self._mapping is None:
            raise RuntimeError("the mapping is read before any row is planned")
        return self._mapping

    @property
    def planner(self) -> AttachmentPlanner:
        if self._planner is None:
            raise RuntimeError("attachments are planned only after the files folder is indexed")
        return self._planner

    # -- 1, 2: settings, mapping, source -----------------------------------------------------

    def run(self) -> ImportReport:
        start = time.perf_counter()
        try:
            if self._prepare():
                self._plan_rows()
                self._convert()
                self._stage_and_publish()
        finally:
            if self._planner is not None:
                self._planner.close()
            self.report.seconds = time.perf_counter() - start
        return self.report

    def _stage(self, name: str, start: float) -> None:
        self.report.timings[name] = time.perf_counter() - start

    def _prepare(self) -> bool:
        clock = time.perf_counter()
        config, problems = load_config(self.project)
        errors = [d for d in problems if d.severity == "error"]
        if config is None or errors:
            self.report.diagnostics += errors or [
                Diagnostic("content/site.yaml", 0, "config", "the site settings cannot be read")
            ]
            return False
        self._config = config
        base_path = config.base_path or "/"
        base = self.options.redirect_base if self.options.redirect_base is not None else base_path
        if not base.startswith("/"):
            base = "/" + base
        self.redirect_base = base if base.endswith("/") else base + "/"
        shown_mapping = self.options.shown_mapping or (str(self.options.mapping) if self.options.mapping else "")
        mapping, problems = load_mapping(self.options.mapping, self.options.kind, shown_mapping)
        self.report.diagnostics += problems
        if mapping is None:
            return False
        source = read_source(self.options.source, mapping, self.report.source)
        self.report.diagnostics += source.diagnostics
        self.report.notes += source.notes
        self._mapping = source.mapping or mapping
        if any(d.code == "mapping" for d in source.diagnostics) or (not source.rows and source.diagnostics):
            return False
        missing = [
            name
            for name in ("title", "date", "component", "type")
            if not self.mapping.fields.get(name)
            or not (self.mapping.fields[name].source or self.mapping.fields[name].default)
        ]
        if missing:
            for name in missing:
                self.report.diagnostics.append(
                    Diagnostic(
                        self.mapping.path or self.report.source,
                        0,
                        "mapping",
                        f"nothing in the mapping gives {name}",
                        f"add fields: {{{name}: {{from: <column>}}}} to the mapping, or a value for every row: "
                        f"{name}: {{default: {'ice' if name == 'component' else 'report' if name == 'type' else '...'}}}",
                    )
                )
            return False
        self.rows = source.rows
        self.existing = read_existing(self.project, self.options.jobs)
        self.names = {
            "component": component_names(self.project),
            "type": {key: (name,) for key, name in config.types},
            "topics": {key: (name,) for key, name in config.topics},
        }
        if self.options.files is not None:
            self.files = FileIndex.scan(self.options.files)
        self._planner = AttachmentPlanner(self.files, self.project / "content")
        self._stage("read", clock)
        return True

    # -- 3: a plan per row ---------------------------------------------------------------------

    def _where(self, row: Row) -> str:
        return f"{row.where} ({row.label})"

    def _problem(self, plan: Plan, message: str, hint: str = "", line: int = 0, severity: Severity = "error") -> None:
        row = plan.row
        self.report.diagnostics.append(
            Diagnostic(row.source, line or row.line, "import-row", f"{row.label}: {message}", hint, severity)
        )
        if severity == "error":
            plan.result.reasons.append(message)

    def _plan_rows(self) -> None:
        clock = time.perf_counter()
        mapping = self.mapping
        old_urls = self.existing.by_old_url(lambda url: old_path(url, mapping.old_site)[0])
        self.old_urls = old_urls
        seen_ids: dict[str, str] = {}
        for index, row in enumerate(self.rows):
            plan = self._plan(row, old_urls, seen_ids)
            self.plans.append(plan)
            self.report.rows.append(plan.result)
            if index % 500 == 0:
                self.progress("Reading", index, len(self.rows))
        self._stage("plan", clock)

    def _plan(self, row: Row, old_urls: dict[str, Existing], seen_ids: dict[str, str]) -> Plan:
        mapping = self.mapping
        title, fixes = clean_text(row.first("title"))
        plan = Plan(row, RowResult(self._where(row), title or "(no title)"))
        notes = plan.result.notes
        notes += [f"title: {fix}" for fix in fixes]
        if not title:
            self._problem(plan, "no title", f"the row has nothing in {_named(mapping, 'title')}")
        values: dict[str, Any] = {"title": title}
        # Dates
        date_text = row.first("date")
        spec = mapping.fields.get("date")
        date, how = parse_date(date_text, spec.formats if spec else (), self.config.timezone)
        if date is None:
            self._problem(
                plan,
                f'no date: "{date_text}" cannot be read ({how})' if date_text else "no date",
                _date_hint(mapping, "date") if date_text else f"the row has nothing in {_named(mapping, 'date')}",
                row.line_of(date_text),
            )
        elif not 1000 <= date.year <= 9998:
            self._problem(
                plan, f"the date {date.isoformat()} is not a plausible publication date", _date_hint(mapping, "date")
            )
            date = None
        else:
            values["date"] = date.isoformat()
        updated_text = row.first("updated")
        if updated_text:
            spec = mapping.fields.get("updated")
            updated, how = parse_date(updated_text, spec.formats if spec else (), self.config.timezone)
            if updated is None:
                self._problem(
                    plan,
                    f'the update date "{updated_text}" cannot be read ({how}); it was left out',
                    _date_hint(mapping, "updated"),
                    row.line_of(updated_text),
                    "warning",
                )
            elif date is not None and updated > date and updated.year <= 9998:
                values["updated"] = updated.isoformat()
        # Keys
        for name in ("component", "type"):
            text, fixes = clean_text(row.first(name))
            if not text:
                self._problem(
                    plan,
                    f"no {name}",
                    f"the row has nothing in {_named(mapping, name)}; "
                    f"give a value for rows without one: fields: {{{name}: {{default: ...}}}}",
                )
                continue
            key = self._key(plan, name, text)
            if key:
                values[name] = key
        topics = []
        for text, _ in plan.row.values.get("topics", []):
            text, _ = clean_text(text)
            if text:
                key = self._key(plan, "topics", text)
                if key and key not in topics:
                    topics.append(key)
        if topics:
            values["topics"] = topics
        # Summary (made from the body later when missing)
        spec = mapping.fields.get("summary")
        summary, fixes = clean_text(row.first("summary"))
        if summary:
            values["summary"] = summary
        language_text = row.first("language").strip()
        if language_text:
            language = self._language(plan, language_text)
            if language and language != self.config.language:
                values["language"] = language
        # Body
        spec = mapping.fields.get("body")
        plan.body_raw = row.first("body")
        plan.body_format = spec.format if spec is not None else "html"
        plan.attachments = [item for item in row.values.get("attachments", []) if item[0].strip()]
        # Identity: the old address, the import id, a file written before
        url = row.first("url").strip()
        if url:
            path, host, problem = old_path(url, mapping.old_site)
            plan.old_url = url
            if problem:
                notes.append(f'old address "{url[:100]}" cannot be kept as an alias: it {problem}')
            else:
                plan.old_path, plan.old_host = path, host
                plan.alias = rebase(path, self.redirect_base)
                if plan.alias is None:
                    notes.append(
                        f"old address {path} is outside --redirect-base {self.redirect_base}, so it is "
                        "no alias; the redirect maps for the old host cover it"
                    )
        given_id = clean_text(row.first("id"))[0]
        if given_id:
            plan.import_id = given_id
        elif plan.old_path:
            plan.import_id = f"url:{plan.old_path}"
        elif title and date:
            plan.import_id = f"title:{make_key(title)}:{date.isoformat()}"
        if plan.import_id in seen_ids:
            self._problem(
                plan,
                f"same {'id' if given_id else 'old address'} as {seen_ids[plan.import_id]}: imported once",
                severity="warning",
            )
            plan.result.reasons.append(f"duplicate of {seen_ids[plan.import_id]}")
            return plan
        if plan.old_path and plan.old_path in self.by_old_path:
            other = self.by_old_path[plan.old_path].result.where
            self._problem(plan, f"same old address {plan.old_path} as {other}: imported once", severity="warning")
            plan.result.reasons.append(f"duplicate of {other}")
            return plan
        if plan.import_id:
            seen_ids[plan.import_id] = plan.result.where
        if plan.import_id in self.existing.broken_ids:
            path = self.existing.broken_ids[plan.import_id]
            self._problem(
                plan,
                f"content/{path} has this row's import id but cannot be read",
                "fix that file (sitegen check shows how), then import again",
            )
        existing = self.existing.by_id.get(plan.import_id) if plan.import_id else None
        if existing is None and plan.old_path:
            existing = old_urls.get(plan.old_path)
            if existing is None and plan.alias is not None:
                candidate = self.existing.by_alias.get(plan.alias.rstrip("/") or "/")
                if candidate is not None:
                    if not candidate.import_id:
                        plan.result.reasons.append(
                            f"the library already has it by hand: content/{candidate.path} "
                            f"has the alias {plan.alias}; left alone"
                        )
                        return plan
                    existing = candidate
        plan.existing = existing
        plan.values = values
        if plan.result.reasons:
            return plan
        if existing is not None:
            plan.path, plan.slug = existing.path, existing.slug
        else:
            if date is None:
                raise RuntimeError("a row without a date has a reason and is never planned as a new file")
            plan.slug = self._new_slug(plan, title, date.year)
            plan.path = f"publications/{date.year:04d}/{plan.slug}.md"
        self.slugs[plan.slug] = plan.result.where
        if plan.old_path:
            self.by_old_path[plan.old_path] = plan
        if plan.alias is not None:
            why = self._alias_problem(plan.alias, plan.slug)
            if why:
                notes.append(f"old address {plan.old_path} is not kept as an alias: {why}")
                plan.alias = None
        return plan

    def _language(self, plan: Plan, text: str) -> str:
        spec = self._mapping.fields.get("language") if self._mapping else None
        mapped = spec.mapped(text) if spec is not None else None
        if mapped:
            return mapped
        lowered = text.strip().lower()
        if lowered in ("und", "zxx", "none"):
            return ""
        code = LANGUAGE_NAMES.get(lowered, lowered.replace("_", "-"))
        if LANGUAGE_RE.match(code):
            return code
        self._problem(
            plan,
            f'"{text}" is not a language code; the site\'s language is used',
            "give a value map under fields.language.map, e.g. {English: en}",
            severity="warning",
        )
        return ""

    def _key(self, plan: Plan, name: str, text: str) -> str | None:
        """The site key for a value: value map, else key/name/acronym, else new or an error."""
        cached = self.resolved.get((name, text))
        if cached is None:
            cached = self._resolve_key(name, text)
            self.resolved[(name, text)] = cached
        key, how, problem = cached
        if problem:
            if how == "drop":
                plan.result.notes.append(problem)
            else:
                self._problem(plan, problem, how)
            return None
        if key is not None and how != "key":
            entry = (name, text, key, how)
            self.report.mapped[entry] = self.report.mapped.get(entry, 0) + 1
        return key

    def _resolve_key(self, name: str, text: str) -> tuple[str | None, str, str]:
        spec = self.mapping.fields.get(name)
        names = self.names[name]
        singular = name.rstrip("s")
        target = spec.mapped(text) if spec is not None else None
        policy = self.mapping.policy(name)
        if target:
            if target in names or target in self.created[name]:
                return target, "value map", ""
            if policy == "create":
                self._create(name, target, text if text != target else target.replace("-", " ").title())
                return target, "value map, new", ""
            return (
                None,
                (f"add {target} to the site first, or set unknown: {{{name}: create}} in the mapping"),
                f'the value map gives {singular} "{target}", which the site does not have',
            )
        key, why = match_key(text, names)
        if key is not None:
            return key, "key" if key == text else "matched by name", ""
        if policy == "create":
            key = make_key(text)
            if not key or not SLUG_RE.match(key):
                return (
                    None,
                    "give it a key in the value map",
                    f'{singular} "{text}" has no letters or digits to make a key of',
                )
            if key not in names:
                self._create(name, key, text)
            return key, "new" if key in self.created[name] else "matched by name", ""
        if policy == "drop":
            return None, "drop", f'topic "{text}" is not a topic of the site; left out'
        return (
            None,
            (f"map it under fields.{name}.map in the mapping, add it to the site, or set unknown: {{{name}: create}}"),
            f'unknown {singular} "{text}"; {why}',
        )

    def _create(self, name: str, key: str, display: str) -> None:
        self.created[name][key] = display

    def _new_slug(self, plan: Plan, title: str, year: int) -> str:
        spec = self.mapping.fields.get("slug")
        wanted = ""
        if spec is not None and spec.source == "@url" and plan.old_path:
            wanted = make_key(plan.old_path.rstrip("/").rsplit("/", 1)[-1])
        elif plan.row.first("slug"):
            wanted = make_key(plan.row.first("slug"))
        if not wanted:
            from slugify import slugify

            wanted = slugify(title, max_length=80, word_boundary=True) or "publication"
        candidates = itertools.chain((wanted, f"{wanted}-{year}"), (f"{wanted}-{year}-{n}" for n in range(2, 1000)))
        for candidate in candidates:
            path = f"publications/{year:04d}/{candidate}.md"
            taken = (
                candidate in RESERVED_SLUGS
                or candidate in self.slugs
                or candidate in self.existing.slugs
                or path in self.existing.paths
            )
            if not taken:
                if candidate != wanted:
                    other = self.slugs.get(wanted) or (
                        f"content/{self.existing.slugs[wanted]}" if wanted in self.existing.slugs else "the site itself"
                    )
                    plan.result.notes.append(f'slug "{wanted}" is taken by {other}; this one is "{candidate}"')
                return candidate
        return f"{wanted}-{hashlib.blake2b(plan.import_id.encode(), digest_size=4).hexdigest()}"

    def _alias_problem(self, alias: str, slug: str) -> str:
        parts = alias.strip("/").split("/")
        if alias.rstrip("/") == Urls.publication(slug).rstrip("/"):
            return "it is the publication's new address too"
        if parts[0] in RESERVED_PAGE_SLUGS - {"publications"} or (parts[0] in self.existing.pages and len(parts) == 1):
            return "the new site uses that address itself"
        if parts[0] == "publications" and (
            len(parts) == 1 or parts[1] in RESERVED_SLUGS or parts[1] in self.slugs or parts[1] in self.existing.slugs
        ):
            return "the new site uses that address itself"
        return ""

    # -- 4: bodies, links, attachments -----------------------------------------------------------

    def _hosts(self, plan: Plan) -> tuple[str, ...]:
        hosts = {plan.old_host}
        if self._mapping and self._mapping.old_site:
            hosts.add((urlsplit(self.mapping.old_site).hostname or "").lower())
        return tuple(sorted(h for h in hosts if h))

    def _page_url(self, plan: Plan) -> str:
        if plan.old_url and re.match(r"^https?://", plan.old_url):
            return plan.old_url
        host = self._hosts(plan)
        origin = (
            self.mapping.old_site
            if self._mapping and self._mapping.old_site
            else (f"https://{host[0]}" if host else "")
        )
        return origin + (plan.old_path or "/")

    def _convert(self) -> None:
        clock = time.perf_counter()
        todo = [plan for plan in self.plans if not plan.result.reasons]
        jobs = [(plan.body_raw, plan.body_format, self._hosts(plan), self._page_url(plan)) for plan in todo]
        workers = self.options.jobs or (os.cpu_count() or 1)
        converted: list[Converted] = []
        if len(jobs) >= PARALLEL_ROWS and workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            chunk = max(1, len(jobs) // (workers * 16))
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                for index, result in enumerate(pool.map(_convert_job, jobs, chunksize=chunk)):
                    converted.append(result)
                    if index % 200 == 0:
                        self.progress("Converting", index, len(jobs))
        else:
            for index, job in enumerate(jobs):
                converted.append(_convert_job(job))
                if index % 200 == 0:
                    self.progress("Converting", index, len(jobs))
        self.progress("Converting", len(jobs), len(jobs))
        self._stage("convert", clock)
        clock = time.perf_counter()
        for plan, result in zip(todo, converted):
            self._finish(plan, result)
        self._stage("resolve", clock)

    def _link_target(self, plan: Plan, kind: str, url: str) -> tuple[str | None, str]:
        """(Markdown link target, note) for a local link of a body."""
        path, _, problem = old_path(url, self.mapping.old_site)
        if problem or not path:
            return None, f'link "{url[:80]}" left out: it {problem or "is empty"}'
        folder = posixpath.dirname(plan.path)
        extension = posixpath.splitext(path)[1].lstrip(".").lower()
        prefix = self.mapping.files_prefix
        if (prefix and path.startswith(prefix)) or (extension in FILE_SIGNATURES and extension not in ("csv", "txt")):
            relative = mirror_path(path, prefix if path.startswith(prefix) else "")
            if relative is not None:
                target, why = self._attach(plan, relative)
                if target is not None:
                    return posixpath.relpath(target, folder), ""
                return self._fallback(plan, path, f"file {relative} is not linked: {why}")
        key = path.rstrip("/") or "/"
        other = self.by_old_path.get(path) or self.by_old_path.get(key) or self.by_old_path.get(key + "/")
        if other is not None and other.path and not other.result.reasons:
            return posixpath.relpath(other.path, folder), ""
        for candidate in (path, key, key + "/"):
            found = self.old_urls.get(candidate)
            if found is not None:
                return posixpath.relpath(found.path, folder), ""
        alias = rebase(path, self.redirect_base)
        existing = self.existing.by_alias.get((alias or "").rstrip("/") or "/") if alias else None
        if existing is not None:
            return posixpath.relpath(existing.path, folder), ""
        if kind == "img":  # an image on the old site would not show: the site's pages load only their own
            return None, f"image {path} left out: it is not in --files"
        return self._fallback(plan, path, f"link to {path}, a page that was not imported,")

    def _fallback(self, plan: Plan, path: str, what: str) -> tuple[str | None, str]:
        host = self._hosts(plan)
        origin = (
            self.mapping.old_site
            if self._mapping and self._mapping.old_site
            else (f"https://{host[0]}" if host else "")
        )
        if origin and self._config is not None:
            base = urlsplit(self.config.base_url)
            if (urlsplit(origin).hostname or "") == (base.hostname or "") and path.startswith(base.path or "/"):
                # The new site answers there now: the old page is gone, and check would call it a broken link.
                return None, f"{what} left out (its text is kept): the new site now serves {origin}{path}"
        if origin:
            return origin + path, f"{what} kept pointing to the old site ({origin}{path})"
        return None, f"{what} left out (its text is kept); set old_site: in the mapping to keep such links"

    def _attach(self, plan: Plan, relative: str) -> tuple[str | None, str]:
        found, why = self.files.find(relative)
        if found is None:
            return None, why
        placed, why = self.planner.place(found)
        if placed is None:
            return None, why
        if placed.new and (placed.file, placed.source) not in plan.files:
            plan.files.append((placed.file, placed.source))
        return placed.file, ""

    def _finish(self, plan: Plan, converted: Converted) -> None:
        notes = plan.result.notes
        if converted.dropped:
            notes.append("removed from the text as unsafe: " + ", ".join(converted.dropped))
        notes += converted.notes
        targets: dict[str, str | None] = {}
        for token, kind, url in converted.refs:
            target, note = self._link_target(plan, kind, url)
            targets[token] = target
            if note:
                notes.append(note)
        plan.body = resolve_refs(converted.markdown, targets) if converted.refs else converted.markdown
        values = plan.values
        if "summary" not in values:
            made = summary_from(clean_text(converted.text, keep_lines=True)[0])
            if made:
                values["summary"] = made
                notes.append("summary made from the first paragraph of the text")
            else:
                values["summary"] = values.get("title", "")
                notes.append("no summary and no text: the summary is the title (write a real one)")
        elif len(values["summary"]) > SUMMARY_WARN_LENGTH:
            long = len(values["summary"])
            values["summary"] = summary_from(values["summary"], SUMMARY_WARN_LENGTH)
            notes.append(
                f"summary shortened from {long} to {len(values['summary'])} characters (search results cut at 300)"
            )
        attachments: list[dict[str, str]] = []
        for index, (url, label) in enumerate(plan.attachments):
            path, _, problem = (
                old_path(url, self.mapping.old_site)
                if re.match(r"^(https?:)?/", url.strip())
                else ("/" + url.strip().lstrip("/"), "", "")
            )
            relative = (
                mirror_path(path, self.mapping.files_prefix if path.startswith(self.mapping.files_prefix) else "")
                if not problem
                else None
            )
            if relative is None:
                self._problem(plan, f'attachment "{url[:100]}" is not a file address', severity="warning")
                continue
            target, why = self._attach(plan, relative)
            if target is None:
                self._problem(
                    plan,
                    f"attachment {relative} was not copied: {why}",
                    "copy the old site's files folder and pass it as --files" if "--files" in why else "",
                    plan.row.line_of(url),
                    "warning",
                )
                notes.append(f"attachment {relative} missing")
                continue
            if any(item["file"] == target for item in attachments):
                continue
            title = clean_text(label)[0] or values.get("title", "")
            if len(plan.attachments) > 1 and not clean_text(label)[0]:
                title = f"{title} (part {index + 1})"
            attachments.append({"title": title, "file": target})
        if attachments:
            values["attachments"] = attachments
        plan.text = self._text(plan)

    def _text(self, plan: Plan) -> str:
        """The file: the new values, or an earlier import's file updated field by field."""
        values = dict(plan.values)
        body = plan.body
        written = {name: _fingerprint(values[name]) for name in IMPORTED if name in values and name != "body"}
        written["body"] = _fingerprint(body.strip())
        extra: dict[str, Any] = {"import_id": plan.import_id}
        if plan.old_url:
            extra["import_url"] = plan.old_url
        existing = plan.existing
        if existing is None:
            if plan.alias:
                values["aliases"] = [plan.alias]
            values["extra"] = {**extra, "import_fingerprints": written}
            return publication_text(values, body)
        current = dict(existing.data)
        recorded = existing.extra.get("import_fingerprints")
        recorded = recorded if isinstance(recorded, dict) else {}
        merged = dict(current)
        kept, overwritten = [], []
        for name in IMPORTED:
            old = existing.body.strip() if name == "body" else current.get(name)
            new = body if name == "body" else values.get(name)
            edited = name in recorded and _fingerprint(old) != recorded[name] and old is not None
            if edited and self.options.keep_edits:
                kept.append(name)
                written[name] = recorded[name]
                continue
            if edited and _fingerprint(old) != _fingerprint(new.strip() if name == "body" and new else new):
                overwritten.append(name)
            if name == "body":
                body = str(new or "")
            elif new is None:
                merged.pop(name, None)
            else:
                merged[name] = new
        if "body" in kept:
            body = existing.body
        aliases = existing.aliases
        if plan.alias and (plan.alias.rstrip("/") or "/") not in {a.rstrip("/") or "/" for a in aliases}:
            aliases = aliases + [plan.alias]
        if aliases:
            merged["aliases"] = aliases
        merged["extra"] = {**existing.extra, **extra, "import_fingerprints": written}
        if kept:
            plan.result.notes.append("kept hand edits of " + ", ".join(kept) + " (--keep-edits)")
        if overwritten:
            plan.result.notes.append(
                "replaced hand edits of "
                + ", ".join(overwritten)
                + " with the export's values (--keep-edits keeps them)"
            )
        if merged == current and (body or "").strip() == existing.body.strip():
            return existing.text  # the same values: a file tidied by hand is not rewritten
        return publication_text(merged, body.lstrip("\n") if body else "")

    # -- 5, 6: stage, check, publish -------------------------------------------------------------

    def _extra_files(self) -> dict[str, bytes]:
        """types.yaml, topics.yaml and components/ for the new keys that written rows use."""
        used: dict[str, set[str]] = {name: set() for name in KEYED}
        for plan in self.plans:
            if plan.text and not plan.result.reasons:
                for name in ("component", "type"):
                    if name in plan.values:
                        used[name].add(plan.values[name])
                used["topics"].update(plan.values.get("topics", ()))
        out: dict[str, bytes] = {}
        self.report.created = []
        for name, relative in (("type", "content/types.yaml"), ("topics", "content/topics.yaml")):
            new = {key: display for key, display in self.created[name].items() if key in used[name]}
            if not new:
                continue
            path = self.project / relative
            text = path.read_text("utf-8-sig") if path.is_file() else ""
            if text and not text.endswith("\n"):
                text += "\n"
            text += "".join(f"{key}: {scalar(display)}\n" for key, display in sorted(new.items()))
            out[relative] = text.encode("utf-8")
            kind = "type" if name == "type" else "topic"
            self.report.created += [(kind, key, display, relative) for key, display in sorted(new.items())]
        for key, display in sorted(self.created["component"].items()):
            if key not in used["component"]:
                continue
            relative = f"content/components/{key}.md"
            acronym = acronym_of(display)
            out[relative] = (
                f"---\nname: {scalar(display)}\nacronym: {scalar(acronym)}\n---\nPublications of the {display}.\n"
            ).encode()
            self.report.created.append(("component", key, display, relative))
        return out

    def _stage_and_publish(self) -> None:
        clock = time.perf_counter()
        overlay = Overlay(self.project)
        self._stage("overlay", clock)
        try:
            self._write_all(overlay)
            if self.options.check and (self._changed() or self.report.created):
                self._check(overlay)
            clock = time.perf_counter()
            if not self.options.dry_run:
                self._publish(overlay)
            self._redirects()
            self._stage("publish", clock)
        finally:
            overlay.close()

    def _write_all(self, overlay: Overlay) -> None:
        clock = time.perf_counter()
        written = [plan for plan in self.plans if plan.text and not plan.result.reasons]
        for index, plan in enumerate(written):
            if plan.existing is not None and plan.existing.text == plan.text:
                plan.result.action, plan.result.path = "unchanged", f"content/{plan.path}"
                continue
            try:
                overlay.write(f"content/{plan.path}", plan.text.encode("utf-8"))
                for name, source in plan.files:
                    if not (overlay.root / "content" / name).exists():
                        overlay.copy(f"content/{name}", source)
            except (UnsafePath, OSError) as exc:
                self._problem(plan, f"cannot write content/{plan.path}: {exc}")
                continue
            plan.result.action = "updated" if plan.existing is not None else "imported"
            plan.result.path = f"content/{plan.path}"
            if index % 500 == 0:
                self.progress("Writing", index, len(written))
        for relative, data in self._extra_files().items():
            overlay.write(relative, data)
        self._stage("stage", clock)

    def _changed(self) -> list[Plan]:
        return [plan for plan in self.plans if plan.result.action in ("imported", "updated")]

    def _check(self, overlay: Overlay) -> None:
        """`sitegen check` on the staged site; files with errors go back out, and it runs again.

        A file taken out can break another's link to it, hence the rounds; a file with errors in
        the last round is taken out too, so nothing with an error is ever published.
        """
        clock = time.perf_counter()
        by_path = {plan.result.path: plan for plan in self._changed()}

        def progress(done: int, total: int) -> None:
            self.progress("Checking", done, total)

        for round_ in range(CHECK_ROUNDS):
            result = check(
                BuildOptions(project=overlay.root, cache_dir=self.project / ".sitegen-cache", jobs=self.options.jobs),
                progress,
            )
            rejected = sorted({d.path for d in result.diagnostics if d.severity == "error" and d.path in by_path})
            if not rejected:
                break
            for path in rejected:
                self._reject(
                    overlay, by_path, path, [d for d in result.diagnostics if d.path == path and d.severity == "error"]
                )
            extra = self._extra_files()
            for relative, data in extra.items():
                overlay.write(relative, data)
            for relative in ("content/types.yaml", "content/topics.yaml"):
                if relative not in extra:
                    overlay.restore(relative)
            if round_ == CHECK_ROUNDS - 1:
                self.report.notes.append(
                    f"{len(rejected)} files were taken out after the last check; "
                    "run sitegen check to see the site without them"
                )
        self.report.check = [
            d
            for d in result.diagnostics
            if d.path not in {p.result.path for p in self.plans if p.result.action == "skipped"}
        ]
        self.report.check_publications = result.publications
        self._stage("check", clock)

    def _reject(self, overlay: Overlay, by_path: dict[str, Plan], path: str, problems: list[Diagnostic]) -> None:
        plan = by_path.pop(path)
        for d in problems:
            self._problem(plan, f"would not pass sitegen check: {d.path}:{d.line}: {d.message}", d.hint)
        plan.result.action = "skipped"
        overlay.restore(path)
        for name, _ in plan.files:
            if not any(name == other_name for other in by_path.values() for other_name, _ in other.files):
                overlay.restore(f"content/{name}")

    def _publish(self, overlay: Overlay) -> None:
        copied: set[str] = set()
        for plan in self._changed():
            for name, _ in plan.files:
                if name not in copied and (overlay.root / "content" / name).is_file():
                    overlay.publish(f"content/{name}")
                    copied.add(name)
            overlay.publish(plan.result.path)
        for relative in self._extra_files():
            overlay.publish(relative)
        self.report.files_copied = len(copied)
        self.report.files_reused = len(self._reused())

    def _reused(self) -> set[str]:
        return {placed.file for placed in self.planner.placed.values() if not placed.new}

    def _redirects(self) -> None:
        """Aliases counted; the old host's maps from every file an import wrote."""
        if self.options.dry_run:
            self.report.files_copied = len({name for plan in self._changed() for name, _ in plan.files})
            self.report.files_reused = len(self._reused())
        live = [plan for plan in self.plans if plan.result.action in ("imported", "updated", "unchanged")]
        self.report.aliases = sum(1 for plan in live if plan.alias)
        pairs: dict[str, str] = {}
        aliases: dict[str, str] = {}
        hosts: Counter[str] = Counter()
        done = {plan.path for plan in live}
        old = [
            (pub.import_url, pub.slug, pub.aliases)
            for pub in self.existing.publications
            if pub.import_id and pub.import_url and pub.path not in done
        ]
        old += [(plan.old_url, plan.slug, [plan.alias] if plan.alias else []) for plan in live if plan.old_path]
        base_path = self.config.base_path or "/"
        for url, slug, _aliases in old:
            path, host, problem = old_path(url, self._mapping.old_site if self._mapping else "")
            if problem or not path:
                continue
            pairs.setdefault(path, base_path + Urls.publication(slug)[1:])
            alias = rebase(path, self.redirect_base)
            if alias:
                aliases[path] = alias
            if host:
                hosts[host] += 1
        if not pairs:
            return
        new_host = (urlsplit(self.config.base_url).hostname or "").lower()
        old_host = hosts.most_common(1)[0][0] if hosts else ""
        if self._mapping and self._mapping.old_site:
            old_host = (urlsplit(self.mapping.old_site).hostname or "").lower()
        origin = self.config.origin if old_host and old_host != new_host else ""
        ordered = sorted(pairs.items())
        folder = self.options.redirects_dir.strip("/") or "redirects"
        s3, how = s3_file(ordered, aliases, self.redirect_base, new_host, base_path)
        files = {
            f"{folder}/_redirects": netlify_file(ordered, origin),
            f"{folder}/nginx-redirects.conf": nginx_map(ordered, origin, f"{folder}/nginx-redirects.conf"),
            f"{folder}/s3-routing-rules.json": s3,
        }
        verb = "would write" if self.options.dry_run else "wrote"
        where = f" on {old_host}" if old_host else ""
        self.report.redirects.append(
            f"{verb} redirect maps for {len(pairs)} old addresses{where} -> {self.config.origin}"
            f"{base_path}: " + ", ".join(files)
        )
        self.report.redirects.append(f"S3: {how}")
        if self.redirect_base != base_path:
            self.report.redirects.append(
                f"old addresses under {self.redirect_base} are aliases under {base_path}: the host must send "
                f"{self.redirect_base}... to {base_path}... (the maps above do it address by address)"
            )
        if not self.options.dry_run:
            for relative, data in files.items():
                try:
                    target = self.project / relative
                    if target.is_file() and not target.is_symlink() and target.read_bytes() == data:
                        continue
                    write_file(self.project, relative, data)
                except (UnsafePath, OSError) as exc:
                    self.report.diagnostics.append(
                        Diagnostic(relative, 0, "import-redirects", f"cannot write it: {exc}")
                    )


def _named(mapping: Mapping, name: str) -> str:
    spec = mapping.fields.get(name)
    return f'"{spec.source}"' if spec is not None and spec.source else f"the {name} column"


def _date_hint(mapping: Mapping, name: str) -> str:
    where = f" in {mapping.path}" if mapping.path else " in a mapping file (--map)"
    return (
        f'add its format under fields.{name}.formats{where}, e.g. formats: ["%m/%d/%Y"] for 10/31/2018 '
        'or ["%a, %m/%d/%Y - %H:%M"] for Drupal\'s "Wed, 10/31/2018 - 13:45"'
    )


def import_library(options: ImportOptions, progress: Progress | None = None) -> ImportReport:
    """Run an import; see the module docstring. Never raises for bad input."""
    return Importer(options, progress).run()


__all__ = ["ImportOptions", "import_library"]
