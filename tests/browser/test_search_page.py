"""The search page in Chromium (issue 15 item 1): our own page over Pagefind's JavaScript API.

A fixture site of its own (tests build the tool's behaviour, not the sample content): 26
publications over six years, in shards of at most six (so the page merges several bundles and
orders by date across them), with document numbers, a component whose publications rarely name
it, and a publication whose title, summary and text are hostile. It is served on 127.0.0.1 by a
threaded server that sends the Content-Security-Policy of deploy/nginx.conf and can hold back one
filter file. Every test waits for real result links (never a placeholder) or for the form's
`data-search-ready`, which the page sets once `pagefind.filters()` has answered.
"""

from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import socketserver
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from sitekit import REPO, Project

from .site_under_test import AXE_JS, SCREENSHOTS, VNU_JAR, require

try:
    from playwright.sync_api import expect
except ImportError:  # the conftest's page/browser fixtures then fail with the install command
    expect = None

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
HOSTILE_TITLE = '<img src=x onerror="window.__pwned=1">Hostile <script>window.__pwned=2</script> plan'
HOSTILE_SUMMARY = '<b onmouseover="window.__pwned=3">bold</b> & <iframe src="javascript:window.__pwned=4">'
HOSTILE_TEXT = "The zebrawort notes quote `<img src=x onerror=window.__pwned=5>` verbatim."

# (slug, title, date, component, type, topics, body): the fixture library.
FEMA_BODIES = ["Flood recovery grants for towns.", "Wildfire shelters opened.", "Hurricane season guidance."]
LIBRARY: list[tuple[str, str, str, str, str, list[str], str]] = [
    (
        "pia-049",
        "DHS/ICE/PIA-049 Parole Unit Case Management Systems",
        "2018-10-26",
        "ice",
        "privacy-impact-assessment",
        ["privacy"],
        "Parole case tracking.",
    ),
    *[
        (
            f"pia-0{n}",
            f"DHS/ICE/PIA-0{n} Program {n} Systems",
            f"2016-0{n % 9 + 1}-15",
            "ice",
            "privacy-impact-assessment",
            ["privacy"],
            f"PIA 049 is cited here, and PIA-0{n}.",
        )
        for n in (41, 42, 43, 44, 45, 46, 47, 48)
    ],
    *[
        (
            f"fema-{n}",
            f"Disaster Note {n}",
            f"{2015 + n % 6}-0{n % 9 + 1}-0{n % 7 + 1}",
            "fema",
            "fact-sheet",
            [],
            FEMA_BODIES[n % 3] + (" FEMA leads it." if n < 2 else ""),
        )
        for n in range(7)
    ],
    *[
        (
            f"cbp-{n}",
            f"Border Crossing Report {n}",
            f"{2015 + n % 6}-1{n % 3}-1{n % 9}",
            "cbp",
            "report",
            ["immigration"] if n % 2 else [],
            "Ports of entry data." + (" Privacy notice included." if n == 3 else ""),
        )
        for n in range(9)
    ],
    ("hostile", HOSTILE_TITLE, "2019-06-01", "cbp", "report", [], HOSTILE_TEXT),
]
COMMON = "common"  # in every body: a search that finds the whole library


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the web root with the production CSP; holds back the `delayed` path."""

    delayed = ""
    csp = ""
    served: ClassVar[list[str]] = []  # the delayed path, once per time it was served

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.csp)
        super().end_headers()

    def do_GET(self) -> None:
        if self.delayed and self.path.split("?")[0] == self.delayed:
            time.sleep(0.4)
            self.served.append(self.delayed)
        super().do_GET()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def _csp() -> str:
    """deploy/nginx.conf's policy (its first, active line), without upgrade-insecure-requests:
    the test server is plain http on 127.0.0.1."""
    text = (REPO / "deploy" / "nginx.conf").read_text("utf-8")
    policy = re.search(r'^\s*add_header Content-Security-Policy "([^"]+)"', text, re.MULTILINE).group(1)
    return "; ".join(part.strip() for part in policy.split(";") if part.strip() != "upgrade-insecure-requests")


@pytest.fixture(scope="module")
def search_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, type[_Handler]]]:
    """(base URL, output folder, handler class) of the fixture site, built with shards of six."""
    from sitegen import search

    root = tmp_path_factory.mktemp("search-page")
    project = Project(root / "site")
    project.component("fema", "Federal Emergency Management Agency", "FEMA", "FEMA helps people before disasters.")
    for slug, title, date, component, kind, topics, body in LIBRARY:
        project.publication(
            slug,
            title=title,
            date=date,
            component=component,
            type=kind,
            topics=topics,
            summary=HOSTILE_SUMMARY if slug == "hostile" else f"About {title.split()[0]} things.",
            body=f"{body} The {COMMON} words.",
        )
    mp = pytest.MonkeyPatch()
    mp.setattr(search, "SHARD_SIZE", 6)
    report = project.build(search=True, out=root / "www" / "library")
    mp.undo()
    assert report.ok, [d.text() for d in report.diagnostics]
    handler = type("Handler", (_Handler,), {"csp": _csp(), "served": []})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(root / "www")))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/library", root / "www" / "library", handler
    server.shutdown()
    server.server_close()


def _expected(component: str = "", kind: str = "", years: tuple[str, ...] = ()) -> set[str]:
    return {
        f"/library/publications/{slug}/"
        for slug, _title, date, comp, typ, _topics, _body in LIBRARY
        if (not component or comp == component) and (not kind or typ == kind) and (not years or date[:4] in years)
    }


class Watch:
    """Script errors, console errors and CSP violations of one page."""

    def __init__(self, page) -> None:  # noqa: ANN001
        self.problems: list[str] = []
        page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text}"))
        page.on("dialog", lambda d: (self.problems.append(f"dialog: {d.message}"), d.dismiss()))


def open_search(page, base: str, query: str = "", width: int = 1280) -> Watch:  # noqa: ANN001
    page.set_viewport_size({"width": width, "height": 900})
    watch = Watch(page)
    page.goto(base + "/search/" + query)
    expect(page.locator("#search-form[data-search-ready]")).to_have_count(1, timeout=15_000)
    return watch


def wait_for_results(page) -> None:  # noqa: ANN001
    """Real result links, and a status that says how many."""
    expect(page.locator("#search-results .search-result__title a[href]").first).to_be_visible(timeout=15_000)
    expect(page.locator("#search-status")).to_contain_text("result")


def result_links(page) -> list[str]:  # noqa: ANN001
    return page.locator("#search-results .search-result__title a").evaluate_all(
        "links => links.map(a => new URL(a.href).pathname)"
    )


def load_all(page) -> list[str]:  # noqa: ANN001
    """Every result, pressing "Show more results" until it goes."""
    more = page.locator("#search-more")
    for _ in range(20):
        if not more.is_visible():
            break
        count = page.locator("#search-results > li").count()
        more.click()
        expect(page.locator("#search-results > li")).not_to_have_count(count)
    return result_links(page)


def tick(page, name: str) -> None:  # noqa: ANN001
    """Check a filter as a person does: by its label (USWDS draws the box; the input is off-screen)."""
    page.locator("label.usa-checkbox__label", has_text=re.compile("^" + re.escape(name))).click()


def axe(page) -> list[str]:  # noqa: ANN001
    """axe-core's violations. Its script is added through Playwright's evaluate (the page's CSP,
    rightly, refuses an inline script tag)."""
    page.evaluate(AXE_JS.read_text("utf-8") + "\n;void 0")
    result = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    return [f"axe {v['id']}: {v['help']} on {[n['target'] for n in v['nodes'][:3]]}" for v in result["violations"]]


# -- finding ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["PIA-049", "DHS/ICE/PIA-049", "pia-049"])
def test_a_document_number_finds_its_publication_first(page, search_site, query: str) -> None:  # noqa: ANN001
    base, _out, _handler = search_site
    watch = open_search(page, base, "?q=" + query)
    wait_for_results(page)
    assert result_links(page)[0] == "/library/publications/pia-049/"
    assert not watch.problems


@pytest.mark.parametrize(("query", "component"), [("FEMA", "fema"), ("ICE", "ice")])
def test_an_acronym_finds_every_publication_of_its_component(page, search_site, query: str, component: str) -> None:  # noqa: ANN001
    base, _out, _handler = search_site
    open_search(page, base, "?q=" + query)
    wait_for_results(page)
    assert _expected(component) <= set(load_all(page))  # FEMA: 7 of 7, though 2 name it in their text


def test_values_of_one_group_are_ored_and_groups_anded(page, search_site) -> None:  # noqa: ANN001
    base, _out, _handler = search_site
    open_search(page, base, f"?q={COMMON}&year=2016&year=2018")
    wait_for_results(page)
    assert set(load_all(page)) == _expected(years=("2016", "2018"))
    tick(page, "Customs and Border Protection")
    expect(page).to_have_url(re.compile(r"component=cbp"))
    expect(page.locator("#search-status")).to_contain_text("Component: Customs and Border Protection")
    assert set(load_all(page)) == _expected("cbp", years=("2016", "2018"))


@pytest.mark.parametrize("order", ["newest", "oldest"])
def test_results_are_ordered_by_date_across_shards(page, search_site, order: str) -> None:  # noqa: ANN001
    base, out, _handler = search_site
    assert len([p for p in (out / "pagefind").iterdir() if p.is_dir()]) >= 4  # several bundles merged
    open_search(page, base, f"?q={COMMON}&sort={order}")
    wait_for_results(page)
    load_all(page)
    dates = page.locator("#search-results time").evaluate_all("times => times.map(t => t.dateTime)")
    assert len(dates) == len(LIBRARY)
    assert dates == sorted(dates, reverse=order == "newest")


def test_the_status_announces_the_count_query_and_filters(page, search_site) -> None:  # noqa: ANN001
    base, _out, _handler = search_site
    open_search(page, base, "?q=privacy&type=privacy-impact-assessment")
    wait_for_results(page)
    status = page.locator("[role=status]")
    assert status.get_attribute("id") == "search-status"
    count = len(load_all(page))
    assert count == 9  # the nine PIAs are on privacy; the CBP report that mentions it is not a PIA
    expect(status).to_have_text(f"{count} results for privacy, Type: Privacy Impact Assessment")


def test_results_are_headings_with_date_component_type_and_excerpt(page, search_site) -> None:  # noqa: ANN001
    base, _out, _handler = search_site
    open_search(page, base, "?q=wildfire")
    wait_for_results(page)
    first = page.locator("#search-results > li").first
    expect(first.locator("h3 a")).to_have_text(re.compile(r"^Disaster Note \d$"))
    meta = first.locator(".search-result__meta")
    expect(meta).to_contain_text("Federal Emergency Management Agency")
    expect(meta).to_contain_text("Fact Sheet")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta.locator("time").get_attribute("datetime"))
    expect(first.locator(".search-result__excerpt mark")).to_have_text("Wildfire")  # the match is in the text
    # A match in the title only: the summary, not an excerpt of the index's extra words.
    open_search(page, base, "?q=Disaster")
    wait_for_results(page)
    first = page.locator("#search-results > li").first
    expect(first.locator(".search-result__excerpt")).to_have_count(0)
    expect(first.locator(".search-result__summary")).to_have_text("About Disaster things.")


def test_show_more_moves_focus_to_the_first_new_result(page, search_site) -> None:  # noqa: ANN001
    base, _out, _handler = search_site
    open_search(page, base, "?q=" + COMMON)
    wait_for_results(page)
    expect(page.locator("#search-results > li")).to_have_count(10)
    page.locator("#search-more").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#search-results > li")).to_have_count(20)
    eleventh = page.locator("#search-results > li").nth(10).locator("h3 a")
    expect(eleventh).to_be_focused()


def test_no_result_suggests_a_spelling_from_the_index_and_the_facet_links(page, search_site) -> None:  # noqa: ANN001
    base, _out, _handler = search_site
    open_search(page, base, "?q=wildfyre")
    expect(page.locator("#search-status")).to_have_text("No results for wildfyre.")
    suggestion = page.locator("#search-suggestion a")
    expect(suggestion).to_have_text("wildfire")
    expect(page.locator("#search-browse a[href*='/publications/component/']").first).to_be_visible()
    suggestion.click()
    wait_for_results(page)
    expect(page).to_have_url(re.compile(r"\?q=wildfire$"))
    expect(page.locator("#search-input, #search-q")).to_have_value("wildfire")


# -- the form is the state -------------------------------------------------------------------------


def test_the_address_follows_the_form_and_back_restores_it(page, search_site) -> None:  # noqa: ANN001
    base, _out, _handler = search_site
    open_search(page, base)
    length = page.evaluate("history.length")
    box = page.get_by_label("Search terms")
    box.fill("flood")
    wait_for_results(page)
    expect(page).to_have_url(re.compile(r"/search/\?q=flood$"))
    box.fill("floods")  # still typing: the same entry is replaced
    expect(page).to_have_url(re.compile(r"\?q=floods$"))
    assert page.evaluate("history.length") == length + 1
    box.press("Enter")
    assert page.evaluate("history.length") == length + 1  # submitting what was typed adds nothing more
    tick(page, "Fact Sheet")  # a filter is a step of its own
    expect(page).to_have_url(re.compile(r"\?q=floods&type=fact-sheet$"))
    page.get_by_label("Sort by").select_option("newest")
    expect(page).to_have_url(re.compile(r"\?q=floods&type=fact-sheet&sort=newest$"))
    expect(page.locator("#search-status")).to_contain_text("Type: Fact Sheet")
    page.go_back()
    expect(page).to_have_url(re.compile(r"\?q=floods&type=fact-sheet$"))
    expect(page.get_by_label("Sort by")).to_have_value("relevance")
    page.go_back()
    expect(page).to_have_url(re.compile(r"\?q=floods$"))
    expect(page.get_by_label(re.compile(r"^Fact Sheet"))).not_to_be_checked()
    expect(box).to_have_value("floods")
    wait_for_results(page)
    expect(page.locator("#search-status")).to_have_text(re.compile(r"^\d+ results? for floods$"))
    page.go_forward()
    expect(page.get_by_label(re.compile(r"^Fact Sheet"))).to_be_checked()
    expect(page.locator("#search-status")).to_contain_text("Type: Fact Sheet")


def test_a_shared_address_opens_the_same_search(page, search_site) -> None:  # noqa: ANN001
    base, _out, _handler = search_site
    open_search(page, base, "?q=report&component=cbp&sort=oldest")
    wait_for_results(page)
    expect(page.get_by_label("Search terms")).to_have_value("report")
    expect(page.get_by_label(re.compile(r"^Customs and Border Protection"))).to_be_checked()
    expect(page.get_by_label("Sort by")).to_have_value("oldest")
    assert parse_qs(urlsplit(page.url).query) == {"q": ["report"], "component": ["cbp"], "sort": ["oldest"]}


def test_the_keyboard_reaches_and_uses_every_control(page, search_site) -> None:  # noqa: ANN001
    base, _out, _handler = search_site
    open_search(page, base, "?q=" + COMMON)
    wait_for_results(page)
    page.get_by_label("Search terms").focus()
    reached = []
    for _ in range(60):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id || document.activeElement.className"))
        if page.evaluate("document.activeElement.closest('#search-results') !== null"):
            break
    assert "search-sort" in reached and any(r.startswith("filter-component-") for r in reached)
    page.get_by_label(re.compile(r"^Federal Emergency Management Agency")).focus()
    page.keyboard.press("Space")
    expect(page).to_have_url(re.compile(r"component=fema"))
    assert set(load_all(page)) == _expected("fema")


# -- untrusted content -------------------------------------------------------------------------------


def test_a_hostile_title_summary_and_text_are_shown_as_text(page, search_site) -> None:  # noqa: ANN001
    base, _out, _handler = search_site
    watch = open_search(page, base, "?q=zebrawort")
    wait_for_results(page)
    item = page.locator("#search-results > li").first
    expect(item.locator("h3 a")).to_have_text(HOSTILE_TITLE)
    expect(item.locator(".search-result__excerpt")).to_contain_text("<img src=x onerror=window.__pwned=5>")
    expect(item.locator(".search-result__excerpt mark")).to_have_text("zebrawort")
    assert (
        page.locator("#search-results img, #search-results script, #search-results iframe, #search-results b").count()
        == 0
    )
    # The summary, shown when the match is not in the text.
    open_search(page, base, "?q=hostile")
    wait_for_results(page)
    item = page.locator("#search-results > li").first
    expect(item.locator(".search-result__summary")).to_have_text(HOSTILE_SUMMARY)
    item.locator("h3 a").hover()
    page.keyboard.press("Tab")
    assert page.evaluate("window.__pwned") is None and not watch.problems


# -- filters are complete, however late their files arrive ------------------------------------------


def test_no_filter_list_is_incomplete_over_50_fresh_loads_with_a_late_filter_file(browser, search_site) -> None:  # noqa: ANN001
    base, out, handler = search_site
    from lxml import html as lxml_html

    page_html = lxml_html.fromstring((out / "search" / "index.html").read_text("utf-8"))
    expected = {
        box.get("id"): page_html.xpath(f"//label[@for='{box.get('id')}']")[0].text_content().split()[-1]
        for box in page_html.xpath("//form[@id='search-form']//input[@type='checkbox']")
    }
    groups = set(page_html.xpath("//form[@id='search-form']//fieldset/@data-group"))
    assert groups == {"component", "type", "topic", "year"} and len(expected) >= 14
    first = page_html.xpath("//form[@id='search-form']")[0].get("data-bundles").split()[0]
    late = sorted((out / first.removeprefix("/library/")).glob("filter/*.pf_filter"))[0]
    handler.delayed = "/library/" + late.relative_to(out).as_posix()
    incomplete = []
    try:
        for load in range(50):
            context = browser.new_context()  # a fresh load: nothing cached
            page = context.new_page()
            served = len(handler.served)
            page.goto(base + "/search/?q=" + COMMON)
            expect(page.locator("#search-form[data-search-ready]")).to_have_count(1, timeout=15_000)
            wait_for_results(page)
            shown = page.evaluate(
                """() => Object.fromEntries([...document.querySelectorAll('#search-form fieldset input[type=checkbox]')]
                    .map(box => [box.id, box.parentNode.querySelector('.search-filter__count').textContent]))"""
            )
            shown_groups = set(
                page.evaluate("[...document.querySelectorAll('#search-form fieldset')].map(f => f.dataset.group)")
            )
            if shown != expected or shown_groups != groups:
                incomplete.append((load, {k: (expected.get(k), v) for k, v in shown.items() if expected.get(k) != v}))
            assert len(handler.served) > served, "the late filter file was not asked for"
            context.close()
    finally:
        handler.delayed = ""
    assert incomplete == [], f"{len(incomplete)} of 50 loads showed incomplete filters: {incomplete[:3]}"


# -- accessibility, validity, layout ----------------------------------------------------------------


@pytest.mark.parametrize("width", [1280, 375])
def test_search_with_results_has_no_axe_violation_and_is_photographed(page, search_site, width: int) -> None:  # noqa: ANN001
    require("npm", AXE_JS.is_file(), f"axe-core ({AXE_JS})")
    base, _out, _handler = search_site
    watch = open_search(page, base, "?q=privacy", width)
    wait_for_results(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"search-results-{width}.png"), full_page=True)
    problems = axe(page) + watch.problems
    sizes = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    if sizes[0] > sizes[1]:
        problems.append(f"scrolls sideways: {sizes}")
    assert not problems, "\n".join(problems)


def test_the_zero_result_state_has_no_axe_violation(page, search_site) -> None:  # noqa: ANN001
    require("npm", AXE_JS.is_file(), f"axe-core ({AXE_JS})")
    base, _out, _handler = search_site
    watch = open_search(page, base, "?q=wildfyre&year=2016")
    expect(page.locator("#search-status")).to_have_text("No results for wildfyre.")
    problems = axe(page) + watch.problems
    assert not problems, "\n".join(problems)


def test_the_page_and_its_results_pass_the_nu_html_checker(page, search_site, tmp_path: Path) -> None:  # noqa: ANN001
    java = shutil.which("java")
    require("java", java, "java")
    require("npm", VNU_JAR.is_file(), f"the Nu Html Checker ({VNU_JAR})")
    base, out, _handler = search_site
    open_search(page, base, "?q=privacy")
    wait_for_results(page)
    rendered = tmp_path / "rendered.html"
    rendered.write_text("<!DOCTYPE html>\n" + page.evaluate("document.documentElement.outerHTML"), "utf-8")
    built = out / "search" / "index.html"
    done = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", str(built), str(rendered)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(done.stderr or '{"messages": []}')["messages"]
    assert messages == [], "\n".join(f"{m.get('url')}:{m.get('lastLine')}: {m['message']}" for m in messages)


def test_without_javascript_the_form_submits_and_says_why(browser, search_site) -> None:  # noqa: ANN001
    base, _out, _handler = search_site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "/search/")
    expect(page.locator(".search-noscript")).to_contain_text("needs JavaScript")
    expect(page.locator("#search-browse a[href*='/publications/type/']").first).to_be_visible()
    page.get_by_label("Search terms").fill("flood")
    page.get_by_label("Search terms").press("Enter")
    expect(page).to_have_url(re.compile(r"/search/\?q=flood"))
    context.close()
