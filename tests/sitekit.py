"""Small projects in tmp_path for tests: a valid minimal site, and helpers to add or break files."""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import yaml

from sitegen.builder import BuildOptions, BuildReport, build, check

REPO = Path(__file__).resolve().parent.parent

SITE_YAML = {
    "title": "Publications Library",
    "base_url": "https://www.example.gov/library/",
    "language": "en",
    "page_size": 20,
    "agency": {
        "name": "U.S. Department of Homeland Security",
        "acronym": "DHS",
        "url": "https://www.dhs.gov/",
        "domain": "dhs.gov",
    },
    "breadcrumb": [{"title": "News", "url": "https://www.dhs.gov/news"}],
    "navigation": [{"title": "Publications", "url": "/publications/"}, {"title": "About", "url": "/about/"}],
    "identifier": {
        "about": "/about/",
        "accessibility": "/accessibility/",
        "foia": "https://www.dhs.gov/foia",
        "no_fear": "https://www.dhs.gov/no-fear-act",
        "oig": "https://www.oig.dhs.gov/",
        "performance": "https://www.dhs.gov/performance-financial-reports",
        "privacy": "https://www.dhs.gov/privacy-policy",
    },
}


# A valid publication file and where the case tables of the diagnostics tests put it.
CASE = "content/publications/2020/case.md"
GOOD_PUBLICATION = """\
---
title: A good title
date: 2020-05-01
component: ice
type: fact-sheet
topics: [privacy]
summary: A summary.
---
Body text.
"""


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root by relative path, with its bytes: outputs compared byte for byte."""
    files = {}
    for folder, _dirs, names in os.walk(root):
        for name in names:
            path = Path(folder, name)
            files[path.relative_to(root).as_posix()] = path.read_bytes()
    return files


class Project:
    """A project folder with content/, templates/ and assets/ (templates and assets from this repo)."""

    def __init__(self, root: Path, **site_overrides: object):
        self.root = root
        content = root / "content"
        for folder in ("components", "publications", "pages", "files"):
            (content / folder).mkdir(parents=True, exist_ok=True)
        shutil.copytree(REPO / "templates", root / "templates", dirs_exist_ok=True)
        shutil.copytree(REPO / "assets", root / "assets", dirs_exist_ok=True)
        self.site = {**SITE_YAML, **site_overrides}
        self.write_yaml("content/site.yaml", self.site)
        self.write_yaml(
            "content/types.yaml",
            {"privacy-impact-assessment": "Privacy Impact Assessment", "fact-sheet": "Fact Sheet", "report": "Report"},
        )
        self.write_yaml(
            "content/topics.yaml",
            {"privacy": "Privacy", "immigration": "Immigration", "cybersecurity": "Cybersecurity"},
        )
        self.component(
            "ice",
            "Immigration and Customs Enforcement",
            "ICE",
            "The mission of U.S. Immigration and Customs Enforcement (ICE) is to protect America.",
        )
        self.component("cbp", "Customs and Border Protection", "CBP", "CBP secures the border.")
        self.page("about", "About the library", "What this library is.")
        self.page("accessibility", "Accessibility statement", "We follow Section 508.")

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def write_yaml(self, relative: str, data: object) -> Path:
        return self.write(relative, yaml.safe_dump(data, sort_keys=False, allow_unicode=True))

    def component(self, key: str, name: str, acronym: str, mission: str) -> Path:
        return self.write(f"content/components/{key}.md", f"---\nname: {name}\nacronym: {acronym}\n---\n{mission}\n")

    def page(self, slug: str, title: str, body: str) -> Path:
        return self.write(f"content/pages/{slug}.md", f"---\ntitle: {title}\n---\n{body}\n")

    def publication(
        self,
        slug: str,
        *,
        title: str | None = None,
        date: str = "2020-01-01",
        component: str = "ice",
        type: str = "fact-sheet",  # noqa: A002 - the field
        summary: str = "A summary.",
        body: str = "Body text.",
        folder: str = "",
        **fields: object,
    ) -> Path:
        data = {
            "title": title or f"Publication {slug}",
            "date": date,
            "component": component,
            "type": type,
            "summary": summary,
            **fields,
        }
        front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        year = folder or date[:4]
        return self.write(f"content/publications/{year}/{slug}.md", f"---\n{front}---\n{textwrap.dedent(body)}\n")

    def raw_publication(self, name: str, text: str) -> Path:
        """A publication file with exactly this text (for broken front matter)."""
        return self.write(f"content/publications/{name}", textwrap.dedent(text).lstrip("\n"))

    @property
    def out(self) -> Path:
        return self.root / "_site"

    def build(self, **options: object) -> BuildReport:
        """Build with one process and, unless asked, no search index (Pagefind costs a process per build)."""
        options.setdefault("jobs", 1)
        options.setdefault("search", False)
        return build(BuildOptions(project=self.root, **options))  # type: ignore[arg-type]

    def check(self, **options: object) -> BuildReport:
        return check(BuildOptions(project=self.root, **options))  # type: ignore[arg-type]

    def html(self, site_path: str) -> str:
        relative = site_path.lstrip("/")
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        return (self.out / relative).read_text("utf-8")
