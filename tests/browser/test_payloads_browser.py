"""What the build would publish for each hostile body (tests/payloads.py) is inert in Chromium.

`check` refuses every payload, so no build publishes one. To test what the sanitizer would
publish anyway (defence in depth), a small site is built whose publication body is a marker
paragraph; for each payload the marker in that real publication page (banner, header, USWDS CSS
and JavaScript) is replaced by `publishable_html(markdown_html)`, the HTML the build stores and
publishes. The pages are served from 127.0.0.1 with a report-only Content Security Policy
(`script-src 'self'`): a violation is reported for any inline script, event handler or
javascript: URL that runs, without stopping it.

Each page is loaded with hooks installed before any of its scripts run (alert/confirm/prompt/
print/open, eval, Function, string timers, `securitypolicyviolation`, and `window.__pwned`, which
every active payload calls); then Tab is pressed 20 times, every element of the body is focused
and sent synthetic events, every element is hovered, and every element that does not leave the
page is clicked. Nothing may run, no navigation may leave the page, no request may go to another
origin except an image, and nothing in the body may be positioned or drawn outside the body.
Positive controls prove the hooks see unsanitized payloads; the generated library's publication
page proves they do not report the site's own scripts.
"""

from __future__ import annotations

import functools
import http.server
import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError

from payloads import INERT, PAYLOADS
from sitegen.markup import Markup
from sitegen.sanitize import publishable_html
from sitekit import Project

from .site_under_test import PAGE_KINDS, REPO, require

pytestmark = pytest.mark.browser

SCREENSHOT = REPO / "test-artifacts" / "payloads.png"
MARKER = "SITEGEN-PAYLOAD-MARKER"
BASE_PATH = "/payloads/"  # the payload site's base path; the library is served beside it at /library/
CSP = (
    "script-src 'self'; object-src 'none'; frame-src 'none'; child-src 'none'; base-uri 'none'; "
    "form-action 'none'; worker-src 'none'; manifest-src 'none'"
)
VIEWPORT = {"width": 1280, "height": 900}
ALL_BODIES = [(name, body) for _, name, body, _ in PAYLOADS] + INERT
BEFORE = "Text before the payload."
CONTROLS = (
    "img-onerror",
    "attr-autofocus-onfocus-paragraph",
    "details-ontoggle",
    "md-link-javascript",
    "script",
    "meta-refresh",
    "comment-breakout",
    "svg-onload",
    "iframe-srcdoc",
)

HOOKS = r"""
(() => {
  const log = [];
  Object.defineProperty(window, '__hookLog', {value: log});
  const record = (kind, detail) => { try { log.push(kind + ': ' + String(detail).slice(0, 200)); } catch (e) { log.push(kind); } };
  Object.defineProperty(window, '__pwned', {value: (...args) => record('__pwned', args.join(','))});
  for (const name of ['alert', 'confirm', 'prompt', 'print', 'open']) {
    window[name] = (...args) => { record(name, args.join(',')); return null; };
  }
  const realEval = window.eval;
  // Playwright's own page.evaluate goes through eval: the harness marks its scripts with a comment.
  window.eval = function (code) {
    if (!String(code).includes('/*harness*/')) { record('eval', code); }
    return realEval(code);
  };
  const RealFunction = window.Function;
  const HookedFunction = function (...args) { record('Function', args.join(',')); return RealFunction(...args); };
  HookedFunction.prototype = RealFunction.prototype;
  window.Function = HookedFunction;
  for (const name of ['setTimeout', 'setInterval']) {
    const real = window[name];
    window[name] = function (handler, ...rest) {
      if (typeof handler === 'string') { record(name + '(string)', handler); }
      return real.call(this, handler, ...rest);
    };
  }
  const realWrite = Document.prototype.write;
  Document.prototype.write = function (...args) { record('document.write', args.join('')); return realWrite.apply(this, args); };
  // An attempt to follow a link whose scheme runs or renders in place is recorded whether or not it runs.
  document.addEventListener('click', (e) => {
    const a = e.target && e.target.closest && e.target.closest('a[href]');
    const href = a ? a.getAttribute('href').replace(/[\s\x00-\x20]/g, '').toLowerCase() : '';
    if (/^(javascript|data|vbscript):/.test(href)) { record('click on a ' + href.split(':')[0] + ': link', href); }
  }, true);
  document.addEventListener('securitypolicyviolation', (e) => record('csp',
    e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '') + ' line ' + e.lineNumber), true);
})();
"""

# In the page: what inside the body container is not inert, as Chromium's own parser built it.
INSPECT = r"""
/*harness*/ (container) => {
  const root = document.querySelector(container);
  if (!root) { return ['no body container ' + container]; }
  const problems = [];
  const forbidden = new Set(%s);
  const classes = new Set(%s);
  const bad = /^(javascript|vbscript|data|file|blob|filesystem):/;
  const chromeIds = new Set([...document.querySelectorAll('[id]')].filter(e => !root.contains(e)).map(e => e.id));
  const box = root.getBoundingClientRect();
  for (const el of root.querySelectorAll('*')) {
    const tag = el.localName;
    const where = '<' + tag + '>';
    if (forbidden.has(tag) || el.namespaceURI !== 'http://www.w3.org/1999/xhtml') { problems.push('element ' + where); }
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase(), value = attr.value;
      if (name.startsWith('on')) { problems.push('handler ' + name + ' on ' + where); }
      if (['srcdoc', 'formaction', 'action', 'autofocus', 'tabindex', 'contenteditable', 'ping', 'target', 'name',
           'popover', 'srcset', 'poster', 'background', 'xlink:href'].includes(name)) {
        problems.push('attribute ' + name + ' on ' + where);
      }
      if (['href', 'src', 'cite'].includes(name)) {
        const compact = value.replace(/[\s\x00-\x20\x7f]/g, '').toLowerCase();
        if (bad.test(compact) || compact.startsWith('//') || compact.includes('\\')) {
          problems.push('URL ' + name + '=' + value.slice(0, 40) + ' on ' + where);
        }
      }
      if (name === 'style' && !(['td', 'th'].includes(tag) && /^\s*text-align:\s*(left|right|center);?\s*$/.test(value))) {
        problems.push('style=' + value.slice(0, 40) + ' on ' + where);
      }
      if (name === 'class') {
        for (const word of el.classList) {
          if (!classes.has(word) && !/^language-[A-Za-z0-9_+#-]+$/.test(word)) { problems.push('class ' + word + ' on ' + where); }
        }
      }
      if (name === 'id' && chromeIds.has(value)) { problems.push('id ' + value + ' of the page chrome reused on ' + where); }
    }
    const style = getComputedStyle(el);
    if (['fixed', 'absolute', 'sticky'].includes(style.position)) { problems.push('position ' + style.position + ' on ' + where); }
    if (style.zIndex !== 'auto') { problems.push('z-index ' + style.zIndex + ' on ' + where); }
  }
  // Wherever the body's content is hit, the point is inside the body's own box: nothing drawn over the chrome.
  const step = [0.02, 0.25, 0.5, 0.75, 0.98];
  for (const scroll of [0, Math.max(0, box.top + window.scrollY - 10)]) {
    window.scrollTo(0, scroll);
    const b = root.getBoundingClientRect();
    const points = [[640, 450]];
    for (const fx of step) { for (const fy of step) { points.push([Math.round(innerWidth * fx), Math.round(innerHeight * fy)]); } }
    for (const [x, y] of points) {
      const hit = document.elementFromPoint(x, y);
      if (hit && root.contains(hit) && hit !== root &&
          (x < b.left - 1 || x > b.right + 1 || y < b.top - 1 || y > b.bottom + 1)) {
        problems.push('body content <' + hit.localName + '> drawn at ' + x + ',' + y + ' outside the body box');
      }
    }
  }
  window.scrollTo(0, 0);
  return problems;
}
"""

FORBIDDEN_TAGS = [
    "script",
    "iframe",
    "frame",
    "svg",
    "math",
    "object",
    "embed",
    "base",
    "meta",
    "link",
    "form",
    "input",
    "button",
    "select",
    "textarea",
    "style",
    "template",
    "noscript",
    "video",
    "audio",
    "source",
    "marquee",
    "body",
    "html",
    "head",
    "title",
    "xmp",
    "portal",
    "image",
    "use",
]
CLASS_ALLOWLIST = [
    "footnote",
    "footnote-ref",
    "footnote-backref",
    "toc",
    "usa-table--borderless",
    "usa-table--striped",
    "usa-table--compact",
    "align-left",  # table alignment, which Python-Markdown writes as a style (published as a class)
    "align-right",
    "align-center",
]
INSPECT_JS = INSPECT % (FORBIDDEN_TAGS, CLASS_ALLOWLIST)

# Focus everything, send every event a handler could listen to (links that leave the page get
# no click), and list the elements to hover and click with the real mouse.
POKE = r"""
/*harness*/ (container) => {
  const root = document.querySelector(container);
  const stays = (el) => {
    const a = el.closest('a[href]');
    if (!a) { return true; }
    const url = new URL(a.getAttribute('href'), location.href);
    return url.origin === location.origin && url.pathname === location.pathname && url.search === location.search && url.hash !== '';
  };
  const focusable = 'a[href], area, button, input, select, textarea, iframe, object, embed, summary, details, [tabindex], [contenteditable]';
  for (const el of document.querySelectorAll(focusable)) { if (root.contains(el)) { el.focus(); el.blur(); } }
  const events = ['focus', 'focusin', 'blur', 'mouseover', 'mouseenter', 'mousemove', 'mousedown', 'mouseup',
                  'dblclick', 'contextmenu', 'keydown', 'keyup', 'input', 'change', 'toggle', 'animationstart',
                  'transitionend', 'pointerover', 'pointerdown', 'wheel', 'copy', 'load', 'error'];
  const all = [...root.querySelectorAll('*')];
  for (const el of all) {
    el.focus && el.focus();
    for (const type of events) { el.dispatchEvent(new Event(type, {bubbles: true})); }
    if (stays(el)) { el.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true})); }
  }
  return all.length;
}
"""
# Where to hover and click with the real mouse: the body's elements from `start` on that are in view
# after the body is scrolled to the top of the viewport (the rest, one by one, scrolled into view).
TARGETS = r"""
/*harness*/ ([container, start, one]) => {
  const root = document.querySelector(container);
  const all = [...root.querySelectorAll('*')];
  const clickable = (hit) => {  // never follow a link off the page; a scheme that runs in place is clicked
    if (!hit || !root.contains(hit)) { return false; }
    const a = hit.closest('a[href]');
    if (!a) { return true; }
    const url = new URL(a.getAttribute('href'), location.href);
    const here = url.origin === location.origin && url.pathname === location.pathname && url.hash !== '';
    return here || ['javascript:', 'data:', 'vbscript:'].includes(url.protocol);
  };
  if (one) { all[start] && all[start].scrollIntoView({block: 'center', inline: 'center'}); }
  else { root.scrollIntoView({block: 'start'}); }
  const found = [];
  for (let i = start; i < (one ? start + 1 : all.length); i++) {
    const r = all[i].getBoundingClientRect();
    if (r.width < 1 || r.height < 1) { continue; }
    const x = Math.round(r.left + Math.min(r.width / 2, 20)), y = Math.round(r.top + Math.min(r.height / 2, 10));
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) { found.push({index: i, outside: true}); continue; }
    const hit = document.elementFromPoint(x, y);
    const a = hit && hit.closest('a[href]');
    // Real clicks where a click does something (every element also got a synthetic click in POKE).
    const active = !!hit && !!hit.closest('a, summary, details, img, label, button, input, select, textarea, [tabindex]');
    found.push({index: i, x, y, click: active && clickable(hit), jumps: !!a && clickable(hit)});
  }
  return found;
}
"""
PREPARE = r"""
/*harness*/ ([container, before]) => {
  const root = document.querySelector(container);
  const p = [...document.querySelectorAll('p')].find(e => e.textContent.trim() === before);
  p.scrollIntoView({block: 'center'});
  const r = p.getBoundingClientRect();
  const focusable = root.querySelectorAll('a[href], button, input, select, textarea, iframe, summary, [tabindex], [contenteditable]');
  return {x: Math.round(r.left + 5), y: Math.round(r.top + r.height / 2), focusable: focusable.length};
}
"""
FINISH = (
    "/*harness*/ ([container]) => ({log: window.__hookLog ? window.__hookLog.slice() : ['the hooks are gone'], "
    "inspect: (" + INSPECT_JS.replace("/*harness*/", "") + ")(container)})"
)


class _Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy-Report-Only", CSP)
        if "/assets/" in self.path:  # USWDS once, not once per page
            self.send_header("Cache-Control", "max-age=3600")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def payload_server(tmp_path_factory: pytest.TempPathFactory, site_dir: Path) -> Iterator[dict]:
    """127.0.0.1 serving the payload pages under /payload-pages/ and the library under /library/."""
    www = tmp_path_factory.mktemp("payload-www")
    project = Project(tmp_path_factory.mktemp("payload-site") / "site")
    project.publication(
        "frame", title="A publication that holds a payload", body=f"{BEFORE}\n\n{MARKER}\n\nText after the payload."
    )
    report = project.build(out=www / BASE_PATH.strip("/"), base_url="https://www.example.gov" + BASE_PATH)
    assert report.ok, [d.text() for d in report.diagnostics]
    frame = (www / "payloads/publications/frame/index.html").read_text("utf-8")
    assert frame.count(f"<p>{MARKER}</p>") == 1
    (www / "library").symlink_to(site_dir, target_is_directory=True)

    pages = www / "payload-pages"
    pages.mkdir()
    markup = Markup()
    raw_html = {}
    for name, body in ALL_BODIES:
        html = markup.render(body, "x.md", "publications/2020", 1).html
        raw_html[name] = html
        (pages / f"{name}.html").write_text(frame.replace(f"<p>{MARKER}</p>", publishable_html(html)), "utf-8")
    (pages / "clean.html").write_text(frame, "utf-8")
    (pages / "everything.html").write_text(
        frame.replace(
            f"<p>{MARKER}</p>",
            "\n".join(f"<h2>{name}</h2>\n{publishable_html(raw_html[name])}" for name, _ in ALL_BODIES),
        ),
        "utf-8",
    )
    # Positive controls: the same frame with Markdown's unsanitized output (Chromium itself ignores a
    # refresh to javascript:, so that control refreshes to another site).
    raw_html["meta-refresh"] = '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
    for name in CONTROLS + ("attr-fake-overlay-class",):
        (pages / f"unsafe-{name}.html").write_text(frame.replace(f"<p>{MARKER}</p>", raw_html[name]), "utf-8")

    handler = functools.partial(_Handler, directory=str(www))
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield {"origin": f"http://127.0.0.1:{httpd.server_address[1]}", "pages": "/payload-pages/"}
    httpd.shutdown()
    httpd.server_close()


class Watch:
    """Everything a page did that a payload could cause, seen from outside the page.

    Requests are watched, not intercepted (interception turns Chromium's cache off, and every page
    would fetch USWDS again); the browser resolves no host but 127.0.0.1, so nothing leaves anyway.
    """

    def __init__(self, page, origin: str) -> None:  # noqa: ANN001 - a Playwright Page
        self.origin = origin
        self.reset("")
        page.on("dialog", lambda d: (self.problems.append(f"dialog {d.type}: {d.message}"), d.dismiss()))
        page.on("popup", lambda p: self.problems.append(f"popup {p.url}"))
        page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        page.on("download", lambda d: self.problems.append(f"download {d.url}"))
        page.on("request", self._request)
        page.on("framenavigated", self._navigated)

    def reset(self, url: str) -> None:
        self.url = url
        self.problems: list[str] = []
        self.images: list[str] = []  # off-site images: a body may show one (they fail to resolve here)
        self.scripts: list[str] = []

    def _request(self, request) -> None:  # noqa: ANN001
        if request.resource_type == "script":
            self.scripts.append(request.url)
        if request.is_navigation_request():
            main = request.frame.parent_frame is None
            if not main or request.url.split("#")[0] != self.url.split("#")[0]:
                self.problems.append(f"{'navigation' if main else 'a frame navigated'} to {request.url}")
        elif not request.url.startswith(self.origin + "/"):
            if request.resource_type == "image":
                self.images.append(request.url)
            else:
                self.problems.append(f"{request.resource_type} request to another origin: {request.url}")

    def _navigated(self, frame) -> None:  # noqa: ANN001
        if frame.parent_frame is not None:
            self.problems.append(f"a frame loaded {frame.url}")
        elif frame.url.split("#")[0] != self.url.split("#")[0]:
            self.problems.append(f"the page navigated to {frame.url}")


def exercise(
    page,  # noqa: ANN001
    watch: Watch,
    url: str,
    container: str = ".publication-body",
    from_top: bool = False,
    settle: int = 10,
) -> tuple[list[str], list[str]]:
    """Load, tab, focus, poke, hover and click.

    (what the hooks logged and what was seen from outside, what Chromium's DOM of the body holds).
    """
    watch.reset(url)
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, url
    try:
        _interact(page, container, from_top)
        page.wait_for_timeout(settle)
        found = page.evaluate(FINISH, [container])
    except PlaywrightError as error:  # the page went away under the harness: a payload navigated it
        return [*watch.problems, f"the page went away: {str(error).splitlines()[0]}"], []
    if page.url.split("#")[0] != url.split("#", maxsplit=1)[0]:
        watch.problems.append(f"left the page for {page.url}")
    return found["log"] + watch.problems, found["inspect"]


def _interact(page, container: str, from_top: bool) -> None:  # noqa: ANN001
    presses, track = 20, False
    if not from_top:
        # Start sequential focus navigation just before the body (a click sets the starting point),
        # then Tab through the body: up to 20 times, stopping once focus has passed it.
        start = page.evaluate(PREPARE, [container, BEFORE])
        page.mouse.click(start["x"], start["y"])
        presses, track = (20, True) if start["focusable"] else (2, False)
    inside = False
    for _ in range(presses):
        page.keyboard.press("Tab")
        if track:
            now = page.evaluate(FOCUS_INSIDE, container)
            if inside and not now:
                break
            inside = inside or now
    limit = min(page.evaluate(POKE, container), 80)
    index = 0
    while index < limit:
        targets = [t for t in page.evaluate(TARGETS, [container, index, False]) if t["index"] < limit]
        for target in targets:
            index = target["index"] + 1
            scrolled = False
            if target.get("outside"):  # below the fold: scrolled into view on its own
                (target,) = page.evaluate(TARGETS, [container, target["index"], True]) or [{"outside": True}]
                if target.get("outside"):
                    continue
                scrolled = True
            page.mouse.move(target["x"], target["y"])
            if target["click"]:
                page.mouse.click(target["x"], target["y"])
            if scrolled or target["jumps"]:
                break  # the page scrolled: look again from the next element
        else:
            break


FOCUS_INSIDE = "/*harness*/ (c) => document.querySelector(c).contains(document.activeElement)"


@pytest.fixture(scope="module")
def isolated_browser(request: pytest.FixtureRequest):  # noqa: ANN201
    """The project's Chromium, resolving no host but 127.0.0.1 (a payload cannot reach the network)."""
    try:
        browser_type = request.getfixturevalue("browser_type")
        launch = request.getfixturevalue("browser_type_launch_args")  # the conftest's: Debian's Chromium
    except pytest.FixtureLookupError:
        require("playwright", False, "Playwright or pytest-playwright")
    args = [*launch.get("args", []), "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
    browser = browser_type.launch(**{**launch, "args": args})
    yield browser
    browser.close()


@pytest.fixture
def hooked(isolated_browser):  # noqa: ANN001, ANN201 - (page, watch) with the hooks installed
    context = isolated_browser.new_context(viewport=VIEWPORT, service_workers="block")
    context.add_init_script(HOOKS)
    page = context.new_page()
    yield page, Watch(page, "")
    context.close()


def test_hooks_see_unsanitized_payloads(hooked, payload_server: dict) -> None:  # noqa: ANN001
    """Positive control: the same pages without the sanitizer are caught, each in its own way."""
    page, watch = hooked
    watch.origin = origin = payload_server["origin"]
    seen = {}
    for name in CONTROLS:  # each in a page of its own: a navigation it starts must not land in the next one
        control = page.context.new_page()
        seen[name] = exercise(
            control, Watch(control, origin), f"{origin}{payload_server['pages']}unsafe-{name}.html", settle=300
        )[0]
        control.close()
    assert all(seen.values()), {name: found for name, found in seen.items() if not found}
    assert any("__pwned" in e for e in seen["img-onerror"]) and any("csp" in e for e in seen["img-onerror"])
    assert any("__pwned" in e for e in seen["attr-autofocus-onfocus-paragraph"])  # reached by Tab / focus
    # The javascript: link was clicked and ran (Markdown read `'md'` as a title: `javascript:__pwned(` throws).
    assert any(e.startswith("csp: script-src") for e in seen["md-link-javascript"]), seen["md-link-javascript"]
    assert any(e.startswith("click on a javascript: link") for e in seen["md-link-javascript"])
    assert any("https://evil.example/" in e for e in seen["meta-refresh"]), seen["meta-refresh"]
    assert any("frame" in e for e in seen["iframe-srcdoc"]), seen["iframe-srcdoc"]
    _, problems = exercise(page, watch, f"{origin}{payload_server['pages']}unsafe-attr-fake-overlay-class.html")
    assert any("position fixed" in p for p in problems), problems  # USWDS would draw the fake notice over the page
    assert any("outside the body box" in p for p in problems), problems


def test_hooks_are_quiet_on_the_librarys_publication_page(hooked, payload_server: dict) -> None:  # noqa: ANN001
    """Negative control: the library's own page, its own scripts, the same hooks and the same CSP."""
    page, watch = hooked
    watch.origin = origin = payload_server["origin"]
    found, _ = exercise(page, watch, f"{origin}/library{PAGE_KINDS['publication']}", from_top=True)
    assert page.locator(".publication-body p").count() > 0
    assert not found, found
    assert len(watch.scripts) >= 2 and all(s.startswith(origin + "/library/assets/") for s in watch.scripts)
    found, inspected = exercise(page, watch, f"{origin}{payload_server['pages']}clean.html")
    assert not found and not inspected, found + inspected


def test_every_published_payload_is_inert_in_chromium(hooked, payload_server: dict) -> None:  # noqa: ANN001
    page, watch = hooked
    watch.origin = origin = payload_server["origin"]
    failures = {}
    scripts = set()
    for name, _body in ALL_BODIES:
        found, inspected = exercise(page, watch, f"{origin}{payload_server['pages']}{name}.html")
        problems = found + inspected
        if problems:
            failures[name] = problems
        scripts.update(watch.scripts)
    assert not failures, "\n".join(f"{name}: {problems}" for name, problems in failures.items())
    # The only scripts any page asked for are the site's own.
    assert all(s.startswith(f"{origin}{BASE_PATH}assets/") for s in scripts), scripts


def test_all_published_payloads_together(hooked, payload_server: dict) -> None:  # noqa: ANN001
    """Every sanitized payload in one body: inert together; the screenshot shows the fake notice as plain text."""
    page, watch = hooked
    watch.origin = origin = payload_server["origin"]
    found, inspected = exercise(page, watch, f"{origin}{payload_server['pages']}everything.html", from_top=True)
    assert not found and not inspected, found + inspected
    found, inspected = exercise(
        page, watch, f"{origin}{payload_server['pages']}attr-fake-overlay-class.html", from_top=True
    )
    assert not found and not inspected, found + inspected
    notice = page.get_by_text("OFFICIAL NOTICE")
    assert notice.evaluate("/*harness*/ e => getComputedStyle(e).position") == "static"
    page.evaluate("/*harness*/ () => window.scrollTo(0, 0)")
    SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000
