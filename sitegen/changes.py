"""The change report for reviewers: what differs between two built sites (`sitegen diff OLD NEW`).

Builds are deterministic (the same content gives the same bytes), so comparing two output
folders file by file says exactly which pages a pull request adds, removes or changes: the
publication that was edited, and every listing, feed and catalogue that shows it. Each output
file is mapped back to its site path and sorted into a kind a reviewer cares about; the report
is plain data (`ChangeReport`) with a Markdown form for the pull request and a JSON form.

Pure: reads the two folders, writes nothing.
"""

from __future__ import annotations

import html
import json
import os
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .output import MARKER
from .urls import RESERVED_SLUGS

LIST_LIMIT = 200  # items listed per kind and section; the rest are counted

# (kind, singular noun, plural noun, heading) in the order the report shows them.
KINDS: tuple[tuple[str, str, str, str], ...] = (
    ("publication", "publication", "publications", "Publications"),
    ("listing", "listing", "listings", "Listings"),
    ("feed", "feed", "feeds", "Feeds"),
    ("redirect", "redirect", "redirects", "Redirects (aliases)"),
    ("page", "page", "pages", "Other pages"),
    ("data", "machine-readable file", "machine-readable files", "Machine-readable files"),
    ("attachment", "attachment", "attachments", "Attachments"),
    ("asset", "asset", "assets", "Assets"),
    ("search-index", "search index file", "search index files", "Search index"),
    ("other", "other file", "other files", "Other files"),
)
KIND_ORDER = {kind: index for index, (kind, *_rest) in enumerate(KINDS)}
# Kinds whose paths are hashes nobody reads: counted, not listed.
COUNTED_ONLY = frozenset({"search-index"})

# /publications/<slug>/ is a publication unless the slug is one the site keeps for itself
# (page, component, type, topic, year, updated, ...); every other page under /publications/ is
# a listing: the library, a facet, a combination of facets, their pagination.
_PUBLICATION = re.compile(r"^publications/([^/]+)/index\.html$")
_DATA = frozenset({"sitemap.xml", "robots.txt", "publications/index.json", "_redirects"})
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.S | re.I)
_REFRESH = re.compile(rb"""<meta[^>]+http-equiv=["']?refresh["']?[^>]*>""", re.I)
_REFRESH_URL = re.compile(rb"""content=["'][^"']*?url=([^"']+)["']""", re.I)


@dataclass(frozen=True, order=True)
class Change:
    """One output that was added, removed or changed."""

    kind: str  # one of KINDS
    path: str  # site path: /publications/x/, /feed.xml, /assets/site.1a2b.css
    title: str = ""  # publications and pages: the page title (of the new page; of the old one if removed)
    target: str = ""  # redirects: where the redirect page sends the reader


@dataclass
class ChangeReport:
    added: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    unchanged: int = 0  # files identical in both builds

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)

    def sections(self) -> list[tuple[str, list[Change]]]:
        return [("added", self.added), ("removed", self.removed), ("changed", self.changed)]

    def counts(self) -> dict[str, dict[str, int]]:
        """{section: {kind: count}} for the non-empty ones, in report order."""
        result: dict[str, dict[str, int]] = {}
        for name, items in self.sections():
            per_kind: dict[str, int] = {}
            for item in items:
                per_kind[item.kind] = per_kind.get(item.kind, 0) + 1
            if per_kind:
                result[name] = dict(sorted(per_kind.items(), key=lambda kv: KIND_ORDER[kv[0]]))
        return result

    def summary(self) -> str:
        """One line: "1 publication changed, 4 listings changed, 2 feeds changed"."""
        if self.empty:
            return "No changes: both builds are identical."
        parts = []
        nouns = {kind: (one, many) for kind, one, many, _ in KINDS}
        for kind, *_rest in KINDS:
            for name, items in self.sections():
                count = sum(item.kind == kind for item in items)
                if count:
                    one, many = nouns[kind]
                    parts.append(f"{count} {one if count == 1 else many} {name}")
        return ", ".join(parts) + "."

    def to_markdown(self, limit: int = LIST_LIMIT) -> str:
        """The report as GitHub-flavoured Markdown, identical for identical builds."""
        lines = ["## Changes to the built site", "", self.summary()]
        headings = {kind: heading for kind, _one, _many, heading in KINDS}
        for name, items in self.sections():
            if not items:
                continue
            lines += ["", f"### {name.capitalize()} ({len(items)})"]
            for kind, *_rest in KINDS:
                group = [item for item in items if item.kind == kind]
                if not group:
                    continue
                lines += ["", f"**{headings[kind]}** ({len(group)})", ""]
                if kind in COUNTED_ONLY:
                    lines.append(f"- {len(group)} file{'s' * (len(group) != 1)} (generated, not listed)")
                    continue
                lines += [_markdown_item(item) for item in group[:limit]]
                if len(group) > limit:
                    lines.append(f"- … and {len(group) - limit} more")
        if self.empty:
            lines += ["", f"{self.unchanged:,} files compared."]
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        """Every change (uncapped), for tools."""
        data = {
            "summary": self.summary(),
            "counts": self.counts(),
            "unchanged": self.unchanged,
            **{name: [asdict(item) for item in items] for name, items in self.sections()},
        }
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def compare(old: Path, new: Path) -> ChangeReport:
    """Compare two output folders file by file; every list sorted by kind, then site path."""
    old_files, new_files = _files(old), _files(new)
    report = ChangeReport()
    for relative in sorted(new_files.keys() - old_files.keys()):
        report.added.append(_describe(relative, _read(new_files[relative])))
    for relative in sorted(old_files.keys() - new_files.keys()):
        report.removed.append(_describe(relative, _read(old_files[relative])))
    for relative in sorted(old_files.keys() & new_files.keys()):
        before, after = old_files[relative], new_files[relative]
        if before.stat().st_size == after.stat().st_size:
            new_bytes = after.read_bytes()
            if before.read_bytes() == new_bytes:
                report.unchanged += 1
                continue
        else:
            new_bytes = after.read_bytes()
        report.changed.append(_describe(relative, new_bytes))
    for _name, items in report.sections():
        items.sort(key=lambda item: (KIND_ORDER[item.kind], _natural(item.path)))
    return report


def site_path(relative: str) -> str:
    """The site path an output file serves: publications/x/index.html -> /publications/x/."""
    if relative == "index.html":
        return "/"
    if relative.endswith("/index.html"):
        return "/" + relative.removesuffix("index.html")
    return "/" + relative


def classify(relative: str, data: bytes = b"") -> str:
    """The kind of an output file (a path relative to the output folder), from its path and bytes."""
    if relative.startswith("assets/"):
        return "asset"
    if relative.startswith("files/"):
        return "attachment"
    if relative.startswith("pagefind/"):
        return "search-index"
    if relative.endswith(".html"):
        if relative == "index.html":
            return "listing"  # home: the newest publications
        if _REFRESH.search(data[:16384]):
            return "redirect"
        if relative.startswith("publications/") and relative.endswith("/index.html"):
            slug = _PUBLICATION.match(relative)
            return "publication" if slug and slug.group(1) not in RESERVED_SLUGS else "listing"
        return "page"
    if relative in _DATA or (relative.endswith(".json") and "/" not in relative):
        return "data"
    if relative.endswith(".xml"):
        return "feed"
    return "other"


def _describe(relative: str, data: bytes) -> Change:
    kind = classify(relative, data)
    title = target = ""
    if kind in ("publication", "page"):
        title = _title(data)
    elif kind == "redirect":
        refresh = _REFRESH.search(data[:16384])  # classify found it
        found = _REFRESH_URL.search(refresh.group(0)) if refresh else None
        target = html.unescape(found.group(1).decode("utf-8", "replace")).strip() if found else ""
    return Change(kind, site_path(relative), title, target)


def _title(data: bytes) -> str:
    """The page's <title> without the " | site title" every template appends."""
    found = _TITLE.search(data)
    if not found:
        return ""
    text = " ".join(html.unescape(found.group(1).decode("utf-8", "replace")).split())
    head, separator, _site = text.rpartition(" | ")
    return head if separator else text


def _files(root: Path) -> dict[str, Path]:
    """Every regular file under root by its posix path relative to root, the output marker left out."""
    found: dict[str, Path] = {}
    for folder, dirs, names in os.walk(root):
        dirs.sort()
        for name in names:
            path = Path(folder, name)
            relative = path.relative_to(root).as_posix()
            if relative != MARKER and path.is_file():
                found[relative] = path
    return found


def _read(path: Path) -> bytes:
    """The head of a file, enough to find a title or a redirect (HTML only)."""
    if path.suffix != ".html":
        return b""
    with path.open("rb") as handle:
        return handle.read(65536)


def _natural(path: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts /page/9/ before /page/10/."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", path) if part)


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


def _markdown_text(text: str) -> str:
    """Text from content, safe in Markdown: no formatting, no HTML, no @mentions."""
    text = html.escape(text, quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return text.replace("@", "@&#8203;")


def _code(text: str) -> str:
    """An inline code span that survives backticks in the text."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)  # CommonMark: a span ends only at a run of exactly its length
    pad = " " if longest or text.startswith(" ") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _markdown_item(item: Change) -> str:
    line = f"- {_code(item.path)}"
    if item.title:
        line += f": {_markdown_text(item.title)}"
    if item.target:
        line += f" → {_code(item.target)}"
    return line


__all__ = ["KINDS", "LIST_LIMIT", "Change", "ChangeReport", "classify", "compare", "site_path"]
