"""sandbox/activity/present.py: figures as people read them, and the sort orders."""

from __future__ import annotations

from sandbox.activity.aggregates import Figures
from sandbox.activity.present import csv_row, duration, percent, sorted_figures


def test_words_for_numbers():
    assert percent(4 / 7) == "57.1 %" and percent(None) == "n/a"
    assert [duration(s) for s in (None, 42, 90, 246, 3725)] == [
        "n/a",
        "42 s",
        "1 min 30 s",
        "4 min 6 s",
        "1 h 2 min",
    ]


def test_csv_keeps_raw_numbers():
    row = csv_row(Figures("All", 7, 4, 2, 1, median=90.0, p90=246.0))
    assert row == ["All", 7, 4, 2, 1, 1, "0.571", "90", "246"]


def test_sorting_both_ways_with_missing_figures_last():
    a = Figures("a", 2, 1, median=10.0)
    b = Figures("B", 4, 1)
    c = Figures("c", 1, 1, median=5.0)
    assert [f.label for f in sorted_figures([a, b, c], "median")] == ["c", "a", "B"]
    assert [f.label for f in sorted_figures([a, b, c], "-median")] == ["a", "c", "B"]
    assert [f.label for f in sorted_figures([a, b, c], "label")] == ["a", "B", "c"]
    assert [f.label for f in sorted_figures([a, b, c], "bogus")] == ["a", "B", "c"]
