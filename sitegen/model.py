"""The content model: frozen records built once by the loader, with no I/O.

Relations between records are keys (a publication's `component` is a component key), resolved by
the site graph in `site.py`. Records are frozen and made of tuples so they pickle cleanly to
worker processes, compare cleanly in tests and can be cached by content hash.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class BodyLink:
    """A link in a Markdown body to another file under content/, a site path, or a web address.

    The body HTML holds `token` in place of the URL until the site graph knows where the target
    is published; `target` is the content-relative path of the linked file, or `site:` and a site
    path (`site:/about/`). An absolute web link (`https://...`) has no token: it is
    published as written, and recorded only so the site graph can check the ones that lead to the
    site itself. `fragment` is the part after `#` as written (the HTML keeps it after the token);
    `line` is the file line of the URL.
    """

    token: str
    target: str
    line: int
    fragment: str = ""


@dataclass(frozen=True)
class Body:
    """A rendered Markdown body: the HTML lives in the body store under `key`, not in memory."""

    key: str
    links: tuple[BodyLink, ...] = ()
    fragments: tuple[str, ...] = ()  # ids in the body (headings, {#id}, footnotes), for links to #fragment


@dataclass(frozen=True)
class Attachment:
    title: str
    file: str  # relative to content/, e.g. files/report.pdf
    language: str
    size: int  # bytes
    kind: str  # "PDF", "Word document" ...
    line: int = 0
    pages: int = 0  # pages or slides, as the file itself says; 0 when its format has none or it could not be read
    document: str = ""  # content key of the bytes `pages` was read from (attachments.py); "" when not read

    @property
    def stamp(self) -> str:
        """Identifies what pages show of this file: a new version of the same size is another stamp."""
        return f"{self.size}:{self.document}"


@dataclass(frozen=True)
class Component:
    key: str
    name: str
    acronym: str
    url: str
    source: str
    body: Body
    names: tuple[tuple[str, str], ...] = ()  # (language, name) of its name in other languages


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    summary: str
    updated: dt.date | None
    source: str
    body: Body


@dataclass(frozen=True)
class Retirement:
    date: dt.date
    reason: str


class _Dated:
    """The dates a publication is shown by, as a page and in a list."""

    date: dt.date
    updated: dt.date | None

    @property
    def year(self) -> int:
        return self.date.year

    @property
    def last_modified(self) -> dt.date:
        return self.updated or self.date


@dataclass(frozen=True)
class ListingItem(_Dated):
    """A publication in a list (listings, feeds, index.json): its front matter, never its body.

    A body edit re-renders only that publication's page, because no list can show a body: a
    template that reads `pub.body` in a list fails with "has no attribute 'body'" instead of
    going stale in incremental builds. `digest` identifies everything this record holds.
    """

    slug: str
    title: str
    date: dt.date
    component: str
    type: str
    summary: str
    updated: dt.date | None
    topics: tuple[str, ...]
    attachments: tuple[Attachment, ...]
    aliases: tuple[str, ...]
    language: str
    translations: tuple[str, ...]
    retired: Retirement | None
    extra: Any
    digest: str


@dataclass(frozen=True)
class Publication(_Dated):
    slug: str
    title: str
    date: dt.date
    component: str
    type: str
    summary: str
    source: str  # path relative to the project directory
    body: Body
    updated: dt.date | None = None
    topics: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    aliases: tuple[str, ...] = ()
    draft: bool = False
    language: str = ""  # empty: the site's language
    translations: tuple[str, ...] = ()  # slugs of the same publication in other languages
    publish_at: dt.datetime | None = None  # not published before this moment
    retired: Retirement | None = None
    extra: Any = None
    document_number: str = ""  # the agency's number of the document ("DHS/ICE/PIA-049"), "" when it has none
    reviewed: dt.date | None = None  # last reviewed for accuracy: shown on its page, and `sitegen report stale`
    lines: tuple[tuple[str, int], ...] = field(default=(), compare=False)
    front_key: str = ""  # identifies the front matter alone (the file's path and fields, not its body)

    @functools.cached_property
    def listing(self) -> ListingItem:
        """This publication as listings, feeds and the catalogue see it: everything but the body."""
        return ListingItem(
            slug=self.slug,
            title=self.title,
            date=self.date,
            component=self.component,
            type=self.type,
            summary=self.summary,
            updated=self.updated,
            topics=self.topics,
            attachments=self.attachments,
            aliases=self.aliases,
            language=self.language,
            translations=self.translations,
            retired=self.retired,
            extra=self.extra,
            digest=self.front_key + "".join(f"|{a.stamp}" for a in self.attachments),
        )

    @functools.cached_property
    def digest(self) -> str:
        """Identifies everything this record holds: its file's content key and its attachments' stamps.

        Route fingerprints use it instead of the whole record, so fingerprinting 10,000 pages
        costs milliseconds.
        """
        return self.body.key + "".join(f"|{a.stamp}" for a in self.attachments)

    def line_of(self, name: str) -> int:
        """The line of a front-matter field, for diagnostics found after loading."""
        return dict(self.lines).get(name, 1)
