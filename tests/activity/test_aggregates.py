"""sandbox/activity/aggregates.py: the figures, against a history counted by hand (seed.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sandbox.activity.aggregates import Scope, activity
from tests.activity.seed import seed

pytestmark = pytest.mark.django_db


def _week(**filters) -> Scope:
    today = timezone.localdate()
    return Scope(today - timedelta(days=6), today, **filters)


def test_totals_rate_median_and_90th_percentile(alice, bob):
    seed(alice, bob)
    totals = activity(_week()).totals
    assert (totals.created, totals.activated, totals.expired, totals.pending, totals.failed) == (
        7,
        4,
        2,
        1,
        1,
    )
    assert totals.rate == pytest.approx(4 / 7)
    assert totals.median == pytest.approx(90)
    assert totals.p90 == pytest.approx(246)


def test_per_agent_and_per_teammate(alice, bob):
    seed(alice, bob)
    result = activity(_week())
    agents = {f.label: f for f in result.agents}
    assert (agents["Support"].created, agents["Support"].activated) == (4, 3)
    assert agents["Support"].failed == 1
    assert agents["Support"].median == pytest.approx(120)
    assert agents["Support"].p90 == pytest.approx(264)
    assert (agents["Sales"].created, agents["Sales"].pending, agents["Sales"].median) == (3, 1, 30)
    people = {f.label: f for f in result.people}
    assert (people["alice"].created, people["alice"].activated, people["alice"].failed) == (4, 3, 1)
    assert people["alice"].median == pytest.approx(60)
    assert people["alice"].p90 == pytest.approx(108)
    assert people["bob"].median == pytest.approx(300)


def test_days_cover_the_range_with_zeros(alice, bob):
    figures = seed(alice, bob)
    days = activity(_week()).days
    assert len(days) == 7
    by_day = {d.label: d for d in days}
    yesterday = by_day[figures["yesterday"].isoformat()]
    assert (yesterday.created, yesterday.activated, yesterday.expired, yesterday.failed) == (
        4,
        3,
        1,
        1,
    )
    assert sum(d.created for d in days) == 7


def test_filters_by_agent_and_teammate(alice, bob):
    figures = seed(alice, bob)
    only = activity(_week(agent=figures["sales"], user_id=alice.pk)).totals
    assert (only.created, only.activated, only.failed, only.median) == (1, 1, 0, 30)


def test_outside_the_range_is_not_counted(alice, bob):
    seed(alice, bob)
    today = timezone.localdate()
    assert activity(Scope(today, today)).totals.created == 0
