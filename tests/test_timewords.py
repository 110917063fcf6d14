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


# --- next_change: how long a page's words hold (sandbox/page_cache.py keeps pages by it) ---
from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


def _words(moment: datetime, now: datetime) -> tuple:
    return (timewords.expiry_words(moment, now), timewords.time_ago(moment, now), moment > now)


@settings(max_examples=500, deadline=None)
@example(offset=7500.0, share=0.5)  # a whole number of minutes ahead: turns at once
@example(offset=60.0, share=0.0)
@example(offset=1.0, share=0.5)  # a second left: "no time left" just after
@example(offset=0.5, share=0.5)
@example(offset=-60.0, share=0.9)
@given(
    offset=st.floats(min_value=-200_000, max_value=200_000),
    share=st.floats(min_value=0, max_value=1, exclude_max=True),
)
def test_no_word_about_a_moment_turns_before_its_next_change(offset, share):
    moment = NOW + timedelta(seconds=offset)
    turn = timewords.next_change(NOW, moment)
    assert NOW <= turn <= NOW + timedelta(minutes=1)  # NOW itself: keep nothing
    if turn == NOW:  # it may turn at once: nothing is kept, nothing to check
        assert _words(moment, NOW + timedelta(microseconds=1)) != _words(moment, NOW)
        return
    between = min(NOW + (turn - NOW) * share, turn - timedelta(microseconds=1))
    assert _words(moment, max(between, NOW)) == _words(moment, NOW)


def test_the_expiry_itself_is_a_turn_and_the_earliest_moment_wins():
    expiry = NOW + timedelta(seconds=10.5)
    assert timewords.next_change(NOW, NOW - timedelta(hours=2), expiry) <= expiry
    assert timewords.next_change(NOW) == NOW + timedelta(minutes=1)
    assert timewords.next_change(NOW, None) == NOW + timedelta(minutes=1)
