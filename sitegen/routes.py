"""Every output of the site as a Route, planned before anything renders.

A route is a site path, what renders it (a template or a machine-readable writer) and the plain
data it shows. Collisions between outputs (a slug against an alias, two aliases) and links that
lead nowhere are found here, so the renderer never meets them. The data of a route is also its
fingerprint for incremental builds: if none of it changed, nor the templates, the page is not
rendered again.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import operator
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .attachments import downloads
from .config import IDENTIFIER_LINKS, SiteConfig
from .contexts import (
    PAGE_CONTEXTS,
    AliasesContext,
    CatalogContext,
    Context,
    Crumb,
    FeedContext,
    FileContext,
    HomeContext,
    ListingContext,
    NotFoundContext,
    PageContext,
    Pagination,
    PublicationContext,
    RedirectContext,
    RobotsContext,
    SearchContext,
    SitemapContext,
    expect,
    with_listings,
)
from .diagnostics import Diagnostic
from .loader import file_kind
from .markup import has_id, ids_hint
from .model import Body, Component, ListingItem, Page, Publication
from .search import search_bundles, search_filters
from .site import FACET_KINDS, Facet, Site
from .strings import strings_for
from .urls import Urls, format_size, output_file

FEED_SIZE = 50
HOME_LATEST = 10


@dataclass(frozen=True)
class Route:
    path: str
    renderer: str  # a template name (*.html) or a writer name (feed, sitemap, catalog, robots)
    context: Context = field(compare=False)
    source: str = ""  # the file that asked for this route, for collision messages
    sitemap: bool = False  # content pages are listed in the sitemap; redirects and 404 are not
    lastmod: str = ""  # for the sitemap, from content

    @property
    def output(self) -> str:
        return output_file(self.path)

    def fingerprint(self, site_signature: str, memo: dict[int, str] | None = None) -> str:
        """A hash of everything this route shows; equal fingerprints render equal bytes."""
        parts = [site_signature, self.path, self.renderer]
        _canonical(sorted(self.context.fields().items()), parts, {} if memo is None else memo)
        return hashlib.blake2b("\0".join(parts).encode(), digest_size=16).hexdigest()


def fingerprints(routes: list[Route], site_signature: str) -> dict[str, str]:
    """The fingerprint of every route by output file, in one pass.

    Many routes share one value (the facet summary on 500 library pages, a component's chart on
    each of its pages); the pass turns each shared value into text once.
    """
    memo: dict[int, str] = {}  # id of a context value -> its text; the routes keep every id alive
    return {route.output: route.fingerprint(site_signature, memo) for route in routes}


_DIGEST = operator.attrgetter("digest")


def _canonical(items: list[tuple[str, Any]], parts: list[str], memo: dict[int, str]) -> None:
    """Append a text form of a context that changes whenever it does.

    Publications stand in by their digest and components by their key (their content is in
    the site signature); breadcrumbs by their text. Everything else by its repr, which covers all
    its fields. A repr of every record would cost seconds at 10,000 publications.
    """
    for name, value in items:
        parts.append(name)
        kind = type(value)  # exact types, tested most common first: this runs 100,000s of times
        if kind is str:
            parts.append(repr(value))  # repr: a value holding the separator cannot pass for two
        elif kind is Publication:
            parts.append(value.digest)
        elif kind is Component:
            parts.append("component:" + value.key)
        elif kind is Pagination:
            # Not repr: `paths` lists every page of the listing, so the library's 5,000 pages would
            # each print 5,000 paths. The paths follow from the first one and the page count.
            parts.append(f"{value.page}/{value.pages}/{value.total}/{value.first}/{value.last}/{value.paths[0]}")
        else:
            text = memo.get(id(value))
            if text is None:
                text = memo[id(value)] = _text(value)
            parts.append(text)


def _text(value: Any) -> str:
    if type(value) is tuple and value and type(value[0]) is ListingItem:
        # Lists of publications (listings, feeds, index.json): their fields, never bodies.
        return "\x1f".join(map(_DIGEST, value))
    if type(value) is tuple and value and type(value[0]) is Crumb:
        return "\x1f".join(f"{crumb.title}\x1e{crumb.url}\x1e{crumb.lang}" for crumb in value)
    return repr(value)


def _trail_head(config: SiteConfig, library: bool, language: str = "") -> tuple[Crumb, ...]:
    """Home, the crumbs from site.yaml, then (for pages inside it) the Publications Library.

    On a page in another language than the site's, each crumb is in that language when site.yaml
    names it so, and says which language it is in otherwise.
    """
    language = language or config.language

    def crumb(text: str, names: tuple[tuple[str, str], ...], url: str) -> Crumb:
        shown, shown_language = config.translate(text, names, language)
        return Crumb(shown, url, "" if shown_language == language else shown_language)

    home = strings_for(language)["home"]
    head = [Crumb(home, "/")] + [crumb(c.title, c.names, c.url) for c in config.breadcrumb]
    if library:
        head.append(crumb(config.title, config.names, Urls.listing()))
    return tuple(head)


def paginate(
    items: tuple[Publication, ...], page_size: int, first_path: str, make_path: Any
) -> list[tuple[tuple[Publication, ...], Pagination]]:
    """Split a listing into pages; an empty listing still has one (empty) page."""
    pages = max(1, math.ceil(len(items) / page_size))
    paths = tuple(first_path if n == 1 else make_path(n) for n in range(1, pages + 1))
    result = []
    for n in range(1, pages + 1):
        chunk = items[(n - 1) * page_size : n * page_size]
        first = (n - 1) * page_size + 1 if chunk else 0
        result.append((chunk, Pagination(n, pages, len(items), first, first + len(chunk) - 1 if chunk else 0, paths)))
    return result


GENERATED_FOLDERS = ("assets/", "pagefind/", "__sitegen/")  # written by the build itself, not by routes


class _Planner:
    def __init__(self, site: Site, project: Path):
        self.site = site
        self.project = project
        self.config = site.config
        self.routes: list[Route] = []
        self.diags: list[Diagnostic] = []
        self.files_used: set[str] = set()  # files under content/files/ that published pages link to
        self._heads = {library: _trail_head(self.config, library) for library in (True, False)}
        self.words = strings_for(self.config.language)  # listings, search and 404 are in the site's language
        self.absolute = Urls(self.config.base_url).absolute
        base = urlsplit(self.config.base_url)
        try:
            base_port = _port(base.scheme.lower(), base.port)
        except ValueError:
            base_port = -1  # no link matches an unreadable port (site.yaml's check reports it)
        base_path = unquote(base.path) or "/"
        # (host, port unless the default, path ending in /) of base_url, for the site's own absolute links
        self._base = (base.hostname or "", base_port, base_path if base_path.endswith("/") else base_path + "/")

    def trail(self, *crumbs: Crumb, library: bool = True) -> tuple[Crumb, ...]:
        """The breadcrumb of a page: the site's head crumbs, then the page's own."""
        return self._heads[library] + crumbs

    def trail_in(self, language: str, *crumbs: Crumb) -> tuple[Crumb, ...]:
        """The breadcrumb of a page in `language` (a publication in another language than the site's)."""
        if language == self.config.language:
            return self.trail(*crumbs)
        return _trail_head(self.config, True, language) + crumbs

    def named_crumb(self, text: str, names: tuple[tuple[str, str], ...], url: str, pub: Publication) -> Crumb:
        """A crumb for a name (a component's) on the page of `pub`, in its language when names has it."""
        language = pub.language or self.config.language
        shown, shown_language = self.config.translate(text, names, language)
        return Crumb(shown, url, "" if shown_language == language else shown_language)

    def add(self, route: Route) -> None:
        """Plan a route. Lists of publications in its data are ListingItems (no bodies), so what a
        list shows is what its fingerprint covers; `with_listings` makes sure of it."""
        kind = PAGE_CONTEXTS.get(route.renderer)
        if kind is not None:  # each template is given its own kind of context (a planner bug otherwise)
            expect(route.context, kind)
        context = with_listings(route.context)
        self.routes.append(route if context is route.context else dataclasses.replace(route, context=context))

    # -- link resolution -------------------------------------------------------------------

    def content_target(self, target: str) -> tuple[str, tuple[str, ...] | None] | None:
        """Site path (and the ids a #fragment may name) of a content-relative link target, or None.

        The ids are None where any fragment is fine: a component's listing page (its ids are not
        known here) and files (`report.pdf#page=3` is for the PDF reader).
        """
        site = self.site
        if target in site.by_source:
            pub = site.by_source[target]
            return Urls.publication(pub.slug), pub.body.fragments
        if target in site.pages_by_source:
            page = site.pages_by_source[target]
            return Urls.page(page.slug), page.body.fragments
        if target.startswith("components/") and target.endswith(".md"):
            key = target.removeprefix("components/").removesuffix(".md")
            if key in site.components:
                return Urls.listing("component", key), None
        if target.startswith("files/") and target in site.files:
            self.files_used.add(target)
            return Urls.file(target), None
        return None

    def own_path(self, url: str) -> str | None:
        """The site path an absolute link (`https://host/base/x/`) leads to; None when it leads
        elsewhere: another host, or the same host outside base_url's path.

        http and https are the same site; so are an explicit default port and none, and the
        library's address without its final slash (`https://www.example.gov/library`).
        """
        base = self._base
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return None
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or (parts.hostname or "") != base[0] or _port(scheme, port) != base[1]:
            return None
        path = unquote(parts.path) or "/"
        if path + "/" == base[2]:
            return "/"
        return "/" + path[len(base[2]) :] if path.startswith(base[2]) else None

    def file_label(self, site_path: str) -> str:
        """ "PDF, 1.2 MB" for a link to a published file, so the page says what a click downloads.

        It is part of the route's data, so a file that changes size re-renders the pages linking it.
        """
        relative = site_path.lstrip("/")
        if not relative.startswith("files/") or relative not in self.site.files:
            return ""
        size = os.stat(os.path.join(self.project, "content", relative)).st_size
        return f"{file_kind(relative)}, {format_size(size)}"

    def resolve(self, body: Body, source: str) -> tuple[tuple[str, str, str], ...]:
        """(token, site path, file label) for each relative link of a body; problems become diagnostics."""
        resolved = []
        for link in body.links:
            path, fragment = link.target, link.fragment
            if not link.token:  # an absolute web link, published as written; checked when it is the site's own
                own = self.own_path(path)
                if own is not None:
                    self.site_links.append((source, link.line, own, fragment, path))
                continue
            if path.startswith("site:"):
                resolved.append((link.token, path.removeprefix("site:"), self.file_label(path.removeprefix("site:"))))
                if path.startswith("site:/files/") and path.removeprefix("site:/") in self.site.files:
                    self.files_used.add(path.removeprefix("site:/"))
                self.site_links.append((source, link.line, path.removeprefix("site:"), fragment, ""))
                continue
            found = self.content_target(path)
            if found is None and path in self.site.broken:
                continue  # the target has errors of its own, reported at its own lines
            if found is None:
                hint = "check the path; links are relative to this file"
                draft = next((p for p in self.site.drafts if p.source.removeprefix("content/") == path), None)
                if draft is not None:
                    message, hint = f'link to "{path}", which is a draft', "publish it or remove the link"
                elif path.startswith("files/") or path in self.site.files:
                    message = (
                        f'link to "{link.target}": only files under content/files/ are published'
                        if path in self.site.files
                        else f'link to missing file "{link.target}"'
                    )
                else:
                    message = f'link to missing page "{link.target}"'
                self.diags.append(Diagnostic(source, link.line, "broken-link", message, hint))
                continue
            url, fragments = found
            if fragment and fragments is not None and not has_id(fragment, fragments):
                self.diags.append(
                    Diagnostic(
                        source,
                        link.line,
                        "broken-link",
                        f'"#{fragment}" is not a heading or id of {path}',
                        ids_hint(fragment, fragments, "there", path),
                    )
                )
            resolved.append((link.token, url, self.file_label(url)))
        return tuple(resolved)

    # -- the URL table -----------------------------------------------------------------------

    def plan(self) -> None:
        site, config = self.site, self.config
        # (source, line, site path, fragment, the absolute URL as written or "") of links checked once every route is known
        self.site_links: list[tuple[str, int, str, str, str]] = []
        listed = site.listed
        summary = self.summary = _facet_summary(site)
        self.add(
            Route(
                "/",
                "home.html",
                HomeContext(
                    title=config.title,
                    latest=_listed(listed[:HOME_LATEST]),
                    facets=summary,
                    total=len(listed),
                    chart=_per_year(listed),
                ),
                sitemap=True,
                lastmod=_lastmod(listed),
            )
        )
        library = self.trail(library=False) + (Crumb(config.title, ""),)
        self.listing(
            "",
            "",
            config.title,
            listed,
            library,
            extra={"facets": summary, "library": True, "chart": _per_year(listed)},
            feed="/feed.xml",
        )
        words = self.words
        by_update = tuple(sorted(listed, key=lambda p: (-p.last_modified.toordinal(), p.slug)))
        self.listing(
            "updated",
            "",
            words["recently_updated"],
            by_update,
            self.trail(Crumb(words["recently_updated_crumb"], "")),
            extra={"order": "updated"},
        )
        retired = tuple(p for p in site.publications if p.retired is not None)
        if retired:
            self.listing(
                "retired",
                "",
                words["retired_publications"],
                retired,
                self.trail(Crumb(words["retired_crumb"], "")),
                extra={"order": "retired"},
            )
        for kind in FACET_KINDS:
            for facet in site.facets[kind]:
                self.facet_listing(facet)
        for pub in site.publications:
            self.publication(pub)
        for pub in site.rejected:  # not published (their errors are reported), but their links are checked too
            self.resolve(pub.body, pub.source)
        for page in site.pages:
            self.page(page)
        # SPEC: the breadcrumb is on every page but home, the site's own pages included.
        self.add(
            Route(
                "/search/",
                "search.html",
                SearchContext(
                    title=words["search_label"],
                    facets=summary,
                    filters=search_filters(site),
                    bundles=search_bundles(site),
                    trail=self.trail(Crumb(words["search_label"], "")),
                ),
                sitemap=True,
            )
        )
        self.add(
            Route(
                "/404.html",
                "404.html",
                NotFoundContext(title=words["not_found"], trail=self.trail(Crumb(words["not_found"], ""))),
            )
        )
        self.add(
            Route(
                "/feed.xml",
                "feed",
                FeedContext(title=config.title, items=_listed(listed[:FEED_SIZE]), alternate=Urls.listing()),
            )
        )
        self.add(
            Route(
                "/publications/index.json",
                "catalog",
                CatalogContext(items=_listed(site.publications), translations=_translation_slugs(site)),
            )
        )
        self.add(Route("/robots.txt", "robots", RobotsContext()))
        # Host-specific redirect files for the aliases (the HTML redirect pages work everywhere).
        aliases = tuple((alias, Urls.publication(pub.slug)) for pub in site.publications for alias in pub.aliases)
        self.add(Route("/_redirects", "netlify-redirects", AliasesContext(aliases)))
        self.add(Route("/s3-routing-rules.json", "s3-routing-rules", AliasesContext(aliases)))

    def listing(
        self,
        kind: str,
        key: str,
        title: str,
        items: tuple[Publication, ...],
        crumbs: tuple[Crumb, ...],
        extra: dict[str, Any] | None = None,
        feed: str = "",
        source: str = "",
    ) -> None:
        first = Urls.listing(kind, key)
        words = self.words
        for chunk, pagination in paginate(items, self.config.page_size, first, lambda n: Urls.listing(kind, key, n)):
            page_crumbs = (
                crumbs
                if pagination.page == 1
                else crumbs[:-1]
                + (Crumb(crumbs[-1].title, first), Crumb(words["page_n"].format(n=pagination.page), ""))
            )
            self.add(
                Route(
                    pagination.paths[pagination.page - 1],
                    "listing.html",
                    ListingContext(
                        title=title
                        if pagination.page == 1
                        else words["title_page_n"].format(title=title, n=pagination.page),
                        heading=title,
                        kind=kind,
                        key=key,
                        items=_listed(chunk),
                        pagination=pagination,
                        trail=page_crumbs,
                        feed=feed,
                        **(extra or {}),
                    ),
                    source=source,
                    sitemap=True,
                    lastmod=_lastmod(chunk),
                )
            )

    def feed(self, path: str, title: str, items: tuple[Publication, ...], alternate: str, source: str = "") -> str:
        self.add(
            Route(
                path,
                "feed",
                FeedContext(
                    title=f"{title}: {self.config.title}", items=_listed(items[:FEED_SIZE]), alternate=alternate
                ),
                source=source,
            )
        )
        return path

    def facet_listing(self, facet: Facet) -> None:
        site = self.site
        # Every listing shows its facet's other values beside the list (a component, its own subsets).
        facet_names = self.words["search_page"]["groups"]  # "Component", "Type"...
        extra: dict[str, Any] = {"facet_name": facet_names[facet.kind], "facets": self.summary}
        source = ""
        first = Urls.listing(facet.kind, facet.key)
        if facet.kind == "component":
            component = site.components[facet.key]
            source = component.source
            combinations = site.combinations.get(facet.key, ())
            extra.update(
                component=component,
                mission_links=self.resolve(component.body, component.source),
                combinations=tuple((f.kind, f.key, f.name, f.count) for f in combinations),
                chart=_per_year(facet.publications),
            )
            for combination in combinations:
                self.listing(
                    f"component/{facet.key}/{combination.kind}",
                    combination.key,
                    f"{component.name}: {combination.name}",
                    combination.publications,
                    self.trail(Crumb(component.name, first), Crumb(combination.name, "")),
                    extra={
                        "facet_name": self.words["subset_facet"][combination.kind].format(acronym=component.acronym)
                    },
                    source=source,
                )
        feed = (
            self.feed(first + "feed.xml", facet.name, facet.publications, first, source) if facet.kind != "year" else ""
        )
        self.listing(
            facet.kind,
            facet.key,
            facet.name,
            facet.publications,
            self.trail(Crumb(facet.name, "")),
            extra=extra,
            feed=feed,
            source=source,
        )

    def publication(self, pub: Publication) -> None:
        site, config = self.site, self.config
        component = site.components[pub.component]
        context = PublicationContext(
            title=pub.title,
            publication=pub,
            component=component,
            type_name=config.type_name(pub.type),
            topics=tuple((key, config.topic_name(key)) for key in pub.topics),
            links=self.resolve(pub.body, pub.source),
            trail=self.trail_in(
                pub.language or config.language,
                self.named_crumb(component.name, component.names, Urls.listing("component", component.key), pub),
                Crumb(pub.title, ""),
            ),
            translations=tuple(
                (p.slug, p.title, p.language or config.language) for p in site.translations.get(pub.slug, ())
            ),
            # "PDF, 18 pages, 218 KB" in the page's language, and the JSON-LD MediaObjects
            downloads=downloads(pub, pub.language or config.language, config.language, self.absolute),
            edit_url=config.repository.edit_url(pub.source) if config.repository else "",
        )
        self.files_used.update(attachment.file for attachment in pub.attachments)
        self.add(
            Route(
                Urls.publication(pub.slug),
                "publication.html",
                context,
                source=pub.source,
                sitemap=True,
                lastmod=pub.last_modified.isoformat(),
            )
        )
        for alias in pub.aliases:
            target = Urls.publication(pub.slug)
            self.add(
                Route(
                    alias if alias.endswith((".html", ".htm")) else alias.rstrip("/") + "/",
                    "redirect.html",
                    RedirectContext(title=pub.title, target=target, line=pub.line_of("aliases"), trail=context.trail),
                    source=pub.source,
                )
            )

    def page(self, page: Page) -> None:
        self.add(
            Route(
                Urls.page(page.slug),
                "page.html",
                PageContext(
                    title=page.title,
                    page=page,
                    links=self.resolve(page.body, page.source),
                    trail=self.trail(Crumb(page.title, "")),
                    edit_url=self.config.repository.edit_url(page.source) if self.config.repository else "",
                ),
                source=page.source,
                sitemap=True,
                lastmod=page.updated.isoformat() if page.updated else "",
            )
        )

    def add_files(self) -> None:
        """Publish only the files that published pages use: a draft's PDF must not go live early."""
        seal = self.config.agency.seal
        if seal and seal in self.site.files:
            self.files_used.add(seal)  # the header shows it on every page
        elif seal:
            self.diags.append(
                Diagnostic(
                    "content/site.yaml",
                    dict(self.config.source_lines).get("agency.seal", 0),
                    "missing-file",
                    f'agency.seal "{seal}" does not exist under content/',
                    "put the image under content/files/ and give its path from content/, e.g. files/seal.png",
                )
            )
        for path in sorted(self.files_used):
            self.add(Route(Urls.file(path), "file", FileContext(path)))
        for path in sorted(self.site.files - self.files_used):
            if path.startswith("files/"):
                self.diags.append(
                    Diagnostic(
                        f"content/{path}",
                        0,
                        "unused-file",
                        "no published page links to this file, so it is not published",
                        "attach it to a publication or link to it",
                        severity="warning",
                    )
                )

    def check_nesting(self, by_output: dict[str, Route]) -> None:
        """No output may sit inside another output file, and an alias may not hold other outputs.

        `/robots.txt` as an alias would need a folder where the file robots.txt is; `/files` or
        `/publications/component` as an alias would make host redirect rules (S3 matches key
        prefixes) send a whole folder of real pages to the alias's target; anything under the
        folders the build writes itself (assets, search index) could replace the site's scripts.
        """
        under: dict[str, int] = {}  # folder -> how many outputs lie inside it
        for output in by_output:
            parts = output.split("/")
            for depth in range(1, len(parts)):
                folder = "/".join(parts[:depth]) + "/"
                under[folder] = under.get(folder, 0) + 1
        for output, route in by_output.items():
            problem = ""
            if route.source and output.startswith(GENERATED_FOLDERS):
                problem = f"would be published at {route.path}, inside a folder the site writes itself"
            else:
                parts = output.split("/")
                clash = next(
                    ("/".join(parts[:depth]) for depth in range(1, len(parts)) if "/".join(parts[:depth]) in by_output),
                    "",
                )
                if clash:
                    problem = f"would be published at {route.path}, inside /{clash}, which is a file of this site"
                elif route.renderer == "redirect.html" and output.endswith("index.html"):
                    folder = output[: -len("index.html")]
                    if folder and under.get(folder, 0) > 1:
                        problem = f"would redirect {route.path}, a folder that holds other pages and files of this site"
            if problem:
                what = "an alias" if route.renderer == "redirect.html" else "this page"
                self.diags.append(
                    Diagnostic(
                        route.source or "content/site.yaml",
                        _alias_line(route),
                        "url-collision",
                        f"{what} {problem}",
                        "choose another slug or alias",
                    )
                )

    def check(self) -> None:
        """Output collisions, and site paths (in site.yaml and bodies) that no route serves."""
        by_output: dict[str, Route] = {}
        for route in self.routes:
            other = by_output.get(route.output)
            if other is None:
                by_output[route.output] = route
                continue
            blame = route if route.renderer == "redirect.html" or not other.source else other
            keep = other if blame is route else route
            what = "an alias" if blame.renderer == "redirect.html" else "this page"
            self.diags.append(
                Diagnostic(
                    blame.source or "content/site.yaml",
                    _alias_line(blame),
                    "url-collision",
                    f"{what} would be published at {route.path}, which "
                    f"{'the site itself uses' if not keep.source else 'is already used by ' + keep.source}",
                    "choose another slug or alias",
                )
            )
        self.check_nesting(by_output)
        served = {route.path for route in self.routes}

        def missing(path: str) -> bool:
            bare = path.split("#", 1)[0]
            return bare not in served and bare + "/" not in served

        lines = dict(self.config.source_lines)
        links = [
            (f"{name}.{i}.url", f"{name} link", link)
            for name in ("navigation", "breadcrumb")
            for i, link in enumerate(getattr(self.config, name))
        ]
        links += [
            (f"identifier.{key}", f'identifier link "{link.title}"', link)
            for (key, _), link in zip(IDENTIFIER_LINKS, self.config.identifier)
        ]
        for where, what, link in links:
            if link.url.startswith("/") and missing(link.url):
                self.diags.append(
                    Diagnostic(
                        "content/site.yaml",
                        lines.get(where, 1),
                        "broken-link",
                        f'{what} "{link.url}" leads to no page of this site',
                        "add the page under content/pages/ or fix the link",
                    )
                )
        ids: dict[str, tuple[str, ...]] | None = None  # site path -> ids, for pages whose ids are known
        drafts: dict[str, str] | None = None
        for source, line, path, fragment, written in self.site_links:
            hash_fragment = f"#{fragment}" if fragment else ""
            shown = (written or path) + hash_fragment
            relative = (
                f'; write links to this site\'s own pages as site paths: "{path}{hash_fragment}"' if written else ""
            )
            if missing(path):
                if drafts is None:
                    drafts = {Urls.publication(p.slug): p.source for p in self.site.drafts}
                draft = drafts.get(path) or drafts.get(path + "/")
                if draft is not None:
                    message, hint = f'link to "{shown}", which is a draft ({draft})', "publish it or remove the link"
                elif path.startswith("/files/"):
                    message, hint = f'link to missing file "{shown}"', "check the path; files live in content/files/"
                else:
                    message, hint = f'link to "{shown}", which is not a page of this site', "check the path"
                self.diags.append(Diagnostic(source, line, "broken-link", message, hint + relative))
                continue
            if not fragment:
                continue
            if ids is None:
                ids = {Urls.publication(p.slug): p.body.fragments for p in self.site.publications}
                ids.update((Urls.page(p.slug), p.body.fragments) for p in self.site.pages)
            known = ids.get(path, ids.get(path + "/"))
            if known is not None and not has_id(fragment, known):
                self.diags.append(
                    Diagnostic(
                        source,
                        line,
                        "broken-link",
                        (f'link to "{shown}": ' if written else "") + f'"#{fragment}" is not a heading or id of {path}',
                        ids_hint(fragment, known, "there", path) + relative,
                    )
                )


def _port(scheme: str, port: int | None) -> int | None:
    """A URL's port, None when it is its scheme's default (http://x:80/ is http://x/)."""
    return None if port == {"http": 80, "https": 443}.get(scheme) else port


def _alias_line(route: Route) -> int:
    if isinstance(route.context, RedirectContext):
        return route.context.line
    return route.context.publication.line_of("slug") if isinstance(route.context, PublicationContext) else 0


def _per_year(publications: tuple[Publication, ...]) -> tuple[tuple[int, int], ...]:
    """(year, count) for every year from the oldest to the newest, gaps included, for the chart."""
    counts: dict[int, int] = {}
    for pub in publications:
        counts[pub.year] = counts.get(pub.year, 0) + 1
    if not counts:
        return ()
    return tuple((year, counts.get(year, 0)) for year in range(min(counts), max(counts) + 1))


def _translation_slugs(site: Site) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(sorted((slug, tuple(p.slug for p in others)) for slug, others in site.translations.items()))


def _lastmod(publications: tuple[Publication, ...]) -> str:
    return max(p.last_modified for p in publications).isoformat() if publications else ""


def _listed(publications: tuple[Publication, ...]) -> tuple[ListingItem, ...]:
    """Publications as a list shows them: without their bodies (see ListingItem)."""
    return tuple(pub.listing for pub in publications)


def _facet_summary(site: Site) -> dict[str, tuple[tuple[str, str, int], ...]]:
    """(key, name, count) of every facet value, for facet links on the home and library pages."""
    return {kind: tuple((f.key, f.name, f.count) for f in site.facets[kind]) for kind in FACET_KINDS}


def plan_routes(site: Site, project: Path) -> tuple[list[Route], list[Diagnostic]]:
    planner = _Planner(site, project)
    planner.plan()
    planner.add_files()
    planner.add(
        Route(
            "/sitemap.xml", "sitemap", SitemapContext(tuple((r.path, r.lastmod) for r in planner.routes if r.sitemap))
        )
    )
    planner.check()  # after every route is planned, the sitemap included
    return planner.routes, planner.diags
