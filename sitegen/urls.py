"""URL policy in one pure module: site paths, the base path, output files and reserved slugs.

A *site path* is what SPEC.md's URL table names (`/publications/ice-pia/`); it becomes a link by
putting the path of base_url in front (`/library/publications/ice-pia/`) and an output file by
mapping folders to index.html. Templates never build URLs by hand; they call `Urls` helpers.
"""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

# Slugs that would collide with the routes under /publications/.
RESERVED_SLUGS = frozenset(
    {
        "page",
        "component",
        "type",
        "topic",
        "year",
        "index.json",
        "feed.xml",
        "index",
        "feed",
        "search",
        "files",
        "assets",
        "updated",
        "retired",
    }
)
# Standalone pages live at /<slug>/: these names are taken by the site itself.
RESERVED_PAGE_SLUGS = frozenset(
    {
        "publications",
        "search",
        "files",
        "assets",
        "pagefind",
        "feed.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "index.html",
        "page",
        "_redirects",
        "s3-routing-rules.json",
    }
)


@dataclass(frozen=True)
class Urls:
    base_url: str  # https://www.example.gov/library/

    @property
    def base_path(self) -> str:
        return urlsplit(self.base_url).path or "/"

    def link(self, site_path: str) -> str:
        """A root-relative link for a site path (site paths start with /) or an external URL unchanged."""
        if not site_path.startswith("/") or site_path.startswith("//"):
            return site_path
        return _link(self.base_url, site_path)

    def absolute(self, site_path: str) -> str:
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}{self.link(site_path)}"

    # -- the URL table of SPEC.md ------------------------------------------------------------

    @staticmethod
    def publication(slug: str) -> str:
        return f"/publications/{slug}/"

    @staticmethod
    def listing(kind: str = "", key: str = "", page: int = 1) -> str:
        """/publications/, /publications/component/ice/, ... with /page/N/ for later pages."""
        path = "/publications/" + "".join(f"{part}/" for part in (kind, key) if part)
        return path if page <= 1 else f"{path}page/{page}/"

    @staticmethod
    def page(slug: str) -> str:
        return f"/{slug}/"

    @staticmethod
    def file(content_path: str) -> str:
        """Attachments keep their path under content/ (files/x.pdf -> /files/x.pdf)."""
        return "/" + content_path


@functools.lru_cache(maxsize=65536)
def _link(base_url: str, site_path: str) -> str:
    """Cached, base path included: a page makes about 46 links, mostly the same few thousand paths."""
    return (urlsplit(base_url).path or "/") + quote(site_path[1:], safe="/#%.-_~:")


def output_file(site_path: str) -> str:
    """The file (relative to the output folder) that serves a site path."""
    if site_path.endswith("/"):
        return site_path.lstrip("/") + "index.html"
    return site_path.lstrip("/")


def is_safe_output(relative: str) -> bool:
    """True when a relative output path stays inside the output folder."""
    if not relative or relative.startswith("/") or "\\" in relative or "\0" in relative:
        return False
    normal = posixpath.normpath(relative)
    return normal == relative and not normal.startswith("..")


def is_government_host(host: str) -> bool:
    """Whether a link goes to a .gov or .mil host: links elsewhere are marked external (USWDS)."""
    host = host.lower().rstrip(".")
    return host.endswith((".gov", ".mil")) or host in ("gov", "mil")


def format_size(size: int) -> str:
    """A file size as people read it next to a download link: "218 KB", "1.2 MB"."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{round(size / 1000)} KB"
    return f"{size / 1_000_000:.1f} MB"
