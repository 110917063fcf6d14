"""sandbox/metrics/collectors.py: the state read at scrape time; a part that cannot be read
is left out, the others still answer."""

from __future__ import annotations

import pytest

from sandbox.metrics.collectors import StateCollector
from sandbox.team import jobs, queue

pytestmark = pytest.mark.django_db


def _values() -> dict[str, float]:
    found = {}
    for family in StateCollector().collect():
        for sample in family.samples:
            labels = ",".join(f"{k}={v}" for k, v in sorted(sample.labels.items()))
            found[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
    return found


def test_quota_queue_and_worker(settings):
    settings.KAPSO_API_KEY = "collector-test-key"
    queue.huey.flush()
    try:
        jobs.resume_batches()  # one job waiting
        jobs.beat()  # a worker beat just now
        values = _values()
    finally:
        queue.huey.flush()
    assert values["kapso_quota_limit"] == settings.KAPSO_RATE_LIMIT_PER_MINUTE
    assert values["kapso_quota_reserve"] == settings.KAPSO_RATE_LIMIT_RESERVE
    assert values["kapso_quota_used{priority=person}"] == 0
    assert values["team_queue_pending"] == 1
    assert 0 <= values["team_queue_oldest_waiting_seconds"] < 60
    assert 0 <= values["team_worker_heartbeat_age_seconds"] < 60


def test_no_worker_yet_means_no_heartbeat_figure():
    assert "team_worker_heartbeat_age_seconds" not in _values()


def test_a_database_outage_leaves_out_only_what_needs_it(database_down, settings):
    settings.KAPSO_API_KEY = "collector-test-key"
    values = _values()
    assert "kapso_quota_limit" in values  # the cache still answers
    assert not any(name.startswith("sandbox_sessions") for name in values)
