"""The site graph: publications indexed by component, type, topic and year, and cross-file checks.

Takes the loaded records and the settings, checks what no single file can check alone (does
component "icee" exist? is this slug used twice?) and returns plain, sorted indexes for route
planning. Sorting is explicit everywhere: newest first means date descending, ties by slug.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from .attachments import check_attachments
from .config import SiteConfig
from .diagnostics import Diagnostic, did_you_mean
from .loader import Content
from .model import Component, Page, Publication
from .strings import LANGUAGE_NAMES
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
    drafts: tuple[Publication, ...] = ()  # validated but not published in this build (drafts, scheduled)
    broken: frozenset[str] = frozenset()  # content-relative files left out for their errors (reported)
    rejected: tuple[Publication, ...] = ()  # loaded but left out for unknown keys; links still checked
    listed: tuple[Publication, ...] = ()  # published and not retired: what listings and feeds show
    translations: dict[str, tuple[Publication, ...]] = field(default_factory=dict)  # slug -> the others
    combinations: dict[str, tuple[Facet, ...]] = field(default_factory=dict)  # component -> its type/year facets
    next_due: dt.datetime | None = None  # when the next scheduled publication goes live

    def __post_init__(self) -> None:
        self.by_source = {p.source.removeprefix("content/"): p for p in self.publications}
        self.pages_by_source = {p.source.removeprefix("content/"): p for p in self.pages}


def build_site(
    config: SiteConfig, content: Content, drafts: bool = False, now: dt.datetime | None = None, future: bool = False
) -> tuple[Site, list[Diagnostic]]:
    """Check what needs more than one file and index what is published at `now`.

    Drafts are published only with `drafts`, scheduled publications (publish_at) only once `now`
    has reached them or with `future`; both are still validated, so a mistake shows up before
    the day it would go live.
    """
    now = now or dt.datetime.now(dt.UTC)
    diags: list[Diagnostic] = []
    types = dict(config.types)
    topics = dict(config.topics)
    valid: list[Publication] = []
    broken = set(content.broken)
    rejected: list[Publication] = []  # loaded, but with unknown keys: their links are still checked
    zone = zoneinfo.ZoneInfo(config.timezone)
    for pub in content.publications:
        if pub.publish_at is not None and pub.publish_at.tzinfo is None:  # a bare date: midnight here
            pub = dataclasses.replace(pub, publish_at=pub.publish_at.replace(tzinfo=zone))
        problems = []
        if pub.component not in content.components:
            problems.append(
                Diagnostic(
                    pub.source,
                    pub.line_of("component"),
                    "unknown-component",
                    f'unknown component "{pub.component}"; {did_you_mean(pub.component, content.components)}',
                    "components are the file names in content/components/",
                )
            )
        if pub.type not in types:
            problems.append(
                Diagnostic(
                    pub.source,
                    pub.line_of("type"),
                    "unknown-type",
                    f'unknown type "{pub.type}"; {did_you_mean(pub.type, types)}',
                    "types are listed in content/types.yaml",
                )
            )
        for topic in pub.topics:
            if topic not in topics:
                problems.append(
                    Diagnostic(
                        pub.source,
                        pub.line_of("topics"),
                        "unknown-topic",
                        f'unknown topic "{topic}"; {did_you_mean(topic, topics)}',
                        "topics are listed in content/topics.yaml",
                    )
                )
        if pub.slug in RESERVED_SLUGS:
            problems.append(
                Diagnostic(
                    pub.source,
                    pub.line_of("slug"),
                    "reserved-slug",
                    f'slug "{pub.slug}" is reserved for the site\'s own pages',
                    'choose another slug, e.g. add a "slug:" field',
                )
            )
        diags += problems
        if not problems:
            valid.append(pub)
        else:
            broken.add(pub.source.removeprefix("content/"))
            rejected.append(pub)

    diags += check_attachments(config, content.publications, content.documents)  # Section 508, at attachments: lines
    seen: dict[str, Publication] = {}
    for pub in sorted(valid, key=lambda p: p.source):
        if pub.slug in seen:
            other = seen[pub.slug]
            diags.append(
                Diagnostic(
                    pub.source,
                    pub.line_of("slug") if "slug" in dict(pub.lines) else 1,
                    "duplicate-slug",
                    f'slug "{pub.slug}" is already used by {other.source}',
                    'each publication needs its own slug; add or change the "slug:" field',
                )
            )
        else:
            seen[pub.slug] = pub
    for page in content.pages:
        if page.slug in RESERVED_PAGE_SLUGS:
            diags.append(
                Diagnostic(
                    page.source,
                    1,
                    "reserved-slug",
                    f'page name "{page.slug}" is reserved for the site',
                    "rename the file",
                )
            )

    def is_published(pub: Publication) -> bool:
        return (drafts or not pub.draft) and (future or pub.publish_at is None or pub.publish_at <= now)

    published = tuple(sorted((p for p in seen.values() if is_published(p)), key=newest_first))
    held = tuple(sorted((p for p in seen.values() if not is_published(p)), key=newest_first))
    listed = tuple(p for p in published if p.retired is None)
    due = [p.publish_at for p in held if p.publish_at is not None and p.publish_at > now and (drafts or not p.draft)]
    translations, problems = _translations(seen, published)
    diags += problems
    components = dict(sorted(content.components.items()))
    site = Site(
        config=config,
        publications=published,
        components=components,
        pages=tuple(sorted(content.pages, key=lambda p: p.slug)),
        files=content.files,
        broken=frozenset(broken),
        rejected=tuple(rejected),
        facets=_facets(config, components, listed),
        drafts=held,
        listed=listed,
        translations=translations,
        combinations=_combinations(config, components, listed),
        next_due=min(due, default=None),
    )
    return site, diags


def _translations(
    by_slug: dict[str, Publication], published: tuple[Publication, ...]
) -> tuple[dict[str, tuple[Publication, ...]], list[Diagnostic]]:
    """Translation groups: A listing B makes A, B (and whatever they list) translations of each other."""
    diags = []
    parent = {slug: slug for slug in by_slug}

    def root(slug: str) -> str:
        while parent[slug] != slug:
            parent[slug] = parent[parent[slug]]
            slug = parent[slug]
        return slug

    for pub in by_slug.values():
        for other in pub.translations:
            if other not in by_slug:
                diags.append(
                    Diagnostic(
                        pub.source,
                        pub.line_of("translations"),
                        "unknown-translation",
                        f'translation "{other}" is not the slug of any publication; {did_you_mean(other, by_slug)}',
                    )
                )
            elif other == pub.slug:
                diags.append(
                    Diagnostic(
                        pub.source,
                        pub.line_of("translations"),
                        "unknown-translation",
                        "a publication cannot be its own translation",
                    )
                )
            else:
                parent[root(other)] = root(pub.slug)
    groups: dict[str, list[Publication]] = {}
    for pub in published:
        groups.setdefault(root(pub.slug), []).append(pub)
    result = {}
    for members in groups.values():
        if len(members) > 1:
            for pub in members:
                others = sorted((p for p in members if p is not pub), key=lambda p: (p.language, p.slug))
                result[pub.slug] = tuple(others)
    return result, diags


def missing_translations(site: Site) -> list[Diagnostic]:
    """Publications without a language that their siblings (same component and type) are translated into.

    For `sitegen check --translations`: a statement in English and Spanish among statements that
    also come in Vietnamese is probably missing its Vietnamese version.
    """
    default = site.config.language
    languages: dict[tuple[str, str], set[str]] = {}
    for pub in site.publications:
        if pub.slug in site.translations:
            group = {p.language or default for p in site.translations[pub.slug]} | {pub.language or default}
            languages.setdefault((pub.component, pub.type), set()).update(group)
    diags = []
    for pub in site.publications:
        expected = languages.get((pub.component, pub.type))
        if not expected or (pub.language or default) != default:
            continue
        have = {p.language or default for p in site.translations.get(pub.slug, ())} | {default}
        for language in sorted(expected - have):
            component = site.components[pub.component].acronym
            diags.append(
                Diagnostic(
                    pub.source,
                    1,
                    "missing-translation",
                    f"no {LANGUAGE_NAMES.get(language, language)} ({language}) translation, which other "
                    f"{component} {site.config.type_name(pub.type)} publications have",
                    "add one and list it under translations:",
                    severity="warning",
                )
            )
    return diags


def _combinations(
    config: SiteConfig, components: dict[str, Component], listed: tuple[Publication, ...]
) -> dict[str, tuple[Facet, ...]]:
    """For each component, a facet for each of its types and years that has publications."""
    groups: dict[tuple[str, str, str], list[Publication]] = {}
    for pub in listed:
        groups.setdefault((pub.component, "type", pub.type), []).append(pub)
        groups.setdefault((pub.component, "year", str(pub.year)), []).append(pub)
    result: dict[str, tuple[Facet, ...]] = {}
    for key in components:
        facets = [
            Facet(kind, value, config.type_name(value) if kind == "type" else value, tuple(pubs))
            for (component, kind, value), pubs in groups.items()
            if component == key
        ]
        result[key] = tuple(sorted(facets, key=lambda f: (f.kind, f.name if f.kind == "type" else -int(f.key))))
    return result


def _facets(
    config: SiteConfig, components: dict[str, Component], publications: tuple[Publication, ...]
) -> dict[str, tuple[Facet, ...]]:
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
        "component": tuple(
            facet("component", c.key, c.name) for c in sorted(components.values(), key=lambda c: c.name)
        ),
        "type": tuple(facet("type", key, name) for key, name in sorted(config.types, key=lambda t: t[1])),
        "topic": tuple(facet("topic", key, name) for key, name in sorted(config.topics, key=lambda t: t[1])),
        "year": tuple(facet("year", year, year) for year in years),
    }
