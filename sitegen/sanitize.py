"""The trust boundary for body HTML: what a browser would parse is what we check and publish.

Every body (publications, component mission statements, pages) is untrusted: it may have been
written by an attacker in a pull request. Python-Markdown passes raw HTML through verbatim and
attribute lists (`{: onfocus=... }`) can set any attribute on any element, so its output is
treated as hostile HTML. Two passes over every body:

- `check_html` gives contributors one diagnostic per problem, at the file and line: a tag,
  attribute, class or URL outside the allowlist, a comment, CDATA section or processing
  instruction, an id the page chrome uses. It is built on `html.parser`, which is not how a
  browser parses, so it only explains; it does not protect.
- `publishable_html` is the protection: nh3 (the binding of Rust's ammonia, built on html5ever,
  the HTML5 parser of Servo) re-parses the HTML as a browser would and keeps only the allowlist.
  Its output is what is stored and published, so even HTML that fools `html.parser`
  (`<!--> <script>`, `<![CDATA[><img onerror>]]>`) reaches no page as markup. It runs on every
  body with no fast path; `check_html` skips its explaining parse only where nh3 kept the body
  exactly as written, so there is nothing to explain.

Allowed classes are the ones Python-Markdown itself writes (footnotes, `language-*` on fenced
code, the `[TOC]` box) and three USWDS table variants an editor may choose; nothing that
positions, hides, layers or recolours content (`position-fixed`, `z-top`, `usa-alert` are how a
fake official notice is drawn over the page).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3

from .diagnostics import Diagnostic
from .guards import LITERAL_TAGS as _LITERAL_TAGS
from .guards import TEMPLATE_SYNTAX  # what the output guard takes for a template mistake

ALLOWED_TAGS = frozenset(
    """
a abbr b blockquote br caption cite code col colgroup dd del details dfn div dl dt em figcaption
figure h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark ol p pre q s samp small span strong sub summary
sup table tbody td tfoot th thead time tr u ul var
""".split()
)

GLOBAL_ATTRIBUTES = frozenset({"id", "class", "title", "lang", "dir"})
TAG_ATTRIBUTES: dict[str, frozenset[str]] = {
    tag: frozenset(names)
    for tag, names in {
        "a": {"href", "rel", "hreflang"},
        "img": {"src", "alt", "width", "height", "loading"},
        "td": {"colspan", "rowspan", "headers", "style"},
        "th": {"colspan", "rowspan", "headers", "scope", "style", "abbr"},
        "col": {"span"},
        "colgroup": {"span"},
        "ol": {"start", "reversed", "type"},
        "li": {"value"},
        "blockquote": {"cite"},
        "q": {"cite"},
        "del": {"cite", "datetime"},
        "ins": {"cite", "datetime"},
        "time": {"datetime"},
        "details": {"open"},
        "abbr": {"title"},
    }.items()
}
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Python-Markdown writes table alignment as a style; nothing else may style content. The style is
# published as a class (`align-right`): the site's CSP (style-src 'self') blocks style attributes.
ALLOWED_STYLE = re.compile(r"^\s*text-align:\s*(left|right|center);?\s*$")
ALIGN_CLASSES = frozenset({"align-left", "align-right", "align-center"})
# Classes Python-Markdown writes, and the USWDS table variants an editor may ask for.
ALLOWED_CLASSES = frozenset(
    {
        "footnote",
        "footnote-ref",
        "footnote-backref",
        "toc",
        "usa-table--borderless",
        "usa-table--striped",
        "usa-table--compact",
        *ALIGN_CLASSES,
    }
)
_LANGUAGE_CLASS = re.compile(r"^language-[A-Za-z0-9_+#-]{1,40}$")
# Ids the page templates use: a body that reuses one could hijack the skip link or the search form.
RESERVED_IDS = frozenset(
    {
        "main-content",
        "search",
        "search-fallback",
        "site-search",
        "attachments-heading",
        "gov-banner-default",
        "banner-lock-description",
        "banner-lock-title",
    }
)
RESERVED_ID_PREFIXES = (
    "sitegen",
    "pagefind",
    "usa-",
    "gov-banner",
    "banner-",
    "component-",
    # the layout's own: side navigation, chart, summary box and attachment list
    "side-",
    "year-chart",
    "chart-",
    "publication-summary",
    "attachment-",
)
HINT = "publication text may use Markdown and plain formatting tags only"


def allowed_class(name: str) -> bool:
    return name in ALLOWED_CLASSES or bool(_LANGUAGE_CLASS.match(name))


def reserved_id(value: str) -> bool:
    return value in RESERVED_IDS or value.startswith(RESERVED_ID_PREFIXES)


def unsafe_url(value: str) -> str:
    """Why a link or image URL must not be published ("" when it may).

    Browsers drop whitespace and control characters inside a scheme and read a backslash as a
    slash, so the URL is compacted the same way before its scheme and host are judged.
    """
    compact = re.sub(r"[\s\x00-\x1f\x7f]", "", value).lower()
    if "\\" in compact:
        return "backslashes in a link can send it to another site"
    if compact.startswith("//"):
        return "links that start with // lead to another site; write https:// in full"
    scheme = re.match(r"^([a-z][a-z0-9+.-]*):", compact)
    if scheme and scheme.group(1) not in URL_SCHEMES:
        return f'"{scheme.group(1)}:" links are not allowed'
    return ""


TEMPLATE_HINT = "to show it as written, put it in `backticks`; otherwise remove it"
_VOID_TAGS = frozenset({"br", "hr", "img", "col", "wbr"})
# What each table element may hold directly; anything else is moved out by the HTML parser.
_TABLE_CHILDREN = {
    "table": ("caption", "colgroup", "thead", "tbody", "tfoot", "tr"),
    "thead": ("tr",),
    "tbody": ("tr",),
    "tfoot": ("tr",),
    "tr": ("td", "th"),
    "colgroup": ("col",),
}


def template_marker(text: str) -> str:
    """The template-like text ("{{ name }}") in `text` that no page may publish, or ""."""
    for marker, closing in zip(TEMPLATE_SYNTAX, ("}}", "%}")):
        index = text.find(marker)
        if index >= 0:
            line = text[index:].split("\n", 1)[0]
            end = line.find(closing, 2)
            return line[: end + 2] if 0 < end < 60 else line[:30].strip()
    return ""


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[tuple[str, str, str]] = []  # (code, message, text to find the line by)
        self.literal_depth = 0  # inside <code>, <pre>...: template-like text is shown as written
        self.open: list[str] = []  # elements not closed yet, innermost last

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _LITERAL_TAGS:
            self.literal_depth += 1
        parent = self.open[-1] if self.open else ""
        if tag not in _TABLE_CHILDREN.get(parent, (tag,)):
            # A browser moves it out of the table (`[TOC]` in a table row does this), so the page
            # would not show what the text says.
            self.problems.append(
                (
                    "html-nesting",
                    f"<{tag}> cannot be inside <{parent}>; browsers move it out of the table",
                    f"<{tag}" if tag != "div" else "[toc]",
                )
            )
        if tag not in _VOID_TAGS:
            self.open.append(tag)
        if tag not in ALLOWED_TAGS:
            self.problems.append(("html-tag", f"<{tag}> is not allowed in publication text", f"<{tag}"))
            return
        allowed = GLOBAL_ATTRIBUTES | TAG_ATTRIBUTES.get(tag, frozenset())
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(("html-attribute", f'the event handler "{name}" is not allowed', name))
            elif name not in allowed:
                self.problems.append(("html-attribute", f'the attribute "{name}" is not allowed on <{tag}>', name))
            elif name == "style" and not ALLOWED_STYLE.match(value):
                self.problems.append(("html-attribute", "style attributes are not allowed", "style"))
            elif name == "class":
                for word in value.split():
                    if not allowed_class(word):
                        self.problems.append(
                            (
                                "html-class",
                                f'the class "{word}" is not allowed; allowed: '
                                f"{', '.join(sorted(ALLOWED_CLASSES))}, language-<name>",
                                word,
                            )
                        )
            elif name == "id" and reserved_id(value):
                self.problems.append(("html-id", f'the id "{value}" is used by the page itself', value))
            elif name in URL_ATTRIBUTES and (why := unsafe_url(value)):
                self.problems.append(("unsafe-url", f'{why}: "{_short(value)}"', value.strip()[:20] or name))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)  # <b/> holds nothing

    def handle_endtag(self, tag: str) -> None:
        if tag in _LITERAL_TAGS and self.literal_depth:
            self.literal_depth -= 1
        if tag not in self.open:
            return  # a stray end tag: browsers ignore it
        # Elements opened inside this one and never closed: a browser carries them on over the
        # paragraphs that follow (a <b> left open makes the rest of the page bold).
        while (inner := self.open.pop()) != tag:
            self.unclosed(inner, f"before </{tag}>")

    def unclosed(self, tag: str, where: str) -> None:
        self.problems.append(
            ("html-unclosed", f"<{tag}> is not closed {where}; add </{tag}> where it should end", f"<{tag}")
        )

    def handle_data(self, data: str) -> None:
        if not self.literal_depth and (found := template_marker(data)):
            self.problems.append(
                (
                    "template-syntax",
                    f'"{_short(found, 30)}" would be taken for a template mistake and stop the build',
                    found,
                )
            )

    def handle_comment(self, data: str) -> None:
        self.problems.append(("html-comment", "HTML comments are not allowed in publication text", "<!--"))

    def unknown_decl(self, data: str) -> None:
        self.problems.append(("html-comment", f"<![{data[:10]}...]> sections are not allowed", "<!["))

    def handle_decl(self, decl: str) -> None:
        self.problems.append(("html-comment", f"<!{decl[:10]}> declarations are not allowed", "<!"))

    def handle_pi(self, data: str) -> None:
        self.problems.append(("html-comment", "<?...> processing instructions are not allowed", "<?"))


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check_html(html: str, body: str, source: str, first_line: int) -> list[Diagnostic]:
    """Diagnostics for everything in a rendered body that the allowlist does not admit.

    When nh3 reads the HTML exactly as written and keeps all of it (its re-serialisation is the
    same text), there is nothing to explain: every problem below is something nh3 would drop or
    a browser would rebuild (a tag, attribute, class, id or URL outside the allowlist, a comment,
    an element moved out of a table, one left open), which changes that text. Template-like text
    is the one problem nh3 keeps, so it is looked for first. Most bodies are plain Markdown and
    take this path (87% of a bench corpus): nh3 costs a quarter of the explaining parse, and its
    result is the one `publishable_html` then returns. tests/test_sanitize_screen.py checks that
    the path gives what the full check gives on hostile and ordinary bodies.
    """
    if not any(marker in html for marker in TEMPLATE_SYNTAX) and as_written(html):
        return []
    return _explain(html, body, source, first_line)


def _explain(html: str, body: str, source: str, first_line: int) -> list[Diagnostic]:
    """`check_html` without its shortcut: one `html.parser` pass, one diagnostic per problem."""
    checker = _Checker()
    checker.feed(html)
    if checker.rawdata.lstrip().startswith("<"):  # a comment, CDATA, <?...> or tag that never ends
        checker.problems.append(
            (
                "html-unclosed",
                "this HTML is never closed, so the rest of the text would not be "
                f'published: "{_short(checker.rawdata, 40)}"',
                checker.rawdata.strip()[:12],
            )
        )
        checker.rawdata = ""
    checker.close()
    for tag in reversed(checker.open):
        checker.unclosed(tag, "by the end of the text")
    lines = body.lower().splitlines()
    return [
        Diagnostic(
            source,
            first_line + _find_line(lines, needle.lower()),
            code,
            message,
            TEMPLATE_HINT if code == "template-syntax" else HINT,
        )
        for code, message, needle in checker.problems
    ]


def _find_line(lines: list[str], needle: str) -> int:
    for index, line in enumerate(lines):
        if needle in line:
            return index
    return 0


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    if name == "class":
        kept = " ".join(word for word in value.split() if allowed_class(word))
        return kept or None
    if name == "style":
        return value if ALLOWED_STYLE.match(value) else None
    if name == "id":
        return None if reserved_id(value) else value
    if name in URL_ATTRIBUTES:
        return None if unsafe_url(value) else value
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags={"script", "style"},
    attributes={"*": set(GLOBAL_ATTRIBUTES), **{tag: set(names) for tag, names in TAG_ATTRIBUTES.items()}},
    attribute_filter=_filter_attribute,
    strip_comments=True,
    link_rel=None,
    url_schemes=set(URL_SCHEMES),
)


_ALIGNED_CELL = re.compile(r"<t[dh]\s[^>]*\bstyle=[^>]*>")
_CELL_STYLE = re.compile(r'\sstyle="\s*text-align:\s*(left|right|center);?\s*"')
_CELL_CLASS = re.compile(r'\sclass="([^"]*)"')


def _align_by_class(match: re.Match[str]) -> str:
    """`<td style="text-align: right">` -> `<td class="align-right">` (in nh3's serialization)."""
    tag = match.group(0)
    style = _CELL_STYLE.search(tag)
    if style is None:
        return tag
    name = f"align-{style.group(1)}"
    tag = tag[: style.start()] + tag[style.end() :]
    if _CELL_CLASS.search(tag):
        return _CELL_CLASS.sub(lambda m: f' class="{m.group(1)} {name}"', tag, count=1)
    return tag[:3] + f' class="{name}"' + tag[3:]


# The last body nh3 cleaned and what it made of it: the loader checks a body, then publishes it.
_last_cleaned: tuple[str, str] = ("", "")


def _cleaned(html: str) -> str:
    """nh3's reading of `html`, computed once for the check and the publishing of one body."""
    global _last_cleaned
    last = _last_cleaned  # one read: another thread may replace it meanwhile
    if last[0] == html:
        return last[1]
    cleaned = _CLEANER.clean(html)
    _last_cleaned = (html, cleaned)
    return cleaned


def as_written(html: str) -> bool:
    """Whether nh3 keeps `html` byte for byte: then it is in html5ever's own serialisation, which
    `accessibility.py` reads with a tokenizer of its own instead of `html.parser`."""
    return _cleaned(html) == html


def publishable_html(html: str) -> str:
    """The body as it may be published: re-parsed as a browser would, only the allowlist kept.

    Table alignment leaves as a class, so nothing published carries a style attribute.
    """
    return _ALIGNED_CELL.sub(_align_by_class, _cleaned(html))
