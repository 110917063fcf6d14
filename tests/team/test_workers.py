"""sandbox/team/workers.py: a worker counts as running while its heartbeat is fresh."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.utils import timezone

from sandbox.team.models import WorkerHeartbeat
from sandbox.team.workers import HEARTBEAT_STALE, start_heartbeat, worker_status

pytestmark = pytest.mark.django_db


def test_no_heartbeat_no_worker():
    status = worker_status()
    assert (status.last_seen, status.alive, status.pending, status.scheduled) == (
        None,
        False,
        None,
        None,
    )


def test_the_freshest_heartbeat_of_any_worker_counts():
    now = timezone.now()
    WorkerHeartbeat.objects.create(name="old", seen_at=now - timedelta(hours=1))
    WorkerHeartbeat.objects.create(name="new", seen_at=now - timedelta(seconds=5))
    status = worker_status()
    assert status.alive and status.last_seen == now - timedelta(seconds=5)


def test_a_heartbeat_older_than_the_limit_is_a_dead_worker():
    WorkerHeartbeat.objects.create(name="w", seen_at=timezone.now() - HEARTBEAT_STALE)
    assert not worker_status().alive


def test_the_queue_is_counted_only_when_asked():
    status = worker_status(with_queue=True)
    assert isinstance(status.pending, int) and isinstance(status.scheduled, int)


@pytest.mark.django_db(transaction=True)  # the thread writes on its own connection
def test_the_heartbeat_thread_beats_within_seconds_and_silence_shows_soon():
    WorkerHeartbeat.objects.all().delete()
    stop = threading.Event()
    thread = start_heartbeat(stop, every=0.05)
    try:
        deadline = timezone.now() + timedelta(seconds=10)
        while not worker_status().alive and timezone.now() < deadline:
            stop.wait(0.05)
        assert worker_status().alive
    finally:
        stop.set()
        thread.join(timeout=5)
    assert timedelta(seconds=15) >= HEARTBEAT_STALE  # "within seconds", not minutes
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - HEARTBEAT_STALE)
    assert not worker_status().alive
