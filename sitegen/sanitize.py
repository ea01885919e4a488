"""The raw-HTML allowlist: bodies may use plain document markup, never script.

Checks the HTML that Markdown produced (raw HTML passes through Markdown verbatim, while code
spans and fenced code arrive escaped, so `<script>` inside code is text, not a tag). Anything
outside the allowlist is an error naming the file and the line of the offending text; nothing
is silently stripped, because a contributor must know their content did not publish as written.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from .diagnostics import Diagnostic

ALLOWED_TAGS = frozenset("""
a abbr b blockquote br caption cite code col colgroup dd del details dfn div dl dt em figcaption
figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong sub summary
sup table tbody td tfoot th thead time tr u ul var
""".split())

GLOBAL_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir"})
TAG_ATTRIBUTES = {
    "a": {"href", "rel", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "headers", "style"},
    "th": {"colspan", "rowspan", "headers", "scope", "style", "abbr"},
    "col": {"span"}, "colgroup": {"span"},
    "ol": {"start", "reversed", "type"}, "li": {"value"},
    "blockquote": {"cite"}, "q": {"cite"}, "del": {"cite", "datetime"}, "ins": {"cite", "datetime"},
    "time": {"datetime"}, "details": {"open"}, "abbr": {"title"},
}
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:")
# Python-Markdown writes table alignment as a style; nothing else may style content.
ALLOWED_STYLE = re.compile(r"^\s*text-align:\s*(left|right|center);?\s*$")


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[tuple[str, str, str]] = []  # (code, message, text to find the line by)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problems.append(("html-tag", f"<{tag}> is not allowed in publication text", f"<{tag}"))
            return
        allowed = GLOBAL_ATTRIBUTES | TAG_ATTRIBUTES.get(tag, set())
        for name, value in attrs:
            value = value or ""
            if name.startswith("aria-"):
                continue
            if name.startswith("on"):
                self.problems.append(("html-attribute", f'the event handler "{name}" is not allowed', name))
            elif name not in allowed:
                self.problems.append(("html-attribute", f'the attribute "{name}" is not allowed on <{tag}>', name))
            elif name == "style" and not ALLOWED_STYLE.match(value):
                self.problems.append(("html-attribute", "style attributes are not allowed", "style="))
            elif name in URL_ATTRIBUTES and unsafe_url(value):
                scheme = value.strip().split(":", 1)[0]
                self.problems.append(("unsafe-url", f'"{scheme}:" links are not allowed', scheme + ":"))

    handle_startendtag = handle_starttag


def unsafe_url(value: str) -> bool:
    compact = re.sub(r"[\s\x00-\x1f]", "", value).lower()
    scheme = re.match(r"^([a-z][a-z0-9+.-]*):", compact)
    return bool(scheme) and not compact.startswith(SAFE_SCHEMES)


def check_html(html: str, body: str, source: str, first_line: int) -> list[Diagnostic]:
    """Diagnostics for every disallowed tag, attribute or URL in a rendered body."""
    if "<" not in html:
        return []
    checker = _Checker()
    checker.feed(html)
    checker.close()
    lines = body.lower().splitlines()
    hint = "publication text may use Markdown and plain formatting tags only"
    return [
        Diagnostic(source, first_line + _find_line(lines, needle.lower()), code, message, hint)
        for code, message, needle in checker.problems
    ]


def _find_line(lines: list[str], needle: str) -> int:
    for index, line in enumerate(lines):
        if needle in line:
            return index
    return 0
