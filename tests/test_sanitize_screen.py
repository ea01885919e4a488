"""check_html's shortcut (nh3 kept the body exactly as written: nothing to explain) changes no result.

The shortcut skips the explaining `html.parser` pass of most bodies, so it must give exactly what
the full check gives, on every hostile body the payload corpus holds or generates, on the
generated library's bodies (tests/fixture_site.py), and on plain Markdown; and `publishable_html` must return nh3's own
output whichever body nh3 cleaned last.
"""

from __future__ import annotations

import nh3
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from payloads import HOSTILE_ATTRIBUTE_NAMES, HOSTILE_VALUES, INERT, MARKDOWN_FRAGMENTS, PAYLOADS, RAW_FRAGMENTS
from sitegen import sanitize
from sitegen.frontmatter import split_front_matter
from sitegen.markup import Markup
from sitegen.sanitize import _explain, check_html, publishable_html
from sitekit import Project
from test_payloads import hostile_body

_MARKUP = Markup()


def _same(body: str) -> tuple[str, bool]:
    """The body's HTML, after asserting the shortcut and the full check agree; and whether it was clean."""
    html = _MARKUP.render(body, "x.md", "publications/2020", 1).html
    full = _explain(html, body, "x.md", 1)
    assert check_html(html, body, "x.md", 1) == full, (body, html)
    return html, not full


BODIES = (
    [body for _, _, body, _ in PAYLOADS]
    + [body for _, body in INERT]
    + list(MARKDOWN_FRAGMENTS)
    + list(RAW_FRAGMENTS)
    + [f'<p {name}="x">t</p>' for name in HOSTILE_ATTRIBUTE_NAMES]
    + [f'<a href="{value}">t</a>' for value in HOSTILE_VALUES]
    + [
        "<table><tr><td>cell</td></tr></table>",
        "<table><tbody><tr><td>cell</td></tr></tbody></table>",
        "<table><tbody><tr><div>moved</div></tr></tbody></table>",
        "<p><b>left open</p>",
        "<b>never closed",
        "<p>{{ page.title }}</p>",
        "<pre><code>{{ shown }}</code></pre>",
        "`{% raw %}`",
        '<p id="main-content">x</p>',
        '<p class="footnote usa-alert">x</p>',
        '<td style="text-align: right">x</td>',
        '<table><tbody><tr><td style="text-align: right">x</td></tr></tbody></table>',
        '<img src="a.png" alt="x">',
        "<br>",
        "<hr>",
        "Tom &amp; Jerry",
        "Quotes \"here\" and 'there'",
        "<!-- hidden -->",
        "<?php echo 1 ?>",
        "<![CDATA[x]]>",
    ]
)


@pytest.mark.parametrize("body", BODIES)
def test_the_shortcut_agrees_with_the_full_check(body: str) -> None:
    _same(body)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hostile_body())
def test_the_shortcut_agrees_on_generated_hostile_bodies(body: str) -> None:
    _same(body)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([*MARKDOWN_FRAGMENTS, *RAW_FRAGMENTS]), min_size=1, max_size=8))
def test_the_shortcut_agrees_on_mixed_markdown_and_html(pieces: list[str]) -> None:
    _same("\n\n".join(pieces))


def test_the_librarys_bodies_agree_and_plain_ones_take_the_shortcut(
    library: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    bodies = []
    for path in sorted((library.root / "content").rglob("*.md")):
        split, _ = split_front_matter(path.read_text("utf-8"), str(path))
        if split is not None:
            bodies.append(split.body)
    assert len(bodies) > 40
    for body in bodies:
        _same(body)
    explained: list[str] = []
    monkeypatch.setattr(sanitize, "_explain", lambda html, *args: explained.append(html) or [])
    plain = "## Scope\n\nThe system collects *names* and [dates](https://www.dhs.gov/x).\n\n- one\n- two\n"
    assert check_html(_MARKUP.render(plain, "x.md", "publications/2020", 1).html, plain, "x.md", 1) == []
    assert explained == []  # a plain body is not parsed a second time
    hostile = '<p onclick="x()">t</p>'
    check_html(hostile, hostile, "x.md", 1)
    assert explained == [hostile]


def test_publishable_html_is_nh3s_output_whatever_was_cleaned_before() -> None:
    fresh = nh3.Cleaner(**_cleaner_settings())
    sequence = ["<p>a</p>", '<p onclick="x()">a</p>', "<p>a</p>", "<p>a</p>", "<b>open", "<p>a</p>"]
    for html in sequence:
        check_html(html, html, "x.md", 1)
        assert publishable_html(html) == sanitize._ALIGNED_CELL.sub(sanitize._align_by_class, fresh.clean(html))
        assert publishable_html(html) == publishable_html(html)


def _cleaner_settings() -> dict[str, object]:
    return {
        "tags": set(sanitize.ALLOWED_TAGS),
        "clean_content_tags": {"script", "style"},
        "attributes": {
            "*": set(sanitize.GLOBAL_ATTRIBUTES),
            **{tag: set(names) for tag, names in sanitize.TAG_ATTRIBUTES.items()},
        },
        "attribute_filter": sanitize._filter_attribute,
        "strip_comments": True,
        "link_rel": None,
        "url_schemes": set(sanitize.URL_SCHEMES),
    }
