"""sandbox/activity/charts.py: bars scale to a round axis top; every label is escaped."""

from __future__ import annotations

import re

from sandbox.activity.charts import Series, nice_ceiling, stacked_bars


def test_axis_top_is_round():
    assert [nice_ceiling(v) for v in (0, 1, 3, 7, 11, 250, 501)] == [1, 1, 5, 10, 20, 500, 1000]


def test_stacks_add_up_and_text_is_escaped():
    svg = stacked_bars(
        "c",
        "<title>",
        "desc & more",
        ["<b>", "x"],
        [Series("a<", "bar-a", [2, 0]), Series("b", "bar-b", [3, 5])],
    )
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert "&lt;title&gt;" in svg and "desc &amp; more" in svg
    heights = [float(h) for h in re.findall(r'class="bar-[ab]"[^>]*height="([\d.]+)"', svg)]
    # Axis top 5: the first day's 2 + 3 fill the plot, the second's 5 too.
    assert len(heights) == 3 and abs(heights[0] + heights[1] - heights[2]) < 0.2
    assert 'role="img"' in svg and 'aria-labelledby="c-title c-desc"' in svg
