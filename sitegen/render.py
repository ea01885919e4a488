"""Route -> bytes: the Jinja environment and the machine-readable writers.

Jinja runs with autoescape and StrictUndefined, so front-matter text is always escaped and a
template typo fails the build instead of publishing an empty string. Body HTML, re-parsed and
reduced to the allowlist by `sanitize.publishable_html` when it was loaded, is the only content
text marked safe, in `Renderer.body`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from . import feeds, structured
from .assets import Assets
from .cache import MAC_SIZE, write_file
from .chart import year_chart
from .config import SiteConfig
from .contexts import Context, ListingContext, PageContext, PublicationContext, RedirectContext
from .markup import TOKEN_RE
from .model import Body, Component, ListingItem
from .routes import Route
from .store import Bodies, secret_key, sign, verify
from .strings import LANGUAGE_NAMES, strings_for
from .theme import BUILTIN_PREFIX, builtin_folder, effective_files, template_folders
from .urls import Urls, format_size, is_government_host

ITEM_MEMO_SIZE = 20_000  # rendered list items a process keeps (about 1 KB each)
_EXTERNAL_RE = re.compile(r'<a href="(https?://[^"]+)"(?![^>]*\bclass=)')


def _mark_downloads(html: str, labels: dict[str, str]) -> str:
    """Put the file type and size after each body link to a file: "(PDF, 1.2 MB)"."""
    pattern = re.compile(
        r'<a\b[^>]*\bhref="(' + "|".join(map(re.escape, labels)) + r')(?:#[^"]*)?"[^>]*>.*?</a>', re.DOTALL
    )
    return pattern.sub(lambda m: f'{m.group(0)} <span class="file-meta">({labels[m.group(1)]})</span>', html)


def format_date(value: dt.date | None, language: str = "en") -> str:
    """ "October 1, 2018", or in the page's language: "1 de octubre de 2018"."""
    if not value:
        return ""
    strings = strings_for(language)
    text: str = strings["date_format"].format(month=strings["months"][value.month - 1], day=value.day, year=value.year)
    return text


def is_government(url: str) -> bool:
    return is_government_host(urlsplit(url).hostname or "")


def template_files(project: Path) -> dict[str, Path]:
    """Name -> file of every template a build uses: the project's overrides, else the built-in theme's."""
    return effective_files(project, "templates")


def template_loader(project: Path) -> jinja2.BaseLoader:
    """The project's templates/ first, then the built-in theme; `builtin/<name>` is always the built-in one."""
    return jinja2.ChoiceLoader(
        [
            jinja2.FileSystemLoader(template_folders(project)),
            jinja2.PrefixLoader({BUILTIN_PREFIX.rstrip("/"): jinja2.FileSystemLoader(builtin_folder("templates"))}),
        ]
    )


class SignedBytecodeCache(jinja2.BytecodeCache):
    """Compiled templates kept in the cache folder, authenticated: jinja2 would run what it loads.

    jinja2's own FileSystemBytecodeCache unmarshals whatever code object it finds under a name
    anyone can compute, so a planted file would run on the next build. Here a file whose HMAC does
    not verify is ignored, and the template is compiled again.
    """

    def __init__(self, folder: Path, key: bytes | None = None):
        self.folder = folder
        self.key = key if key is not None else secret_key()  # read now: forked workers inherit it

    def _path(self, bucket: jinja2.bccache.Bucket) -> str:
        return os.path.join(self.folder, f"{bucket.key}.signed")

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            with open(self._path(bucket), "rb") as handle:
                blob = handle.read()
        except OSError:
            return
        payload = blob[MAC_SIZE:]
        if verify(self.key, b"template", bucket.key.encode(), payload, blob[:MAC_SIZE]):
            bucket.bytecode_from_string(payload)  # checks jinja2's magic and the template's checksum

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        payload = bucket.bytecode_to_string()
        with contextlib.suppress(OSError):  # a cache: failing to keep it costs a compile next time
            write_file(self._path(bucket), sign(self.key, b"template", bucket.key.encode(), payload) + payload)

    def clear(self) -> None:
        for path in Path(self.folder).glob("*.signed"):
            with contextlib.suppress(OSError):
                path.unlink()


class Renderer:
    """Renders routes of one site; build one per process (templates compile once)."""

    def __init__(
        self,
        project: Path,
        config: SiteConfig,
        components: dict[str, Component],
        assets: Assets,
        bodies: Bodies,
        bytecode_folder: Path | None = None,
    ):
        # The settings and the components are all a page needs of the site graph: the listings
        # it shows are in its route, so a quick rebuild can render a page without the graph.
        self.config = config
        self.components = components
        self.urls = Urls(config.base_url)
        self.assets = assets
        self.bodies = bodies
        self.env = jinja2.Environment(
            loader=template_loader(project),
            autoescape=jinja2.select_autoescape(["html", "xml"], default_for_string=True),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            # Compiled templates are kept between builds: compiling them is a quarter of a small rebuild.
            # Authenticated (SignedBytecodeCache): jinja2 runs the code a bytecode file holds.
            bytecode_cache=SignedBytecodeCache(bytecode_folder, bodies.store.key) if bytecode_folder else None,
            # A renderer lives for one build, which reads each template once: with reloading on,
            # every include on every page asked the file system whether it had changed (20,000
            # stat calls for 3,300 pages), and a template edited mid-build gave mixed pages.
            auto_reload=False,
        )
        self._shared: dict[tuple[str, str], Markup] = {}
        self._strings: dict[str, dict[str, Any]] = {}
        self._items: dict[tuple[str, int, str, str], Markup] = {}
        self.env.globals.update(
            site=config,
            url=self.urls.link,
            abs_url=self.urls.absolute,
            asset=self.asset,
            urls=Urls,
            format_date=format_date,
            format_size=format_size,
            is_government=is_government,
            language_names=LANGUAGE_NAMES,
            components=components,
            year_chart=year_chart,
            shared=self.shared,
            publication_item=self.publication_item,
            structured=structured,  # schema.org JSON-LD nodes (structured.py)
        )
        self.env.filters.update(date=format_date, filesize=format_size)

    def shared(self, name: str, language: str) -> Markup:
        """A partial that is the same on every page of a language (banner, identifier), rendered once."""
        key = (name, language)
        if key not in self._shared:
            html = self.env.get_template(name).render(lang=language, t=self.strings(language))
            self._shared[key] = Markup(html)  # noqa: S704 - rendered by the autoescaping environment
        return self._shared[key]

    def strings(self, language: str) -> dict[str, Any]:
        """The interface text of a language (`t`); in the site's language with site.yaml's labels."""
        key = language.partition("-")[0]
        table = self._strings.get(key)
        if table is None:
            table = strings_for(language)
            if self.config.labels and key == self.config.language.partition("-")[0]:
                table = {**table, **dict(self.config.labels)}
            self._strings[key] = table
        return table

    def publication_item(self, pub: ListingItem, heading_level: int, order: str, language: str) -> Markup:
        """One publication in a list, rendered once per process and list style, then reused.

        A publication appears in half a dozen listings (the library, its component, type,
        topics and year...), and its list item was a third of the cost of rendering them.
        """
        key = (pub.slug, heading_level, order, language)
        item = self._items.get(key)
        if item is None:
            if len(self._items) >= ITEM_MEMO_SIZE:
                self._items.clear()  # bounded memory at 100,000 publications
            html = self.env.get_template("partials/publication_item.html").render(
                pub=pub, heading_level=heading_level, order=order, lang=language, t=strings_for(language)
            )
            item = self._items[key] = Markup(html)  # noqa: S704 - rendered by the autoescaping environment
        return item

    def asset(self, name: str) -> str:
        return self.urls.link(self.assets.url(name))

    def body(self, body: Body, links: tuple[tuple[str, str, str], ...]) -> Markup:
        """The one place body HTML becomes safe: allowlist-checked at load, links resolved here."""
        html = self.bodies.get(body.key)
        if links:
            labels = {token: label for token, _, label in links if label}
            if labels:
                html = _mark_downloads(html, labels)
            resolved = {token: self.urls.link(path) for token, path, _ in links}
            html = TOKEN_RE.sub(lambda m: resolved.get(m.group(0), m.group(0)), html)
        html = _EXTERNAL_RE.sub(
            lambda m: (
                m.group(0)
                if is_government(m.group(1))
                else f'<a class="usa-link usa-link--external" rel="noreferrer" href="{m.group(1)}"'
            ),
            html,
        )
        return Markup(html)  # noqa: S704 - re-parsed by sanitize.publishable_html when loaded

    def render(self, route: Route) -> bytes:
        if route.renderer.endswith(".html"):
            return self.render_page(route).encode("utf-8")
        return WRITERS[route.renderer](self, route)

    def render_page(self, route: Route) -> str:
        """A page: its context's fields, the body (the only HTML marked safe) and the page's language."""
        ctx = route.context
        language = self.language_of(route)
        variables: dict[str, Any] = {
            **ctx.fields(),
            "route": route,
            "lang": language,
            "t": self.strings(language),
            "description": self.description(ctx, language),
            # a redirect page's canonical address is the publication's
            "canonical": ctx.target if isinstance(ctx, RedirectContext) else route.path,
        }
        variables.setdefault("trail", ())
        if isinstance(ctx, PublicationContext):
            variables["body"] = self.body(ctx.publication.body, ctx.links)
        elif isinstance(ctx, PageContext):
            variables["body"] = self.body(ctx.page.body, ctx.links)
        elif isinstance(ctx, ListingContext) and ctx.component is not None:
            variables["body"] = self.body(ctx.component.body, ctx.mission_links)
        return self.env.get_template(route.renderer).render(variables)

    def language_of(self, route: Route) -> str:
        ctx = route.context
        language = ctx.publication.language if isinstance(ctx, PublicationContext) else ""
        return language or self.config.language

    def description(self, ctx: Context, language: str) -> str:
        """The page's meta description: its own summary, else one in the page's language (site.yaml's
        `description`, when it has one, is the site's own text and is shown as written)."""
        if isinstance(ctx, PublicationContext):
            return ctx.publication.summary
        if isinstance(ctx, PageContext) and ctx.page.summary:
            return ctx.page.summary
        words = self.strings(language)
        agency = self.config.agency.name
        text: str
        if isinstance(ctx, ListingContext) and ctx.component is not None:
            text = words["component_description"].format(name=ctx.component.name, acronym=ctx.component.acronym)
        elif isinstance(ctx, ListingContext) and ctx.heading:
            text = words["listing_description"].format(heading=ctx.heading, agency=agency)
        else:
            text = self.config.description or words["site_description"].format(agency=agency)
        return text


WRITERS: dict[str, Callable[[Renderer, Route], bytes]] = {
    "feed": feeds.atom_feed,
    "sitemap": feeds.sitemap,
    "catalog": feeds.catalog,
    "robots": feeds.robots,
    "netlify-redirects": feeds.netlify_redirects_file,
    "s3-routing-rules": feeds.s3_routing_rules_file,
}
