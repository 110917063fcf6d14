"""sandbox/activity/forms.py: the range becomes a scope; bad dates are refused with words."""

from __future__ import annotations

from datetime import date

import pytest

from sandbox.activity.forms import ActivityForm

pytestmark = pytest.mark.django_db
TODAY = date(2026, 5, 10)


def test_last_n_days_ends_today():
    form = ActivityForm({"range": "7"})
    assert form.is_valid()
    scope = form.scope(TODAY)
    assert (scope.start, scope.end, scope.agent, scope.user_id) == (
        date(2026, 5, 4),
        TODAY,
        None,
        None,
    )


def test_dates_and_a_teammate(alice):
    form = ActivityForm(
        {"range": "dates", "start": "2026-01-01", "end": "2026-01-31", "teammate": alice.pk}
    )
    assert form.is_valid(), form.errors
    scope = form.scope(TODAY)
    assert (scope.start, scope.end, scope.user_id) == (
        date(2026, 1, 1),
        date(2026, 1, 31),
        alice.pk,
    )


@pytest.mark.parametrize(
    ("data", "words"),
    [
        ({"range": "dates", "start": "2026-01-01"}, "give both From and To"),
        ({"range": "dates", "start": "2026-02-01", "end": "2026-01-01"}, "on or before"),
        ({"range": "dates", "start": "2024-01-01", "end": "2026-01-01"}, "at most 366 days"),
        ({"range": "365"}, "Select a valid choice"),
        ({"range": "7", "agent": "999999"}, "Select a valid choice"),
    ],
)
def test_refused_with_words(data, words):
    form = ActivityForm(data)
    assert not form.is_valid()
    assert words in str(form.errors)
