"""Hostile bodies (tests/payloads.py) against the trust boundary, at three levels.

1. `sitegen check` reports an error in the file that holds the payload, at a line of its body,
   and `sitegen build` fails and leaves the previous output folder byte-for-byte as it was:
   for every payload, in a publication, a component mission statement and a standalone page.
2. Defence in depth: even without the check, `publishable_html` (what is stored and published)
   reduces every payload to inert HTML. The published HTML is parsed with lxml and inspected
   element by element against an oracle written here, independent of sitegen's allowlist.
3. A property test composes random bodies from Markdown constructs, attribute lists, raw HTML
   fragments of the corpus, entity encodings and case changes, with the same oracle.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from payloads import HOSTILE_ATTRIBUTE_NAMES, HOSTILE_VALUES, INERT, MARKDOWN_FRAGMENTS, PAYLOADS, RAW_FRAGMENTS
from sitegen.cli import main
from sitegen.markup import Markup
from sitegen.sanitize import ALLOWED_TAGS, check_html, publishable_html
from sitekit import Project

GROUPS = sorted({group for group, *_ in PAYLOADS})
BODY_CODES = {"html-tag", "html-attribute", "html-class", "html-id", "html-comment", "unsafe-url", "broken-link"}

# -- the oracle: what published body HTML may never hold ---------------------------------------------

# Written out here rather than imported, so a too-generous product allowlist cannot hide a payload.
FORBIDDEN_TAGS = (
    "script",
    "iframe",
    "frame",
    "frameset",
    "svg",
    "math",
    "object",
    "embed",
    "applet",
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
    "track",
    "marquee",
    "body",
    "html",
    "head",
    "title",
    "xmp",
    "plaintext",
    "portal",
    "param",
    "keygen",
    "isindex",
    "image",
    "use",
    "animate",
    "set",
)
FORBIDDEN_ATTRIBUTES = {
    "srcdoc",
    "formaction",
    "action",
    "autofocus",
    "tabindex",
    "contenteditable",
    "ping",
    "target",
    "name",
    "form",
    "xlink:href",
    "srcset",
    "poster",
    "background",
    "data",
    "popover",
    "is",
    "slot",
    "http-equiv",
    "content",
}
URL_ATTRIBUTES = {
    "href",
    "src",
    "cite",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "srcset",
    "xlink:href",
    "lowsrc",
    "dynsrc",
    "ping",
    "longdesc",
    "usemap",
    "codebase",
}
CLASS_ALLOWLIST = {
    "footnote",
    "footnote-ref",
    "footnote-backref",
    "toc",
    "usa-table--borderless",
    "usa-table--striped",
    "usa-table--compact",
    "align-left",  # table alignment, which Python-Markdown writes as a style
    "align-right",
    "align-center",
}
LANGUAGE_CLASS = re.compile(r"^language-[A-Za-z0-9_+#-]+$")
TEXT_ALIGN = re.compile(r"^\s*text-align:\s*(left|right|center);?\s*$")
RESERVED_IDS = {
    "main-content",
    "search",
    "search-fallback",
    "site-search",
    "attachments-heading",
    "gov-banner-default",
    "banner-lock-description",
    "banner-lock-title",
}
RESERVED_ID_PREFIXES = ("usa-", "pagefind", "sitegen", "gov-banner", "banner-")
ACTIVE_SCHEME = re.compile(r"^(javascript|vbscript|data|file|livescript|mocha|jar|view-source|blob|filesystem):")
OPENING_TAG = re.compile(r"<\s*(" + "|".join(FORBIDDEN_TAGS) + r")\b", re.IGNORECASE)  # an end tag alone is inert


def url_problem(value: str) -> str:
    """Why a URL attribute value is active or leaves the site by a trick ("" when it is fine)."""
    # `value` is already entity-decoded once by the parser, as a browser decodes it: never decode twice.
    compact = re.sub(r"[\s\x00-\x20\x7f]", "", value).lower()
    if ACTIVE_SCHEME.match(compact):
        return f"active URL scheme {compact[:30]!r}"
    if compact.startswith("//"):
        return f"protocol-relative URL {compact[:30]!r}"
    if "\\" in compact:
        return f"backslash in URL {compact[:30]!r}"
    return ""


def active_content(html: str, published: bool = True) -> list[str]:
    """Every way `html` (a published body) could run script, navigate, restyle or take over the page.

    In published HTML (nh3's serialization) a "<" is escaped everywhere, attribute values included,
    so the text itself is searched too; raw HTML (`published=False`) is judged by its parse alone.
    """
    problems = []
    if published:
        problems += [f"markup opening <{m.group(1).lower()}" for m in OPENING_TAG.finditer(html)]
        if "<!" in html or "<?" in html:
            problems.append("a comment, declaration, CDATA section or processing instruction survived")
    if not html.strip():
        return problems
    # A whole document around the fragment (lxml refuses fragments such as "<body/><body>"); what
    # the fragment adds to <html>, <head> or <body> themselves is inspected too.
    document = etree.fromstring(f"<html><head></head><body><div>{html}</div></body></html>", _PARSER)
    wrapper = document.find("body/div")
    for element in document.iter():
        if element is wrapper:
            continue
        if not isinstance(element.tag, str):  # comment or processing instruction
            problems.append(f"node {etree.tostring(element)[:60]!r}")
            continue
        tag = element.tag.lower()
        if tag in ("html", "head", "body") and element.getparent() is (None if tag == "html" else document):
            if element.attrib:
                problems.append(f"attributes on <{tag}>: {dict(element.attrib)}")
            continue
        if tag in FORBIDDEN_TAGS or tag not in ALLOWED_TAGS:
            problems.append(f"element <{tag}>")
        for name, value in element.attrib.items():
            name = name.lower()
            where = f"<{tag} {name}={value[:40]!r}>"
            if name.startswith("on"):
                problems.append(f"event handler {where}")
            if name in FORBIDDEN_ATTRIBUTES:
                problems.append(f"attribute {where}")
            if name in URL_ATTRIBUTES and (why := url_problem(value)):
                problems.append(f"{why} in {where}")
            if name == "style" and not (tag in ("td", "th") and TEXT_ALIGN.match(value)):
                problems.append(f"style {where}")
            if name == "class":
                bad = [w for w in value.split() if w not in CLASS_ALLOWLIST and not LANGUAGE_CLASS.match(w)]
                if bad:
                    problems.append(f"classes {bad} in {where}")
            if name == "id" and (value in RESERVED_IDS or value.startswith(RESERVED_ID_PREFIXES)):
                problems.append(f"reserved id {where}")
    return problems


_PARSER = etree.HTMLParser(recover=True, no_network=True)
_MARKUP = Markup()


def published(body: str, content_dir: str = "publications/2020") -> str:
    """What the build stores for a body: Python-Markdown's HTML re-parsed by the sanitizer."""
    return publishable_html(_MARKUP.render(body, "x.md", content_dir, 1).html)


# -- sites ---------------------------------------------------------------------------------------------


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=True)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def build(project: Project) -> tuple[int, str]:
    return run("build", str(project.root), "--jobs", "1", "--no-search")


def tree(root: Path) -> dict[str, tuple[bytes, int]]:
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def write_payload(project: Project, location: str, index: int, name: str, body: str) -> tuple[str, range]:
    """Write a payload file; (its project-relative path, the range of its body's line numbers)."""
    if location == "publication":
        path = f"content/publications/2020/{name}.md"
        front = f"title: Payload {name}\ndate: 2020-05-01\ncomponent: ice\ntype: fact-sheet\nsummary: A summary.\n"
    elif location == "component":
        path = f"content/components/{name}.md"
        front = f"name: Office of {name}\nacronym: P{index}\n"
    else:
        path = f"content/pages/{name}.md"
        front = f"title: Page {name}\n"
    text = f"---\n{front}---\n{body}\n"
    project.write(path, text)
    first = front.count("\n") + 3
    return path, range(first, first + len(body.splitlines()))


@pytest.fixture(scope="module")
def clean_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid site with one publication, built once by `sitegen build`; each test works on a copy."""
    project = Project(tmp_path_factory.mktemp("clean") / "site")
    project.publication("clean", body="A clean publication.\n\n## Details\n\nText with [a link](https://www.dhs.gov/).")
    code, output = build(project)
    assert code == 0, output
    return project.root


def fresh_site(clean: Path, root: Path) -> tuple[Project, dict[str, tuple[bytes, int]], list[str]]:
    """A copy of the clean site and its built output: (project, output bytes and times, top-level entries)."""
    shutil.copytree(clean, root, symlinks=True)
    project = Project.__new__(Project)  # the files are there already: only the helpers are wanted
    project.root = root
    return project, tree(project.out), sorted(p.name for p in project.root.iterdir())


@pytest.mark.parametrize("location", ["publication", "component", "page"])
@pytest.mark.parametrize("group", GROUPS)
def test_every_payload_is_refused_and_publishes_nothing(
    clean_site: Path, tmp_path: Path, group: str, location: str
) -> None:
    project, before, entries = fresh_site(clean_site, tmp_path / "site")
    cases = [(name, body, codes) for g, name, body, codes in PAYLOADS if g == group]
    written = {}
    for index, (name, body, _codes) in enumerate(cases):
        written[name] = write_payload(project, location, index, name, body)

    # One check over the whole group: every payload file has its own errors, at lines of its body,
    # with the expected codes, and no other file has any.
    exit_code, output = run("check", str(project.root), "--format", "json")
    assert exit_code == 1, output
    errors = [d for d in json.loads(output) if d["severity"] == "error"]
    paths = {path for path, _ in written.values()}
    assert {d["path"] for d in errors} <= paths, [d for d in errors if d["path"] not in paths]
    for name, body, codes in cases:
        path, lines = written[name]
        mine = [d for d in errors if d["path"] == path]
        assert mine, f"{name}: check accepted\n{body}"
        assert set(codes) <= {d["code"] for d in mine}, (name, mine)
        assert {d["code"] for d in mine} & BODY_CODES, (name, mine)
        assert all(d["line"] in lines for d in mine), (name, list(lines), mine)

    # One payload at a time: the build fails, names the file and line, and the previous site stays.
    for path, _ in written.values():
        (project.root / path).unlink()
    for index, (name, body, _codes) in enumerate(cases):
        path, lines = write_payload(project, location, index, name, body)
        exit_code, output = build(project)
        assert exit_code == 1, f"{name}: the build published\n{output}"
        assert "Traceback" not in output
        rows = [row for row in output.splitlines() if row.startswith(f"{path}:")]
        assert rows and all(int(row.split(":")[1]) in lines for row in rows), (name, output)
        assert "left as it was" in output, output
        assert tree(project.out) == before, f"{name}: the output folder changed"
        assert sorted(p.name for p in project.root.iterdir()) == entries, f"{name}: debris next to the output"
        (project.root / path).unlink()


def test_the_corpus_covers_what_it_claims() -> None:
    names = [name for _, name, _, _ in PAYLOADS] + [name for name, _ in INERT]
    assert len(names) == len(set(names)), "payload names must be unique (they are file names)"
    assert len(PAYLOADS) >= 60
    bodies = "\n".join(body for _, _, body, _ in PAYLOADS).lower()
    for needle in (
        "{: autofocus",
        "onfocus=",
        "```{",
        '{: href="javascript:',
        "position-fixed",
        "{: style=",
        'id="main-content"',
        "> [r]: javascript:",
        "- [r]: javascript:",
        "<!--> <script>",
        "<![cdata[><img",
        "<?xml",
        "<script>",
        "<iframe srcdoc",
        "<svg onload",
        "<svg><script>",
        "<math><mtext><table><mglyph><style><img",
        "onerror=",
        "jav&#x09;ascript:",
        "&#106;avascript:",
        "data:text/html",
        "vbscript:",
        '"//evil.example/',
        "/\\evil.example",
        "\\\\evil.example",
        "formaction=",
        "<input autofocus onfocus",
        "<details open ontoggle",
        "<object data",
        "<embed",
        "<base href",
        'http-equiv="refresh"',
        'rel="import"',
        "<style>@import",
        "background:url(javascript:",
        "](javascript:",
        "![a picture](javascript:",
        "<javascript:",
        "[^1]: <img",
        "| a | <b onmouseover",
    ):
        assert needle in bodies, f"the corpus lacks {needle!r}"
    assert "OnErRoR" in "\n".join(body for _, _, body, _ in PAYLOADS)


# -- defence in depth: the sanitizer alone ------------------------------------------------------------

ALL_BODIES = [(name, body) for _, name, body, _ in PAYLOADS] + INERT


@pytest.mark.parametrize("content_dir", ["publications/2020", "components", "pages"])
def test_the_sanitizer_alone_neutralises_every_payload(content_dir: str) -> None:
    failures = {}
    for name, body in ALL_BODIES:
        out = published(body, content_dir)
        problems = active_content(out)
        if problems:
            failures[name] = (problems, out)
        # What is published, parsed again (as the browser will), is still inert: no markup that a
        # second parse reads differently (the signature of mutation XSS).
        assert not active_content(publishable_html(out)), (name, out)
    assert not failures, json.dumps(failures, indent=1)


@pytest.mark.parametrize("name,body", ALL_BODIES, ids=[n for n, _ in ALL_BODIES])
def test_check_refuses_whatever_a_parser_finds_active(name: str, body: str) -> None:
    """The Markdown output as lxml reads it: if anything in it is active, `check_html` says so."""
    rendered = _MARKUP.render(body, "x.md", "publications/2020", 1)
    if active_content(rendered.html, published=False):
        assert check_html(rendered.html, body, "x.md", 1), (name, rendered.html)


def test_the_oracle_is_not_blind() -> None:
    """The oracle must flag the raw payloads it is used to clear (else the tests above prove nothing)."""
    blind = [
        name
        for _, name, body, codes in PAYLOADS
        if "broken-link" not in codes and not active_content(_MARKUP.render(body, "x.md", "p", 1).html)
    ]
    assert not blind, blind
    assert not active_content(
        '<p>Text <a href="https://www.dhs.gov/" title="t">link</a></p>'
        '<table><tr><td style="text-align: center">x</td></tr></table>'
        '<pre><code class="language-python">x</code></pre>'
    )


# -- holes found while writing these tests, now closed ---------------------------------------------------


def test_a_mission_statement_cannot_take_the_component_pages_ids(tmp_path: Path) -> None:
    project = Project(tmp_path / "site")
    project.publication("one", type="report")
    project.publication("two", date="2021-02-02")
    project.component(
        "ice",
        "Immigration and Customs Enforcement",
        "ICE",
        "## Component type\n\nOur mission.\n\n## Years {: #component-year }\n\nMore.",
    )
    exit_code, _output = run("check", str(project.root), "--format", "json")
    if exit_code == 1:
        return
    assert build(project)[0] == 0
    page = project.html("/publications/component/ice/")
    for facet in ("component-type", "component-year"):
        needle = f'id="{facet}"'
        assert page.count(needle) == 1, f"{needle} appears {page.count(needle)} times on the component page"


UNTERMINATED = [
    ("comment-to-end", "Visible.\n\n<p>Shown text <!-- hidden\n\n## Later heading\n\nThe rest of the publication."),
    ("comment-hiding-script", "Intro.\n\n<div>\n<!--\n\n<script>alert(1)</script>\n\nRest."),
    ("cdata-to-end", "Intro.\n\n<div><![CDATA[ hidden\n\nRest."),
    ("pi-to-end", "Intro.\n\n<div><?php hidden\n\nRest."),
    ("img-handler-without-gt", "<p>Text <img src=x onerror=alert(1)"),
    ("javascript-link-without-gt", '<p>Text <a href="javascript:alert(1)"'),
]


@pytest.mark.parametrize("name,body", UNTERMINATED, ids=[n for n, _ in UNTERMINATED])
def test_check_refuses_a_body_that_ends_inside_markup(tmp_path: Path, name: str, body: str) -> None:
    project = Project(tmp_path / "site")
    path, _lines = write_payload(project, "publication", 0, name, body)
    assert not active_content(published(body)), "the published HTML must stay inert in any case"
    exit_code, output = run("check", str(project.root), "--format", "json")
    assert exit_code == 1 and any(d["path"] == path for d in json.loads(output)), output


# -- property test -----------------------------------------------------------------------------------------

HOSTILE_ALPHABET = st.sampled_from(
    list("<>\"'`=/\\:;&#(){}[]!?-_. \t\nJjAaVvSsCcRrIiPpTtOoNn0x9%")
    + ["&#x09;", "&#10;", "&colon;", "&Tab;", "&NewLine;", "\x00", "\u2028", "\ufeff"]
)
HOSTILE_TEXT = st.lists(HOSTILE_ALPHABET, max_size=14).map("".join)
ATTRIBUTE_VALUE = st.one_of(st.sampled_from(HOSTILE_VALUES), HOSTILE_TEXT)
TAG_NAMES = st.sampled_from(
    [
        "a",
        "img",
        "p",
        "div",
        "span",
        "details",
        "td",
        "blockquote",
        "svg",
        "math",
        "iframe",
        "script",
        "style",
        "object",
        "input",
        "form",
        "base",
        "meta",
        "Img",
        "SCRIPT",
        "noscript",
        "textarea",
        "template",
        "select",
        "table",
        "mglyph",
        "mtext",
        "body",
    ]
)


def _entities(text: str, mode: int) -> str:
    if mode == 1:
        return "".join(f"&#{ord(c)};" if c.isalpha() else c for c in text)
    if mode == 2:
        return "".join(f"&#x{ord(c):x}" if c.isalpha() else c for c in text)  # no semicolons
    if mode == 3:
        return text.replace("script", "scr&#x09;ipt").replace(":", "&colon;")
    return text


def _case(text: str, mode: int) -> str:
    if mode == 1:
        return text.upper()
    if mode == 2:
        return text.swapcase()
    if mode == 3:
        return "".join(c.upper() if i % 2 else c.lower() for i, c in enumerate(text))
    return text


@st.composite
def attribute(draw: st.DrawFn) -> str:
    name = _case(draw(st.sampled_from(HOSTILE_ATTRIBUTE_NAMES)), draw(st.integers(0, 3)))
    value = _entities(draw(ATTRIBUTE_VALUE), draw(st.integers(0, 3)))
    quote = draw(st.sampled_from(['"', "'", ""]))
    if quote == "" and re.search(r"[\s\"'=<>`]", value):
        quote = '"'
    return f"{name}={quote}{value.replace(quote, '') if quote else value}{quote}"


@st.composite
def attribute_list(draw: st.DrawFn) -> str:
    parts = draw(
        st.lists(
            st.one_of(
                attribute(),
                st.sampled_from(
                    [".usa-alert", ".position-fixed", "#main-content", "#search", ".language-x", ".z-top", "#x"]
                ),
            ),
            min_size=1,
            max_size=4,
        )
    )
    return draw(st.sampled_from(["{: ", "{:", "{ "])) + " ".join(parts) + " }"


@st.composite
def raw_tag(draw: st.DrawFn) -> str:
    tag = draw(TAG_NAMES)
    attributes = " ".join(draw(st.lists(attribute(), max_size=3)))
    close = draw(st.sampled_from([">", "/>", ">x</" + tag + ">", ""]))
    return f"<{tag} {attributes}{close}" if attributes else f"<{tag}{close}"


@st.composite
def fragment(draw: st.DrawFn) -> str:
    choice = draw(st.integers(0, 6))
    if choice == 0:
        return draw(st.sampled_from(MARKDOWN_FRAGMENTS))
    if choice == 1:
        return _case(draw(st.sampled_from(RAW_FRAGMENTS)), draw(st.integers(0, 3)))
    if choice == 2:
        return draw(st.sampled_from([body for _, _, body, _ in PAYLOADS]))
    if choice == 3:
        # An attribute list after a block or an inline element.
        host = draw(
            st.sampled_from(
                [
                    "Paragraph.\n",
                    "## Heading ",
                    "[link](https://www.dhs.gov/)",
                    "![alt](https://www.dhs.gov/a.png)",
                    "*em*",
                    "`code`",
                    "- item\n",
                    "> quote\n> ",
                    "| a | b |\n|---|---|\n| 1 | 2 ",
                    "```",
                ]
            )
        )
        return host + draw(attribute_list()) + ("\nx\n```" if host == "```" else "")
    if choice == 4:
        return raw_tag_or_link(draw)
    if choice == 5:
        return draw(raw_tag())
    return draw(HOSTILE_TEXT)


def raw_tag_or_link(draw: st.DrawFn) -> str:
    url = _case(_entities(draw(ATTRIBUTE_VALUE), draw(st.integers(0, 3))), draw(st.integers(0, 3)))
    form = draw(st.integers(0, 4))
    if form == 0:
        return f"[text]({url})"
    if form == 1:
        return f"![alt]({url})"
    if form == 2:
        return f"[text][r]\n\n[r]: {url}"
    if form == 3:
        return f"<{url}>"
    return f'<a href="{url}">text</a>'


SEPARATORS = st.sampled_from(["", " ", "\n", "\n\n", "\n    ", "\n> ", "\n- ", "\n1. ", " | ", "\n[^1]: "])


@st.composite
def hostile_body(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.tuples(SEPARATORS, fragment()), min_size=1, max_size=6))
    return "".join(sep + piece for sep, piece in pieces)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_body())
@example("<!--> <script>__pwned()</script> -->")
@example("<math><mtext><table><mglyph><style><img src=x onerror=__pwned()>")
@example('Text\n{: OnErRoR="__pwned()" HREF="jav&#x09;ascript:alert(1)" }')
def test_random_hostile_bodies_publish_no_active_content(body: str) -> None:
    rendered = _MARKUP.render(body, "x.md", "publications/2020", 1)
    out = publishable_html(rendered.html)
    assert not active_content(out), (body, out, active_content(out))
    # Not always byte-identical (`<select>` leaves `<p><p></p></p>`, which re-parses flat), but inert.
    assert not active_content(publishable_html(out)), (body, out)
    if active_content(rendered.html, published=False):
        assert check_html(rendered.html, body, "x.md", 1), (body, rendered.html)


# -- bodies Markdown already renders inert: if the build accepts them, what it publishes is inert ------


def test_inert_bodies_that_the_build_accepts_are_published_inert(tmp_path: Path) -> None:
    project = Project(tmp_path / "site")
    for name, body in INERT:
        write_payload(project, "publication", 0, name, body)
    report = project.check()
    refused = {d.path.rsplit("/", 1)[-1][:-3] for d in report.diagnostics if d.severity == "error"}
    for name, _ in INERT:
        if name in refused:
            (project.root / f"content/publications/2020/{name}.md").unlink()
    assert build(project)[0] == 0
    accepted = [name for name, _ in INERT if name not in refused]
    assert len(accepted) >= 10, refused
    for name in accepted:
        page = lxml.html.fromstring(project.html(f"/publications/{name}/"))
        (body,) = page.find_class("publication-body")
        inner = (body.text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in body)
        assert not active_content(inner), (name, inner)
