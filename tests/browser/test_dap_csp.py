"""Chromium: a DAP page under deploy/nginx.conf's policy for DAP sites loads the DAP script, and
what the script loads and sends is allowed too; under the default policy the script is refused.

A small site with `analytics: dap` is built and served from 127.0.0.1 with the
Content-Security-Policy header that nginx.conf gives a DAP site (its commented line), or for the
negative control the default one. The machine has no network, so `page.route` answers every
request to another host: the DAP script's address gets a stand-in that does what the real one
does to the page (it adds gtag.js from www.googletagmanager.com, which sends a beacon to
region1.google-analytics.com and a pixel to www.google-analytics.com), and everything else is
aborted. A request the policy refuses never reaches the route: Chromium reports a
`securitypolicyviolation` instead, which the page records from its first script on.
"""

from __future__ import annotations

import functools
import http.server
import re
import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from sitekit import Project

from .site_under_test import REPO

pytestmark = pytest.mark.browser

NGINX = (REPO / "deploy" / "nginx.conf").read_text("utf-8")
DEFAULT_POLICY = re.findall(r'^    add_header Content-Security-Policy "([^"]+)" always;$', NGINX, re.MULTILINE)[0]
DAP_POLICY = re.findall(r'^    # add_header Content-Security-Policy "([^"]+)" always;$', NGINX, re.MULTILINE)[0]
DAP_HOST = "dap.digitalgov.gov"

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(e.violatedDirective + ' ' + e.blockedURI);
}, true);
"""
# What the DAP script does to the page, as far as the policy is concerned (Universal-Federated-Analytics.js:
# a script element for gtag.js; gtag.js sends with transport_type 'beacon', and images as the fallback).
DAP_STAND_IN = """
window.__dapRan = true;
const gtag = document.createElement('script');
gtag.src = 'https://www.googletagmanager.com/gtag/js?id=G-STANDIN';
document.head.appendChild(gtag);
"""
GTAG_STAND_IN = """
window.__gtagRan = true;
navigator.sendBeacon('https://region1.google-analytics.com/g/collect?v=2&tid=G-STANDIN', '');
fetch('https://region1.analytics.google.com/g/collect?v=2', {method: 'POST', mode: 'no-cors', keepalive: true}).catch(() => {});
const pixel = new Image();
pixel.src = 'https://www.google-analytics.com/collect?v=1';
"""


def _handler(policy: str) -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def end_headers(self) -> None:
            # The header exactly as nginx sends it (Chromium does not upgrade requests to 127.0.0.1).
            self.send_header("Content-Security-Policy", policy)
            super().end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
            pass

    return Handler


@pytest.fixture(scope="module")
def dap_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    www = tmp_path_factory.mktemp("dap-www")
    project = Project(
        tmp_path_factory.mktemp("dap-site") / "site", analytics={"dap": {"agency": "DHS", "subagency": "ICE"}}
    )
    project.publication("measured", title="A measured publication")
    report = project.build(out=www / "library")
    assert report.ok, [d.text() for d in report.diagnostics]
    return www


@pytest.fixture(scope="module")
def servers(dap_site: Path) -> Iterator[dict[str, str]]:
    """policy name -> origin of a server of the DAP site sending that policy."""
    started, origins = [], {}
    socketserver.ThreadingTCPServer.allow_reuse_address = True
    for name, policy in (("dap", DAP_POLICY), ("default", DEFAULT_POLICY)):
        handler = functools.partial(_handler(policy), directory=str(dap_site))
        httpd = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
        httpd.daemon_threads = True
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        started.append(httpd)
        origins[name] = f"http://127.0.0.1:{httpd.server_address[1]}"
    yield origins
    for httpd in started:
        httpd.shutdown()
        httpd.server_close()


def load(page, url: str) -> list[str]:  # noqa: ANN001 - a Playwright Page
    """Open `url` with every outside request answered by the route; the outside URLs requested."""
    outside: list[str] = []

    def answer(route) -> None:  # noqa: ANN001 - a Playwright Route
        request_url = route.request.url
        if urlsplit(request_url).hostname == "127.0.0.1":
            route.continue_()
            return
        outside.append(request_url)
        host = urlsplit(request_url).hostname
        if host == DAP_HOST:
            route.fulfill(status=200, content_type="text/javascript", body=DAP_STAND_IN)
        elif host == "www.googletagmanager.com":
            route.fulfill(status=200, content_type="text/javascript", body=GTAG_STAND_IN)
        else:
            route.abort()  # no network here: what matters is that the policy let it be requested

    page.add_init_script(RECORD_VIOLATIONS)
    page.route("**/*", answer)
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, url
    return outside


def test_the_dap_policy_lets_the_dap_script_and_its_requests_through(page, servers: dict[str, str]) -> None:  # noqa: ANN001
    outside = load(page, servers["dap"] + "/library/publications/measured/")
    page.wait_for_function("window.__gtagRan === true", timeout=10_000)
    page.wait_for_timeout(300)  # the beacon, fetch and pixel are sent right after
    violations = page.evaluate("window.__violations")
    assert violations == [], violations
    assert not [v for v in violations if DAP_HOST in v], "no violation for the DAP script's address"
    (script,) = [url for url in outside if urlsplit(url).hostname == DAP_HOST]
    parts = urlsplit(script)
    assert parts.path == "/Universal-Federated-Analytics-Min.js"
    assert parse_qs(parts.query) == {"agency": ["DHS"], "subagency": ["ICE"]}
    assert page.evaluate("window.__dapRan") is True
    hosts = {urlsplit(url).hostname for url in outside}
    assert {"www.googletagmanager.com", "region1.google-analytics.com", "www.google-analytics.com"} <= hosts, outside
    # The site's own scripts ran under the same policy: the USWDS banner button works.
    page.click(".usa-banner__button")
    assert page.get_attribute(".usa-banner__button", "aria-expanded") == "true"


def test_the_default_policy_refuses_the_dap_script(page, servers: dict[str, str]) -> None:  # noqa: ANN001
    """The negative control: the same page under nginx.conf's default policy reports the script."""
    outside = load(page, servers["default"] + "/library/publications/measured/")
    page.wait_for_function("window.__violations.length > 0", timeout=10_000)
    violations = page.evaluate("window.__violations")
    assert any(v.startswith("script-src") and DAP_HOST in v for v in violations), violations
    assert outside == [], "a refused request never leaves the page"
    assert page.evaluate("window.__dapRan === undefined")
