"""The generated library (tests/fixture_site.py) checked as files: HTML validity (vnu.jar), links
(linkinator and our own fragment check) and the output guards of sitegen.guards on every page.

These need Java and the npm devDependencies, not a browser; a missing tool fails with its install
command (see site_under_test.INSTALL_HINTS).
"""

from __future__ import annotations

import json
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sitegen.guards import check_page

from .site_under_test import BASE_PATH, nu_errors, site_file


def test_nu_html_checker_finds_no_errors(
    site_dir: Path, html_pages: dict[str, str], vnu_run: subprocess.CompletedProcess
) -> None:
    """vnu.jar, run ONCE over the whole output folder (started in the background by the conftest)."""
    checked = {line.strip() for line in vnu_run.stdout.splitlines() if line.strip().endswith(".html")}
    assert len(checked) == len(html_pages), f"vnu checked {len(checked)} of {len(html_pages)} HTML files"
    errors = nu_errors(vnu_run, site_dir)
    assert not errors, f"{len(errors)} HTML errors:\n" + "\n".join(errors[:50])
    assert vnu_run.returncode == 0, vnu_run.stderr[-2000:]


def test_linkinator_finds_no_broken_links(
    html_pages: dict[str, str], linkinator_run: subprocess.CompletedProcess
) -> None:
    """linkinator from every HTML file of the output, recursively; external links are skipped."""
    try:
        report = json.loads(linkinator_run.stdout)
    except json.JSONDecodeError:
        raise AssertionError(
            f"linkinator gave no JSON (exit {linkinator_run.returncode}):\n"
            f"{linkinator_run.stdout[-1000:]}{linkinator_run.stderr[-2000:]}"
        ) from None
    broken = [
        f"[{link['status']}] {link['url']} (on {link.get('parent', '?')})"
        for link in report["links"]
        if link["state"] == "BROKEN"
    ]
    assert not broken, f"{len(broken)} broken links:\n" + "\n".join(broken)
    checked = {link["url"] for link in report["links"] if link["state"] == "OK"}
    assert len(checked) > len(html_pages), f"linkinator checked only {len(checked)} URLs"
    assert any("/files/" in url for url in checked) and any("/assets/" in url for url in checked)
    assert report["passed"] and linkinator_run.returncode == 0, linkinator_run.stderr[-2000:]


class _Anchors(HTMLParser):
    """The ids of a page and the href of each of its links, with line numbers."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(values["id"] or "")
        if tag == "a" and values.get("name"):
            self.ids.add(values["name"] or "")
        if tag in ("a", "area") and values.get("href") is not None:
            self.links.append((self.getpos()[0], values["href"] or ""))


def test_fragment_links_point_at_existing_ids(html_pages: dict[str, str]) -> None:
    pages = {}
    for relative, html in html_pages.items():
        parser = _Anchors()
        parser.feed(html)
        pages[relative] = parser
    problems, checked = [], 0
    for relative, parser in pages.items():
        for line, href in parser.links:
            parts = urlsplit(href)
            if "#" not in href or parts.scheme or parts.netloc:
                continue
            if parts.path:
                if not parts.path.startswith(BASE_PATH):
                    problems.append(f"{relative}:{line}: {href} is outside {BASE_PATH}")
                    continue
                target = site_file("/" + unquote(parts.path).removeprefix(BASE_PATH))
            else:
                target = relative
            checked += 1
            if target not in pages:
                problems.append(f"{relative}:{line}: {href} leads to no page")
            elif not parts.fragment:
                problems.append(f'{relative}:{line}: empty fragment in "{href}"')
            elif unquote(parts.fragment) not in pages[target].ids:
                problems.append(f'{relative}:{line}: {href}: no id "{unquote(parts.fragment)}" in {target}')
    assert not problems, "\n".join(problems)
    assert checked >= len(pages), "every page has at least the skip link to #main-content"


def test_output_guards_pass_on_every_page(html_pages: dict[str, str]) -> None:
    problems = [p for relative, html in html_pages.items() for p in check_page(relative, html)]
    assert not problems, "\n".join(problems)
