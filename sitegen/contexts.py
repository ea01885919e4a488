"""What each kind of output is given: one frozen record per page kind (and per writer).

A route's context is one of these, built by the planner (`routes.py`). The renderer passes its
fields to the kind's template as variables, next to the globals every template has; the route
fingerprint covers every field. So the variables a template may use are declared here, typed,
in one place: the README's table of template variables is generated from these classes
(`template_variables`) and a test keeps the two in step.
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass
from typing import Any

from .attachments import Download
from .model import Component, ListingItem, Page, Publication


@dataclass(frozen=True)
class Crumb:
    title: str
    url: str  # site path or absolute URL; empty for the current page
    lang: str = ""  # the title's language when it is not the page's (a name with no translation); "" otherwise


@dataclass(frozen=True)
class Pagination:
    page: int
    pages: int
    total: int
    first: int  # 1-based number of the first item on this page
    last: int
    paths: tuple[str, ...]  # site path of every page, 1..pages

    @property
    def prev(self) -> str:
        return self.paths[self.page - 2] if self.page > 1 else ""

    @property
    def next(self) -> str:
        return self.paths[self.page] if self.page < self.pages else ""


Trail = tuple[Crumb, ...]
Links = tuple[tuple[str, str, str], ...]  # (token, site path, file label) of each body link
FacetSummary = dict[str, tuple[tuple[str, str, int], ...]]  # facet kind -> (key, name, count) of each value
Chart = tuple[tuple[int, int], ...]  # (year, publications) from the oldest year to the newest
TYPE_ALIASES = {"Trail": Trail, "Links": Links, "FacetSummary": FacetSummary, "Chart": Chart}


@dataclass(frozen=True)
class Context:
    """Base of every context; `fields` lists what a template is given."""

    def fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _names(type(self))}


@dataclass(frozen=True)
class HomeContext(Context):
    """home.html: the home page."""

    title: str  # the site's title
    latest: tuple[ListingItem, ...]  # the newest publications
    facets: FacetSummary  # every value of every facet, for the browse links
    total: int  # publications listed
    chart: Chart  # publications per year, for the chart


@dataclass(frozen=True)
class ListingContext(Context):
    """listing.html: one page of a list of publications (the library, a component, type, topic, year...)."""

    title: str  # with ", page N" after the first page
    heading: str  # the list's name, e.g. the component's or the year
    kind: str  # "" for the library, "component", "type", "topic", "year", "updated", "retired", "component/ice/type"...
    key: str  # the facet value's key, e.g. ice or 2018 ("" for the library and the special lists)
    items: tuple[ListingItem, ...]  # this page's publications
    pagination: Pagination  # page, pages, total, first, last, prev, next
    trail: Trail  # the breadcrumb
    feed: str = ""  # site path of the list's Atom feed ("" when it has none)
    order: str = "date"  # "date", "updated" (by last update) or "retired"
    facet_name: str = ""  # "Component", "Type", "ICE type"...
    library: bool = False  # the whole library's list (it shows the facets and the chart)
    facets: FacetSummary | None = None  # on the library's and each facet's list: the side navigation's links
    chart: Chart = ()  # on the library's and a component's list
    component: Component | None = None  # on a component's own list: its mission statement above the list
    mission_links: Links = ()  # the mission statement's links (the renderer resolves them into `body`)
    combinations: tuple[tuple[str, str, str, int], ...] = ()  # (kind, key, name, count) of the component's subsets


@dataclass(frozen=True)
class PublicationContext(Context):
    """publication.html: one publication."""

    title: str  # the publication's title
    publication: Publication  # every front-matter field (the body is `body`)
    component: Component  # its component
    type_name: str  # the name of its type, e.g. "Privacy Impact Assessment"
    topics: tuple[tuple[str, str], ...]  # (key, name)
    links: Links  # the body's links (the renderer resolves them into `body`)
    trail: Trail  # the breadcrumb
    translations: tuple[tuple[str, str, str], ...]  # (slug, title, language) of each translation
    downloads: tuple[Download, ...]  # the attachments as the page lists them
    edit_url: str = ""  # "Edit this page": the file's editing address in site.yaml's repository ("" without one)


@dataclass(frozen=True)
class PageContext(Context):
    """page.html: one of the site's own pages (about, accessibility...)."""

    title: str  # the page's title
    page: Page  # its front matter (the body is `body`)
    links: Links  # the body's links (the renderer resolves them into `body`)
    trail: Trail  # the breadcrumb
    edit_url: str = ""  # "Edit this page": the file's editing address in site.yaml's repository ("" without one)


@dataclass(frozen=True)
class RedirectContext(Context):
    """redirect.html: an alias's page, which sends the browser to the publication."""

    title: str  # the publication's title
    target: str  # site path of the publication
    line: int  # the aliases: line of the publication (for messages)
    trail: Trail  # the publication's breadcrumb


@dataclass(frozen=True)
class SearchContext(Context):
    """search.html: the search page."""

    title: str  # "Search publications"
    facets: FacetSummary  # every value of every facet, for the browse links
    filters: FacetSummary  # every value the search index holds, with its count there, for the filters
    bundles: tuple[str, ...]  # site paths of the search index's shards, the first one first (none with search.gov)
    trail: Trail  # the breadcrumb


@dataclass(frozen=True)
class NotFoundContext(Context):
    """404.html: the page a host serves for a missing address."""

    title: str  # "Page not found"
    trail: Trail  # the breadcrumb


@dataclass(frozen=True)
class FeedContext(Context):
    """An Atom feed (writer `feed`)."""

    title: str
    items: tuple[ListingItem, ...]
    alternate: str  # site path of the list the feed follows


@dataclass(frozen=True)
class CatalogContext(Context):
    """publications/index.json (writer `catalog`)."""

    items: tuple[ListingItem, ...]
    translations: tuple[tuple[str, tuple[str, ...]], ...]  # slug -> slugs of its translations


@dataclass(frozen=True)
class SitemapContext(Context):
    entries: tuple[tuple[str, str], ...]  # (site path, lastmod)


@dataclass(frozen=True)
class AliasesContext(Context):
    """The host redirect files (writers `netlify-redirects`, `s3-routing-rules`)."""

    aliases: tuple[tuple[str, str], ...]  # (alias, site path of the publication)


@dataclass(frozen=True)
class RobotsContext(Context):
    pass


@dataclass(frozen=True)
class FileContext(Context):
    file: str  # content-relative path of an attachment, copied as it is


PAGE_CONTEXTS: dict[str, type[Context]] = {
    "home.html": HomeContext,
    "listing.html": ListingContext,
    "publication.html": PublicationContext,
    "page.html": PageContext,
    "redirect.html": RedirectContext,
    "search.html": SearchContext,
    "404.html": NotFoundContext,
}


C = typing.TypeVar("C", bound=Context)


def expect(context: Context, kind: type[C]) -> C:
    """The context as the kind a writer or step needs (a planner bug otherwise, never content's)."""
    if not isinstance(context, kind):
        raise TypeError(f"a {type(context).__name__} where a {kind.__name__} belongs")
    return context


def with_listings(context: Context) -> Context:
    """The context with every tuple of Publications turned into ListingItems: a list shows no body."""
    changes = {
        name: tuple(pub.listing for pub in value)
        for name, value in context.fields().items()
        if type(value) is tuple and value and type(value[0]) is Publication
    }
    return dataclasses.replace(context, **changes) if changes else context


def template_variables() -> str:
    """The README's table of the variables each page template is given (besides the globals)."""
    rows = ["| template | variable | type | what it is |", "| --- | --- | --- | --- |"]
    for template, kind in PAGE_CONTEXTS.items():
        comments = _comments(kind)
        for field in dataclasses.fields(kind):
            shown = str(field.type).replace(" | None", " or None")  # the annotation as written
            rows.append(f"| `{template}` | `{field.name}` | `{shown}` | {comments.get(field.name, '')} |")
    aliases = ", ".join(f"`{name}` = `{_type_name(alias)}`" for name, alias in TYPE_ALIASES.items())
    return "\n".join(rows) + f"\n\nWhere {aliases}.\n"


_NAMES: dict[type[Context], tuple[str, ...]] = {}


def _names(kind: type[Context]) -> tuple[str, ...]:
    """A context class's field names, in order (once per class: `fields` runs twice per route)."""
    names = _NAMES.get(kind)
    if names is None:
        names = _NAMES[kind] = tuple(field.name for field in dataclasses.fields(kind))
    return names


def _type_name(hint: Any) -> str:
    text = repr(hint) if not isinstance(hint, type) else hint.__name__
    for prefix in ("sitegen.model.", "sitegen.contexts.", "sitegen.attachments.", "typing."):
        text = text.replace(prefix, "")
    return text


def _comments(kind: type[Context]) -> dict[str, str]:
    """The trailing comment of each field in this module's source: the table's explanations."""
    import inspect

    found = {}
    for line in inspect.getsource(kind).splitlines():
        name, colon, rest = line.strip().partition(":")
        if colon and "#" in rest and name.isidentifier():
            found[name] = rest.split("#", 1)[1].strip()
    return found
