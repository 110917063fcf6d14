"""sandbox/team/jobs.py: the jobs run for real, on the queue, by a real Huey consumer."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from sandbox.models import SandboxSession
from sandbox.team import jobs, onboarding
from sandbox.team.models import OnboardingBatch, WorkerHeartbeat
from sandbox.team.queue import huey
from sandbox.team.workers import worker_status
from tests.conftest import emulator_calls
from tests.team.conftest import running_worker, wait_until

pytestmark = pytest.mark.django_db(transaction=True)
CREATE = "POST /api/v1/sandbox_sessions"


def finished(batch):
    return lambda: onboarding.batch_progress(batch).finished


def test_a_batch_runs_on_the_worker(worker, agents, make_testers, charlie):
    batch = onboarding.batch_start(
        user=charlie, testers=make_testers(3), agent_ids=[a.kapso_id for a in agents[:2]]
    )
    jobs.enqueue_batch(batch)
    wait_until(finished(batch))
    assert onboarding.batch_progress(batch).created == 6


def test_the_same_batch_on_two_workers_at_once_makes_each_session_once(
    kapso, agents, make_testers, charlie
):
    batch = onboarding.batch_start(
        user=charlie, testers=make_testers(12), agent_ids=[agents[0].kapso_id]
    )
    with running_worker(workers=3):
        for _ in range(6):
            jobs.run_batch(batch.pk)
        wait_until(finished(batch))
    assert SandboxSession.objects.count() == 12
    assert emulator_calls(kapso)[CREATE] == 12
    # Each pair was worked on once, by one worker (not found "already live" by a second).
    assert set(batch.pairs.values_list("state", "attempts")) == {("created", 1)}


def test_a_batch_the_budget_holds_back_is_rescheduled_not_failed(
    worker, agents, make_testers, charlie, settings
):
    settings.KAPSO_RATE_LIMIT_PER_MINUTE = 25
    settings.KAPSO_RATE_LIMIT_RESERVE = 20
    batch = onboarding.batch_start(
        user=charlie, testers=make_testers(8), agent_ids=[agents[0].kapso_id]
    )
    jobs.enqueue_batch(batch)
    wait_until(lambda: OnboardingBatch.objects.get(pk=batch.pk).waiting_until is not None)
    wait_until(lambda: huey.scheduled_count() == 1)  # the same job, at the next window
    progress = onboarding.batch_progress(OnboardingBatch.objects.get(pk=batch.pk))
    assert progress.failed == 0 and progress.pending > 0 and progress.waiting_seconds


def test_the_resume_job_picks_up_a_batch_whose_job_died(worker, agents, make_testers, charlie):
    batch = onboarding.batch_start(
        user=charlie, testers=make_testers(3), agent_ids=[agents[0].kapso_id]
    )
    onboarding.batch_run(batch, max_pairs=1)  # then the job "died"
    OnboardingBatch.objects.filter(pk=batch.pk).update(
        last_progress_at=timezone.now() - timedelta(minutes=5)
    )
    jobs.resume_batches()  # what the scheduler enqueues every minute
    wait_until(finished(batch))
    assert onboarding.batch_progress(batch).created == 3


def test_a_running_worker_is_seen_and_a_silent_one_is_not(kapso):
    WorkerHeartbeat.objects.all().delete()
    assert not worker_status().alive
    with running_worker():
        wait_until(lambda: worker_status().alive)
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(minutes=5))
    assert not worker_status().alive


def test_the_periodic_jobs_are_on_the_queues_own_schedule():
    at = lambda **kw: datetime(2026, 1, 5, **{"hour": 10, "minute": 0, **kw})  # noqa: E731
    every_minute = [jobs.send_reminders, jobs.resume_batches, jobs.heartbeat]
    for task in every_minute:
        assert task.s().validate_datetime(at(minute=1)) and task.s().validate_datetime(at(minute=2))
    assert jobs.refresh_pending_sessions.s().validate_datetime(at(minute=5))
    assert not jobs.refresh_pending_sessions.s().validate_datetime(at(minute=6))
    assert jobs.sync_kapso.s().validate_datetime(at(minute=17))
    assert not jobs.sync_kapso.s().validate_datetime(at(minute=18))
    assert jobs.purge_retention.s().validate_datetime(at(hour=3, minute=41))
    assert not jobs.purge_retention.s().validate_datetime(at(hour=4, minute=41))
    periodic = {task.name for task in huey._registry.periodic_tasks}
    assert {
        "send_reminders",
        "resume_batches",
        "refresh_pending_sessions",
        "sync_kapso",
        "purge_retention",
        "heartbeat",
    } <= {name.rsplit(".", 1)[-1] for name in periodic}


def test_sync_runs_as_a_job(worker):
    from sandbox.models import Agent

    Agent.objects.all().delete()
    jobs.sync_kapso()
    wait_until(lambda: Agent.objects.count() == 3)


def test_flush_kapso_usage_runs_as_a_job_every_minute(worker):
    from sandbox import usage
    from sandbox.models import KapsoUsageHour

    assert jobs.flush_kapso_usage.s().validate_datetime(datetime(2026, 1, 5, 10, 1))
    usage.count("refusals")
    jobs.flush_kapso_usage()
    wait_until(lambda: KapsoUsageHour.objects.filter(refusals=1).exists())
