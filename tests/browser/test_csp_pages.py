"""Under the project's own CSP nothing breaks (issue 15, item 4).

Every page kind is loaded in Chromium from nginx running deploy/nginx.conf itself (HTTPS, the
exact Content-Security-Policy and other headers it sends), with JavaScript on: zero CSP
violations (a `securitypolicyviolation` event, recorded from the first byte) and zero console
errors or script errors. Search runs a real query, so Pagefind's WebAssembly and worker run too.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from test_deploy import running_nginx

from .site_under_test import BASE_PATH, PAGE_KINDS

pytestmark = [pytest.mark.browser, pytest.mark.deployment]

# Recorded before any page script runs: what the policy blocked, and where.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', e => window.__csp.push(
  `${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile || ''}:${e.lineNumber}`));
"""


@pytest.fixture(scope="module")
def nginx_url(www_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_nginx(www_root, tmp_path_factory.mktemp("nginx-csp")) as ports:
        yield f"https://127.0.0.1:{ports['https']}{BASE_PATH.rstrip('/')}"


@pytest.fixture
def csp_page(browser):  # noqa: ANN001, ANN201 - playwright's Browser and Page
    context = browser.new_context(ignore_https_errors=True, viewport={"width": 1280, "height": 900})
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    yield page
    context.close()


def _load(page, url: str) -> tuple[list[str], dict[str, str]]:  # noqa: ANN001
    problems: list[str] = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status in (200, 404), url
    return problems, response.headers


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_page_kind_has_no_csp_violation_or_console_error(csp_page, nginx_url: str, kind: str) -> None:  # noqa: ANN001
    path = PAGE_KINDS[kind]
    problems, headers = _load(csp_page, nginx_url + path)
    assert "style-src 'self'" in headers["content-security-policy"]  # nginx.conf's policy, not a test's
    if kind == "search":
        csp_page.fill("#search-q", "privacy")
        csp_page.keyboard.press("Enter")
        csp_page.wait_for_selector("#search-results a[href]", timeout=20_000)  # a real result, not a placeholder
    csp_page.wait_for_timeout(200)  # late violations (images, fonts) are reported after load
    violations = csp_page.evaluate("() => window.__csp")
    assert not violations and not problems, f"{path}:\n" + "\n".join(violations + problems)


def test_the_recorder_sees_a_violation(csp_page, nginx_url: str) -> None:  # noqa: ANN001
    """The check itself: an inline style under this policy is reported."""
    _load(csp_page, nginx_url + "/about/")
    csp_page.evaluate(
        "() => { const d = document.createElement('div'); d.innerHTML = '<p style=\"color:red\">x</p>'; document.body.append(d); }"
    )
    csp_page.wait_for_timeout(200)
    assert any("style-src" in v for v in csp_page.evaluate("() => window.__csp"))
