"""A bar chart of publications per year: plain SVG made at build time, no JavaScript.

The chart is decorative for sighted readers and described for everyone else: the SVG has a
title and a description, and the template puts the same numbers in a table beside it.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

BAR, GAP, HEIGHT, LABEL = 18, 4, 120, 16


def year_chart(counts: tuple[tuple[int, int], ...], label: str) -> Markup:
    """An inline SVG with one bar per year; `label` names what is counted."""
    if not counts:
        return Markup("")
    peak = max(count for _, count in counts) or 1
    width = len(counts) * (BAR + GAP)
    total = sum(count for _, count in counts)
    first, last = counts[0][0], counts[-1][0]
    busiest = max(counts, key=lambda item: (item[1], item[0]))
    title = f"{label}: publications per year, {first} to {last}"
    description = (
        f"{total} publications from {first} to {last}; the most in {busiest[0]} ({busiest[1]}). "
        "The table below gives every year."
    )
    bars = []
    for index, (year, count) in enumerate(counts):
        height = round(count / peak * HEIGHT)
        x = index * (BAR + GAP)
        bars.append(
            f'<rect x="{x}" y="{HEIGHT - height}" width="{BAR}" height="{height}" fill="#005ea2">'
            f"<title>{year}: {count}</title></rect>"
        )
        if index % max(1, len(counts) // 8) == 0 or index == len(counts) - 1:
            bars.append(
                f'<text x="{x + BAR / 2}" y="{HEIGHT + LABEL - 3}" font-size="11" '
                f'text-anchor="middle" fill="#1b1b1b">{year}</text>'
            )
    svg = (
        f'<svg class="year-chart" xmlns="http://www.w3.org/2000/svg" viewBox="-14 0 {width + 28} {HEIGHT + LABEL}" '
        f'role="img" aria-labelledby="chart-title chart-desc" preserveAspectRatio="xMinYMax meet">'
        f'<title id="chart-title">{escape(title)}</title><desc id="chart-desc">{escape(description)}</desc>'
        + "".join(bars)
        + "</svg>"
    )
    return Markup(svg)  # noqa: S704 - built from numbers and escaped text only
