"""sandbox/activity/percentiles.py: the Python rule is percentile_cont's (linear between ranks)."""

from __future__ import annotations

import pytest

from sandbox.activity.percentiles import percentile


def test_interpolates_between_the_two_nearest_ranks():
    values = [30.0, 60.0, 120.0, 300.0]
    assert percentile(values, 0.5) == pytest.approx(90)  # (60 + 120) / 2
    assert percentile(values, 0.9) == pytest.approx(246)  # 120 + 0.7 * 180
    assert percentile(values, 0.0) == 30 and percentile(values, 1.0) == 300


def test_one_value_and_none():
    assert percentile([42.0], 0.9) == 42
    assert percentile([], 0.5) is None
