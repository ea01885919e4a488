"""Pages laid out like an agency's document library (issue 15, items 2 and 4).

Listing pages put the list right after the heading and mission statement, with the facets in a
side navigation beside it and the chart after it; the header names the agency; home and the
library have titles and headings of their own; a publication has a metadata summary box and its
attachments as file links; tables keep their alignment through classes, never a style attribute.
"""

from __future__ import annotations

from sitegen.markup import Markup
from sitegen.sanitize import publishable_html


def published(body: str) -> str:
    return publishable_html(Markup().render(body, "x.md", "publications/2020", 1).html)


def test_table_alignment_is_published_as_classes_not_styles() -> None:
    html = published("| Year | Count | Note |\n| :--- | ---: | :---: |\n| 2018 | 12 | x |\n")
    assert "style=" not in html
    assert html.count('class="align-right"') == 2 and html.count('class="align-center"') == 2
    assert html.count('class="align-left"') == 2


def test_alignment_joins_a_class_the_cell_already_has() -> None:
    html = publishable_html('<table><tr><td class="footnote" style="text-align: right">1</td></tr></table>')
    assert '<td class="footnote align-right">' in html and "style" not in html
