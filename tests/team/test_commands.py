"""The team's cron commands: resume_batches, send_reminders, purge_retention (each also a
periodic job of the worker's)."""

from __future__ import annotations

import io
import subprocess
import threading
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from sandbox.pair_claims import me
from sandbox.team import onboarding
from sandbox.team.models import OnboardingBatch, OnboardingPair, PairState, WorkerHeartbeat
from sandbox.team.queue import huey
from sandbox.team.workers import HEARTBEAT_STALE, start_heartbeat, worker_status

pytestmark = pytest.mark.django_db(transaction=True)


def _run(name: str) -> str:
    out = io.StringIO()
    call_command(name, stdout=out)
    return out.getvalue()


def _dead_holder() -> str:
    child = subprocess.Popen(["/bin/true"])
    child.wait()
    return f"{me().split(':')[0]}:{child.pid}:1"


def test_resume_batches_queues_a_batch_whose_worker_died_at_once(
    kapso, agents, make_testers, charlie
):
    huey.flush()
    batch = onboarding.batch_start(
        user=charlie, testers=make_testers(1), agent_ids=[agents[0].kapso_id]
    )
    # Claimed a second ago by a process that is gone: no need to wait minutes for it.
    OnboardingPair.objects.filter(batch=batch).update(
        state=PairState.WORKING, claimed_at=timezone.now(), claimed_by=_dead_holder()
    )
    assert "Batches queued again: 1." in _run("resume_batches")
    assert huey.pending_count() == 1
    huey.flush()


def test_resume_batches_leaves_a_batch_its_live_worker_is_on(kapso, agents, make_testers, charlie):
    huey.flush()
    batch = onboarding.batch_start(
        user=charlie, testers=make_testers(1), agent_ids=[agents[0].kapso_id]
    )
    OnboardingBatch.objects.filter(pk=batch.pk).update(last_progress_at=timezone.now())
    OnboardingPair.objects.filter(batch=batch).update(
        state=PairState.WORKING, claimed_at=timezone.now(), claimed_by="another-host:1:1"
    )
    assert "Batches queued again: 0." in _run("resume_batches")
    assert huey.pending_count() == 0


def test_send_reminders_and_purge_retention_run_from_the_command_line(settings):
    assert "Reminders: 0 mailed" in _run("send_reminders")
    settings.SANDBOX_RETENTION_DAYS = 0
    assert "nothing is purged" in _run("purge_retention")
    settings.SANDBOX_RETENTION_DAYS = 30
    assert "Purged 0 sessions" in _run("purge_retention")


def test_the_heartbeat_thread_beats_within_seconds_and_silence_shows_soon(db):
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
