"""sandbox/usage.py: what the Kapso client does is counted (Prometheus and the hourly quota
history in the cache), and flushed into KapsoUsageHour by the job, never by a call."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sandbox import usage
from sandbox.gateway import get_client, person
from sandbox.kapso.errors import KapsoQuotaError
from sandbox.models import KapsoUsageHour
from tests.conftest import arm
from tests.factories import make_session

pytestmark = pytest.mark.django_db
TEN = datetime(2026, 5, 1, 10, 15, tzinfo=UTC)


def _hour(moment: datetime) -> KapsoUsageHour:
    return KapsoUsageHour.objects.get(hour=moment.replace(minute=0, second=0))


def test_counts_land_in_their_hour_and_a_second_flush_writes_the_same():
    for _ in range(3):
        usage.count("calls", now=TEN)
    usage.count("refusals", now=TEN + timedelta(minutes=30))
    usage.count("calls", now=TEN + timedelta(hours=1))
    assert usage.flush_usage(now=TEN + timedelta(hours=1)) == 2
    assert (_hour(TEN).calls, _hour(TEN).refusals, _hour(TEN).waits) == (3, 1, 0)
    usage.flush_usage(now=TEN + timedelta(hours=1))  # again: totals are set, not added
    assert _hour(TEN).calls == 3
    assert _hour(TEN + timedelta(hours=1)).calls == 1


def test_a_create_counts_its_call_in_the_cache_and_writes_no_row(kapso, alice):
    get_client().list_agents()
    with CaptureQueriesContext(connection) as queries:
        make_session(alice)
    assert not [q for q in queries.captured_queries if "kapsousagehour" in q["sql"].lower()]
    assert KapsoUsageHour.objects.count() == 0  # until the job flushes
    usage.flush_usage()
    assert KapsoUsageHour.objects.get().calls == 3  # list_agents twice, create once


def test_refusals_and_waits_are_counted(kapso, alice, settings):
    settings.KAPSO_CREATES_PER_USER_PER_MINUTE = 1
    client = get_client()
    client.create_session(
        phone_number="+14155550101", agent_id="agent-support-01", caller=person(alice)
    )
    with pytest.raises(KapsoQuotaError):
        client.create_session(
            phone_number="+14155550102", agent_id="agent-support-01", caller=person(alice)
        )
    arm(kapso, "status", path="/api/v1/agents", method="GET", status=503)
    client.list_agents()  # waits once, then Kapso answers
    usage.flush_usage()
    row = KapsoUsageHour.objects.get()
    assert (row.calls, row.refusals, row.waits) == (3, 1, 1)


def test_a_cache_outage_never_fails_the_count(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    usage.count("calls")  # logged, not raised
