"""Charts drawn on the server as SVG: no script, nothing to download, readable at 390 px.

A stacked bar per day. The drawing is an image with a title and a description; its figures
are in the table printed beside it (screen readers, copy and paste), so the SVG itself
carries no text a reader needs beyond its axis labels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# The drawing's own units; CSS scales it to the column (see static/css/activity.css).
WIDTH, HEIGHT = 400, 210
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 10, 30


@dataclass(frozen=True)
class Series:
    name: str
    css_class: str  # the colour, from the stylesheet (CSP: no inline style)
    values: Sequence[int]


def nice_ceiling(value: float) -> int:
    """The axis top: 1, 2 or 5 times a power of ten, at least `value` (and at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return int(step * power)
    return int(10 * power)


def stacked_bars(
    chart_id: str, title: str, summary: str, labels: Sequence[str], series: Sequence[Series]
) -> SafeString:
    totals = [sum(s.values[i] for s in series) for i in range(len(labels))]
    top = nice_ceiling(max(totals, default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(1, len(labels))
    parts = [
        f'<svg id="{chart_id}" class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary)}</desc>',
        *_axis(top, plot_w, plot_h),
    ]
    for i, label in enumerate(labels):
        parts.extend(_bar(i, label, series, slot, plot_h, top))
    parts.extend(_x_labels(labels, slot))
    parts.append("</svg>")
    # Every text inside went through escape(); numbers and our own ids are the rest.
    return mark_safe("".join(parts))  # noqa: S308


def _axis(top: int, plot_w: float, plot_h: float) -> list[str]:
    lines = []
    for tick in (0, top // 2 if top >= 2 else None, top):
        if tick is None:
            continue
        y = TOP + plot_h - plot_h * tick / top
        lines.append(
            f'<line class="chart-grid" x1="{LEFT}" x2="{LEFT + plot_w}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="chart-tick" x="{LEFT - 4}" y="{y + 4:.1f}" '
            f'text-anchor="end">{tick}</text>'
        )
    return lines


def _bar(i: int, label: str, series: Sequence[Series], slot: float, plot_h: float, top: int):
    width = max(1.0, slot * 0.8)
    x = LEFT + i * slot + (slot - width) / 2
    base = TOP + plot_h
    for s in series:
        value = s.values[i]
        if not value:
            continue
        height = plot_h * value / top
        base -= height
        yield (
            f'<rect class="{s.css_class}" x="{x:.1f}" y="{base:.1f}" width="{width:.1f}" '
            f'height="{height:.1f}"><title>{escape(label)}: {value} {escape(s.name)}</title></rect>'
        )


def _x_labels(labels: Sequence[str], slot: float) -> list[str]:
    """First, middle and last labels only: 90 dates do not fit 390 px."""
    if not labels:
        return []
    picks = sorted({0, len(labels) // 2, len(labels) - 1})
    out = []
    for i in picks:
        x = LEFT + i * slot + slot / 2
        anchor = "start" if i == 0 and len(labels) > 1 else "end" if i == picks[-1] else "middle"
        if len(labels) == 1:
            anchor = "middle"
        out.append(
            f'<text class="chart-tick" x="{x:.1f}" y="{HEIGHT - 10}" text-anchor="{anchor}">'
            f"{escape(labels[i])}</text>"
        )
    return out
