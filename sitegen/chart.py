"""A bar chart of publications per year: plain SVG made at build time, no JavaScript.

The chart has axes a reader can read it by (a count scale with grid lines, the years along the
bottom, both axes named) and is described for everyone else: the SVG has a title and a
description, and the template puts the same numbers in a table beside it. Words come from the
page's interface strings, so the chart is in the page's language.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from html import escape
from typing import Any

from markupsafe import Markup

BAR, GAP, HEIGHT = 18, 6, 120  # bar width, gap between bars, plot height (SVG units)
LEFT, BOTTOM, TOP, RIGHT = 44, 36, 10, 8  # room for the count axis, the years and the axis names
FONT = 11
INK, GRID, FILL = "#1b1b1b", "#dfe1e2", "#005ea2"  # USWDS base-darkest, base-lighter, primary
ENGLISH = {
    "per_year": "Publications per year",
    "year": "Year",
    "publications": "Publications",
    "year_range": "{first} to {last}",
    "chart_description": "{total} publications from {first} to {last}; the most in {year} ({count}). "
    "The table below gives every year.",
}


def _ticks(peak: int) -> list[int]:
    """0 and two or three round steps up to at least `peak`: 0, 5, 10; 0, 20, 40, 60."""
    raw = max(1.0, peak / 3)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return list(range(0, math.ceil(max(1, peak) / step) * step + 1, step))


def year_chart(counts: tuple[tuple[int, int], ...], label: str, words: Mapping[str, Any] | None = None) -> Markup:
    """An inline SVG with one bar per year; `label` names what is counted, `words` the axes (t)."""
    if not counts:
        return Markup("")
    text = {key: (words or {}).get(key, value) for key, value in ENGLISH.items()}
    peak = max(count for _, count in counts) or 1
    ticks = _ticks(peak)
    top = ticks[-1] or 1
    width = len(counts) * (BAR + GAP)
    total = sum(count for _, count in counts)
    first, last = counts[0][0], counts[-1][0]
    busiest = max(counts, key=lambda item: (item[1], item[0]))
    title = f"{label}: {text['per_year'].lower()}, {text['year_range'].format(first=first, last=last)}"
    description = text["chart_description"].format(
        total=total, first=first, last=last, year=busiest[0], count=busiest[1]
    )
    parts = []
    for tick in ticks:  # the count scale: a grid line and its number
        y = TOP + HEIGHT - tick / top * HEIGHT
        parts.append(f'<line x1="{LEFT}" x2="{LEFT + width}" y1="{y:g}" y2="{y:g}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:g}" font-size="{FONT}" text-anchor="end" fill="{INK}">{tick}</text>'
        )
    every = max(1, math.ceil(len(counts) / 10))  # at most about ten year labels
    for index, (year, count) in enumerate(counts):
        height = count / top * HEIGHT
        x = LEFT + GAP / 2 + index * (BAR + GAP)
        parts.append(
            f'<rect x="{x:g}" y="{TOP + HEIGHT - height:g}" width="{BAR}" height="{height:g}" fill="{FILL}">'
            f"<title>{year}: {count}</title></rect>"
        )
        if index % every == 0 or index == len(counts) - 1:
            parts.append(
                f'<text x="{x + BAR / 2:g}" y="{TOP + HEIGHT + 14}" font-size="{FONT}" '
                f'text-anchor="middle" fill="{INK}">{year}</text>'
            )
    axes = (
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{TOP + HEIGHT}" stroke="{INK}"/>'
        f'<line x1="{LEFT}" x2="{LEFT + width}" y1="{TOP + HEIGHT}" y2="{TOP + HEIGHT}" stroke="{INK}"/>'
        f'<text x="{LEFT + width / 2:g}" y="{TOP + HEIGHT + BOTTOM - 4}" font-size="{FONT}" '
        f'text-anchor="middle" fill="{INK}">{escape(text["year"])}</text>'
        f'<text x="0" y="0" font-size="{FONT}" text-anchor="middle" fill="{INK}" '
        f'transform="translate(12 {TOP + HEIGHT / 2:g}) rotate(-90)">{escape(text["publications"])}</text>'
    )
    svg = (
        f'<svg class="year-chart" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {LEFT + width + RIGHT} {TOP + HEIGHT + BOTTOM}" '
        f'role="img" aria-labelledby="chart-title chart-desc">'
        f'<title id="chart-title">{escape(title)}</title><desc id="chart-desc">{escape(description)}</desc>'
        + "".join(parts)
        + axes
        + "</svg>"
    )
    return Markup(svg)  # noqa: S704 - built from numbers and escaped text only
