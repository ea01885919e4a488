"""The Content-Security-Policy a site's pages need, from its settings.

The pages load scripts, styles, images and fonts from the site itself and have no inline script
or style; search (Pagefind) runs WebAssembly in a same-origin worker and fetches its index. The
only outside hosts are those of a setting that asks for them, and exactly those:
`analytics.dap` adds the Digital Analytics Program's, `search: {provider: searchgov}` search.gov's as a
form target. `deploy/nginx.conf` carries the policy of a site without them and, commented, the
policy of each (tests/test_integrations.py holds it to these functions); `sitegen csp` prints the one a site needs,
for whatever serves it (a CloudFront response headers policy, another web server).

This module only builds text; it must not read the project or know about templates.
"""

from __future__ import annotations

from .config import SiteConfig

BASE_POLICY: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("default-src", ("'self'",)),
    ("script-src", ("'self'", "'wasm-unsafe-eval'")),
    ("style-src", ("'self'",)),
    ("img-src", ("'self'", "data:")),  # USWDS's CSS uses data: images
    ("font-src", ("'self'",)),
    ("connect-src", ("'self'",)),
    ("worker-src", ("'self'",)),
    ("object-src", ("'none'",)),
    ("base-uri", ("'self'",)),
    ("form-action", ("'self'",)),
    ("frame-ancestors", ("'none'",)),
    ("upgrade-insecure-requests", ()),
)

# What the DAP script needs, per directive. DAP's README (digital-analytics-program/gov-wide-code,
# "Content Security Policy") names script-src dap.digitalgov.gov, www.google-analytics.com and
# www.googletagmanager.com, and connect-src www.google-analytics.com. The script loads gtag.js from
# www.googletagmanager.com (and its web-vitals helper from dap.digitalgov.gov itself); GA4's
# gtag.js sends hits by sendBeacon/fetch to regional hosts (region1.google-analytics.com) and
# *.analytics.google.com, with an image request as the fallback, which is what Google's "Use a
# Content Security Policy" guide for GA4 lists under connect-src and img-src. YouTube tracking
# (www.youtube.com) is off unless a site adds yt=true to the script's address, which it cannot here.
DAP_SOURCES: dict[str, tuple[str, ...]] = {
    "script-src": (
        "https://dap.digitalgov.gov",
        "https://www.googletagmanager.com",
        "https://www.google-analytics.com",
    ),
    "connect-src": (
        "https://*.google-analytics.com",
        "https://*.analytics.google.com",
        "https://www.googletagmanager.com",
    ),
    "img-src": ("https://*.google-analytics.com", "https://www.googletagmanager.com"),
}


# `search: {provider: searchgov}`: every search box is a form that goes to search.gov.
SEARCHGOV_SOURCES: dict[str, tuple[str, ...]] = {"form-action": ("https://search.usa.gov",)}


def directives(config: SiteConfig | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each directive with its sources, in the header's order: the base policy plus what settings add."""
    added = []
    if config is not None and config.dap is not None:
        added.append(DAP_SOURCES)
    if config is not None and config.search.provider == "searchgov":
        added.append(SEARCHGOV_SOURCES)
    return tuple(
        (name, sources + tuple(host for extra in added for host in extra.get(name, ())))
        for name, sources in BASE_POLICY
    )


def content_security_policy(config: SiteConfig | None) -> str:
    """The header's value; `None` (no settings) gives the policy of a site without integrations."""
    return "; ".join(" ".join((name, *sources)) for name, sources in directives(config))
