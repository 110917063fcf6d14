"""sandbox/activity/grouping.py (PostgreSQL only): one pass gives what the ORM path gives."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from sandbox.activity import grouping
from sandbox.activity.aggregates import Scope
from tests.activity.seed import seed

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL only (make test-postgres)"
    ),
]


def test_agents_teammates_and_total_in_one_pass(alice, bob):
    figures = seed(alice, bob)
    today = timezone.localdate()
    first, after = Scope(today - timedelta(days=6), today).bounds()
    found = grouping.session_groups(first, after, timezone.now())
    created, activated, expired, median, p90 = found[grouping.OVERALL][None]
    assert (created, activated, expired) == (7, 4, 2)
    assert (median, p90) == (pytest.approx(90), pytest.approx(246))
    support = found[grouping.BY_AGENT][figures["support"].pk]
    assert support[:3] == (4, 3, 1) and support[3] == pytest.approx(120)
    assert found[grouping.BY_USER][alice.pk][3] == pytest.approx(60)


def test_filters(alice, bob):
    figures = seed(alice, bob)
    today = timezone.localdate()
    first, after = Scope(today - timedelta(days=6), today).bounds()
    found = grouping.session_groups(
        first, after, timezone.now(), agent_pk=figures["sales"].pk, user_id=alice.pk
    )
    assert found[grouping.OVERALL][None][:4] == (1, 1, 0, pytest.approx(30))
