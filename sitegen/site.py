"""The site graph: publications indexed by component, type, topic and year, and cross-file checks.

Takes the loaded records and the settings, checks what no single file can check alone (does
component "icee" exist? is this slug used twice?) and returns plain, sorted indexes for route
planning. Sorting is explicit everywhere: newest first means date descending, ties by slug.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .config import SiteConfig
from .diagnostics import Diagnostic, did_you_mean
from .loader import Content
from .model import Component, Page, Publication
from .urls import RESERVED_PAGE_SLUGS, RESERVED_SLUGS

FACET_KINDS = ("component", "type", "topic", "year")


def newest_first(publication: Publication) -> tuple[int, str]:
    return (-publication.date.toordinal(), publication.slug)


@dataclass(frozen=True)
class Facet:
    """One value of one facet (component ice, type fact-sheet, year 2018) and its publications."""

    kind: str
    key: str
    name: str
    publications: tuple[Publication, ...]

    @property
    def count(self) -> int:
        return len(self.publications)


@dataclass
class Site:
    config: SiteConfig
    publications: tuple[Publication, ...]  # published ones, newest first
    components: dict[str, Component]
    pages: tuple[Page, ...]
    files: frozenset[str]
    facets: dict[str, tuple[Facet, ...]] = field(default_factory=dict)
    drafts: tuple[Publication, ...] = ()  # validated but not published in this build

    def __post_init__(self) -> None:
        self.by_source = {p.source.removeprefix("content/"): p for p in self.publications}
        self.pages_by_source = {p.source.removeprefix("content/"): p for p in self.pages}
        self.facet_index = {(f.kind, f.key): f for facets in self.facets.values() for f in facets}

    def facet(self, kind: str, key: str) -> Facet:
        return self.facet_index[(kind, key)]


def build_site(config: SiteConfig, content: Content, drafts: bool = False) -> tuple[Site, list[Diagnostic]]:
    diags: list[Diagnostic] = []
    types = dict(config.types)
    topics = dict(config.topics)
    valid: list[Publication] = []
    for pub in content.publications:
        problems = []
        if pub.component not in content.components:
            problems.append(Diagnostic(pub.source, pub.line_of("component"), "unknown-component",
                                       f'unknown component "{pub.component}"; {did_you_mean(pub.component, content.components)}',
                                       "components are the file names in content/components/"))
        if pub.type not in types:
            problems.append(Diagnostic(pub.source, pub.line_of("type"), "unknown-type",
                                       f'unknown type "{pub.type}"; {did_you_mean(pub.type, types)}',
                                       "types are listed in content/types.yaml"))
        for topic in pub.topics:
            if topic not in topics:
                problems.append(Diagnostic(pub.source, pub.line_of("topics"), "unknown-topic",
                                           f'unknown topic "{topic}"; {did_you_mean(topic, topics)}',
                                           "topics are listed in content/topics.yaml"))
        if pub.slug in RESERVED_SLUGS:
            problems.append(Diagnostic(pub.source, pub.line_of("slug"), "reserved-slug",
                                       f'slug "{pub.slug}" is reserved for the site\'s own pages',
                                       'choose another slug, e.g. add a "slug:" field'))
        diags += problems
        if not problems:
            valid.append(pub)

    seen: dict[str, Publication] = {}
    for pub in sorted(valid, key=lambda p: p.source):
        if pub.slug in seen:
            other = seen[pub.slug]
            diags.append(Diagnostic(pub.source, pub.line_of("slug") if "slug" in dict(pub.lines) else 1,
                                    "duplicate-slug", f'slug "{pub.slug}" is already used by {other.source}',
                                    'each publication needs its own slug; add or change the "slug:" field'))
        else:
            seen[pub.slug] = pub
    for page in content.pages:
        if page.slug in RESERVED_PAGE_SLUGS:
            diags.append(Diagnostic(page.source, 1, "reserved-slug", f'page name "{page.slug}" is reserved for the site',
                                    "rename the file"))

    published = tuple(sorted((p for p in seen.values() if drafts or not p.draft), key=newest_first))
    held = tuple(sorted((p for p in seen.values() if p.draft and not drafts), key=newest_first))
    site = Site(config=config, publications=published, components=dict(sorted(content.components.items())),
                pages=tuple(sorted(content.pages, key=lambda p: p.slug)), files=content.files,
                facets=_facets(config, content.components, published), drafts=held)
    return site, diags


def _facets(config: SiteConfig, components: dict[str, Component],
            publications: tuple[Publication, ...]) -> dict[str, tuple[Facet, ...]]:
    groups: dict[tuple[str, str], list[Publication]] = {}
    for pub in publications:  # already newest first, so every group is too
        keys = [("component", pub.component), ("type", pub.type), ("year", str(pub.year))]
        keys += [("topic", topic) for topic in pub.topics]
        for key in keys:
            groups.setdefault(key, []).append(pub)

    def facet(kind: str, key: str, name: str) -> Facet:
        return Facet(kind, key, name, tuple(groups.get((kind, key), ())))

    years = sorted({key for kind, key in groups if kind == "year"}, reverse=True)
    return {
        "component": tuple(facet("component", c.key, c.name) for c in sorted(components.values(), key=lambda c: c.name)),
        "type": tuple(facet("type", key, name) for key, name in sorted(config.types, key=lambda t: t[1])),
        "topic": tuple(facet("topic", key, name) for key, name in sorted(config.topics, key=lambda t: t[1])),
        "year": tuple(facet("year", year, year) for year in years),
    }
