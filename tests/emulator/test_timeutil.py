"""kapso_emulator/timeutil.py: Kapso's one timestamp shape, ISO-8601 UTC with a Z."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from kapso_emulator.timeutil import format_ts, parse_ts, utc_now


def test_times_are_written_in_utc_to_the_second_with_a_z():
    paris = timezone(timedelta(hours=1))
    assert (
        format_ts(datetime(2024, 3, 1, 13, 5, 9, 999_999, tzinfo=paris)) == "2024-03-01T12:05:09Z"
    )


@pytest.mark.parametrize(
    "text", ["2024-03-01T12:05:09Z", "2024-03-01T13:05:09+01:00", " 2024-03-01T12:05:09 "]
)
def test_any_iso_time_is_read_as_utc_and_a_naive_one_is_taken_as_utc(text):
    assert parse_ts(text) == datetime(2024, 3, 1, 12, 5, 9, tzinfo=UTC)


@pytest.mark.parametrize("text", ["", "   ", None, 17, "yesterday"])
def test_anything_else_is_a_value_error(text):
    with pytest.raises(ValueError):
        parse_ts(text)


def test_now_is_aware_and_round_trips():
    now = utc_now()
    assert now.tzinfo is UTC
    assert parse_ts(format_ts(now)) == now.replace(microsecond=0)
