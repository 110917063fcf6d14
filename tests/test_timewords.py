"""sandbox/timewords.py: one way to write how long ago, how long left, and a date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sandbox import timewords

NOW = datetime(2026, 12, 4, 17, 20, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (0, "under a minute"),
        (59, "under a minute"),
        (60, "1 min"),
        (45 * 60 + 59, "45 min"),
        (3600, "1 h 0 min"),
        (23 * 3600 + 59 * 60 + 59, "23 h 59 min"),
        (47 * 3600 + 59 * 60, "47 h 59 min"),
        (48 * 3600, "2 days"),
        (-30, "under a minute"),
    ],
)
def test_duration(seconds, words):
    assert timewords.duration(seconds) == words


@pytest.mark.parametrize(
    ("ago", "words"),
    [(0, "just now"), (59, "just now"), (60, "1 min ago"), (3 * 3600 + 600, "3 h 10 min ago")],
)
def test_time_ago_says_just_now_and_never_zero_minutes(ago, words):
    assert timewords.time_ago(NOW - timedelta(seconds=ago), NOW) == words


def test_time_left_and_expiry_words():
    assert timewords.time_left(NOW + timedelta(hours=24), NOW) == "24 h 0 min left"
    assert timewords.time_left(NOW + timedelta(seconds=30), NOW) == "under a minute left"
    assert timewords.time_left(NOW, NOW) == "no time left"
    assert timewords.expiry_words(NOW + timedelta(minutes=5), NOW) == "5 min left"
    assert timewords.expiry_words(NOW - timedelta(minutes=5), NOW) == "expired 5 min ago"
    assert timewords.expiry_words(NOW - timedelta(seconds=5), NOW) == "expired just now"


def test_when_is_the_dashboards_date_format(settings):
    settings.TIME_ZONE = "UTC"
    assert timewords.when(NOW) == "2026-12-04 17:20 UTC"


def test_the_matrix_writes_time_left_the_same_way():
    from sandbox.team import matrix

    assert matrix.short_duration(3 * 3600 + 60) == timewords.duration(3 * 3600 + 60)
