"""Content values placed inside translated interface sentences run no script, in Chromium.

Issue 15 moved the home, 404, redirect and site pages' sentences into strings.py; the templates
now put content values into them with `str.format` ("Go to the {title} home page", "“{title}” is
now at", the feed link's title, the home intro with the agency's name). That is only safe while
the formatted sentence is escaped as a whole. Two sites, English and Spanish, whose site title,
agency name, publication title (with an alias, so a redirect page) and site page title are
hostile, are built, served on 127.0.0.1 and loaded with hooks installed before any script; each
page is tabbed through. Nothing may run, and each hostile value must be on the page as text.
"""

from __future__ import annotations

import functools
import http.server
import socketserver
import threading
from collections.abc import Iterator

import pytest
import yaml

from sitekit import SITE_YAML, Project

pytestmark = pytest.mark.browser

SITE_TITLE = "Library</title><script>window.__pwned('site title')</script>"
AGENCY = "Agency <img src=x onerror=\"window.__pwned('agency')\">"
TITLE = "Plan \"><svg onload=window.__pwned('title')>{0} {title}"  # braces: format must not read them
PAGE_TITLE = "About <iframe src=\"javascript:window.__pwned('page')\"></iframe>"
HOOKS = """
(() => {
  const log = [];
  Object.defineProperty(window, '__log', {value: log});
  Object.defineProperty(window, '__pwned', {value: (what) => log.push(String(what))});
  for (const name of ['alert', 'confirm', 'prompt', 'print', 'open']) {
    window[name] = (...args) => { log.push(name + ':' + args.join(',')); return null; };
  }
})();
"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module", params=["en", "es"])
def hostile_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp(f"hostile-{request.param}")
    agency = {**SITE_YAML["agency"], "name": AGENCY}  # type: ignore[dict-item]
    project = Project(root / "site", title=SITE_TITLE, language=request.param, agency=agency)
    front = yaml.safe_dump({"title": PAGE_TITLE, "updated": "2024-05-01"}, allow_unicode=True)
    project.write("content/pages/about.md", f"---\n{front}---\nWhat this library is.\n")
    project.publication("plan", title=TITLE, aliases=["/old/plan/"], body="Body text.")
    report = project.build(search=False, out=root / "www" / "library")
    assert report.ok, [d.text() for d in report.diagnostics]
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root / "www")))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/library"
    server.shutdown()
    server.server_close()


PAGES = {
    "/": (SITE_TITLE, AGENCY),
    "/404.html": (SITE_TITLE,),
    "/about/": (PAGE_TITLE,),
    "/publications/plan/": (TITLE,),
}


@pytest.mark.parametrize("path", sorted(PAGES))
def test_hostile_values_in_interface_sentences_are_text(page, hostile_site: str, path: str) -> None:  # noqa: ANN001
    page.add_init_script(HOOKS)
    page.goto(hostile_site + path)
    for _ in range(15):
        page.keyboard.press("Tab")
    page.wait_for_timeout(200)
    assert page.evaluate("window.__log") == []
    text = page.locator("body").inner_text()
    for value in PAGES[path]:
        assert value in text or value in page.title(), (path, value)
    assert page.locator("main script, main img[src='x'], main svg[onload], main iframe").count() == 0


def test_the_redirect_page_names_the_hostile_title_as_text_and_runs_nothing(page, hostile_site: str) -> None:  # noqa: ANN001
    page.add_init_script(HOOKS)
    seen: list[str] = []
    page.on("framenavigated", lambda frame: seen.append(frame.url))
    page.goto(hostile_site + "/old/plan/")
    page.wait_for_url("**/publications/plan/")  # the meta refresh goes on to the publication
    assert page.evaluate("window.__log") == []
    assert seen[0].endswith("/old/plan/") and seen[-1].endswith("/publications/plan/")
    # Before it moves on, the redirect page says where, with the title as text:
    html = page.request.get(hostile_site + "/old/plan/").text()
    page.set_content(html.replace('http-equiv="refresh"', 'data-refresh="off"'))
    assert TITLE in page.locator("main").inner_text()
    assert page.locator("main svg, main script").count() == 0
    assert page.evaluate("window.__log") == []
