"""accessibility.py reads bodies nh3 keeps as written with its own tokenizer: the same findings as html.parser.

`_Collector.feed_serialised` replaces `html.parser` for HTML in html5ever's serialisation (what
`sanitize.as_written` admits). These tests feed both the same HTML and compare everything the
collector gathers, and every diagnostic `check_accessibility` gives, on the payload corpus, the
generated library (tests/fixture_site.py), generated bodies and bodies written to trip a tokenizer.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payloads import INERT, MARKDOWN_FRAGMENTS, PAYLOADS, RAW_FRAGMENTS
from sitegen import accessibility
from sitegen.accessibility import _Collector, check_accessibility
from sitegen.frontmatter import split_front_matter
from sitegen.markup import Markup
from sitegen.sanitize import as_written, publishable_html
from sitekit import Project
from test_payloads import hostile_body

_MARKUP = Markup()


def _gathered(html: str, serialised: bool) -> dict[str, Any]:
    collector = _Collector()
    if serialised:
        collector.feed_serialised(html)
    else:
        collector.feed(html)
        collector.close()
    return {
        "headings": collector.headings,
        "links": [asdict(link) | {"name": link.name} for link in collector.links],
        "images": collector.images,
        "tables": [asdict(table) for table in collector.tables],
    }


def _agree(body: str) -> None:
    """For the body's HTML as the build stores it (which nh3 keeps as written) and, where
    Python-Markdown's own HTML is already in that form, for that too: both readings agree."""
    rendered = _MARKUP.render(body, "x.md", "publications/2020", 1)
    for html in {publishable_html(rendered.html), rendered.html}:
        if not as_written(html):
            continue
        assert _gathered(html, True) == _gathered(html, False), (body, html)


TRICKY = [
    '<h2 id="a">Title with <a href="/x?a=1&amp;b=2" title="x > y">a link</a></h2>',
    '<p><a href="/x" title="&quot;quoted&quot; &lt;b&gt;">text &amp; more</a></p>',
    '<p><a href="/x"><img src="a.png" alt="a &gt; b"></a></p>',
    '<h3>Empty <img src="x.png" alt=""></h3><h5>skip</h5>',
    "<table><thead><tr><th></th><th>Name</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>",
    "<table><tbody><tr><td>no header</td></tr></tbody></table>",
    "<details open><summary>More</summary><p>text</p></details>",
    "<p>a &lt;h2&gt; that is text, and &nbsp; spaces &#169;</p>",
    "<p>Text ending with an ampersand &amp;</p>trailing text &amp; more",
    '<ol start="3"><li><a href="#fn:1">here</a></li></ol>',
    '<p><a>no href</a> <a href="">empty href</a></p>',
    "<h1>Top</h1><h2>Second</h2><h4>Fourth</h4>",
]


@pytest.mark.parametrize(
    "body",
    [body for _, _, body, _ in PAYLOADS] + [body for _, body in INERT] + MARKDOWN_FRAGMENTS + RAW_FRAGMENTS + TRICKY,
)
def test_both_readings_agree(body: str) -> None:
    _agree(body)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_body())
def test_both_readings_agree_on_generated_hostile_bodies(body: str) -> None:
    _agree(body)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*MARKDOWN_FRAGMENTS, *RAW_FRAGMENTS, *TRICKY]), min_size=1, max_size=8))
def test_both_readings_agree_on_mixed_bodies(pieces: list[str]) -> None:
    _agree("\n\n".join(pieces))


def test_the_library_is_judged_the_same_and_mostly_by_the_tokenizer(
    library: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    bodies = []
    for path in sorted((library.root / "content").rglob("*.md")):
        split, _ = split_front_matter(path.read_text("utf-8"), str(path))
        if split is not None:
            bodies.append((split.body, split.body_line))
    findings = [  # one of each finding, so the comparison means something
        "Read [click here](https://www.dhs.gov/x) and [](https://www.dhs.gov/y).",
        "# A second title\n\n## Scope\n\n#### Skipped a level",
        "| a | b |\n| --- | --- |\n| 1 | 2 |\n\n<table><tbody><tr><td>no header</td></tr></tbody></table>",
        "![report.png](report.png) and [![](logo.png)](https://www.dhs.gov/)",
    ]
    bodies += [(body, 5) for body in findings]
    fast, rendered = 0, []
    for body, line in bodies:
        _agree(body)
        result = _MARKUP.render(body, "x.md", "publications/2020", line)
        rendered.append((result, body, line))
        fast += as_written(result.html)
    quick = [check_accessibility(r.html, body, "x.md", line, r.links) for r, body, line in rendered]
    monkeypatch.setattr(accessibility, "as_written", lambda html: False)  # html.parser for every body
    slow = [check_accessibility(r.html, body, "x.md", line, r.links) for r, body, line in rendered]
    assert quick == slow
    assert {d.code for found in quick for d in found} >= {
        "vague-link-text",
        "empty-link",
        "extra-h1",
        "heading-skip",
        "table-without-header",
        "alt-is-filename",
    }
    assert fast > len(bodies) // 2, (fast, len(bodies))


def test_the_tokenizer_is_used_only_for_html_nh3_keeps_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    used: list[str] = []
    original = _Collector.feed_serialised
    monkeypatch.setattr(_Collector, "feed_serialised", lambda self, html: used.append(html) or original(self, html))
    odd = "<h2>Heading</h2><p><a href=/x>unquoted</a></p>"
    check_accessibility(odd, "## Heading", "x.md", 1)
    assert used == []
    plain = '<h2 id="heading">Heading</h2>\n<p><a href="/x">quoted</a></p>'
    check_accessibility(plain, "## Heading", "x.md", 1)
    assert used == [plain]
