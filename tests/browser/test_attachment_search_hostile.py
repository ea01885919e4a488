"""An attachment's title and text are untrusted too: searched for in Chromium, they run nothing.

A publication's attachment has a title that is an XSS payload and a PDF whose text holds a
word found nowhere else. Searching for the word shows the "Found in <document>" line (built by
assets/js/search.js from Pagefind's sub-result); the title must be shown as text, and no script
may run.
"""

from __future__ import annotations

import functools
import http.server
import socketserver
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from pdf_fixtures import tagged_pdf
from sitekit import Project

pytestmark = pytest.mark.browser

WORD = "Quixotrabble"  # only in the PDF's text
TITLE = '<img src=x onerror="window.__pwned=1">Plan <script>window.__pwned=2</script>'


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("hostile-attachment")
    project = Project(root / "site")
    (project.root / "content/files/plan.pdf").write_bytes(tagged_pdf(title="The plan", marker=WORD))
    project.publication("plan", folder="2020", attachments=[{"title": TITLE, "file": "files/plan.pdf"}])
    report = project.build(search=True, out=root / "www" / "library")
    assert report.ok, report.diagnostics
    handler = functools.partial(_Quiet, directory=str(root / "www"))
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/library"
    server.shutdown()
    server.server_close()


def test_a_hostile_attachment_title_found_by_search_runs_nothing(page, served: str) -> None:  # noqa: ANN001
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(served + "/search/?q=" + WORD)
    found = page.locator(".search-result__documents a")
    expect(found.first).to_be_visible(timeout=15_000)
    assert found.first.inner_text() == f"{TITLE} (PDF)"  # shown as the text it is, with its kind
    # The list search.js renders results into: there, and holding this result, so the check below
    # can never pass for want of anything to look in.
    results = page.locator("ol#search-results")
    expect(results).to_have_count(1)
    expect(results.locator("li.search-result")).not_to_have_count(0)
    assert results.locator(".search-result__documents a").count() >= 1
    assert results.locator("img, script").count() == 0
    for _ in range(10):
        page.keyboard.press("Tab")
    found.first.hover()
    assert page.evaluate("window.__pwned") is None and dialogs == []
    assert found.first.get_attribute("href", timeout=1000).endswith("/publications/plan/#attachment-1")
