"""Background jobs on the queue (sandbox/team/queue.py) and their schedule.

Each job is a thin wrapper: the work and its state live in the services and their rows,
so a job may die, run twice or run late and nothing is lost or done twice. Periodic jobs
are scheduled by Huey's own scheduler (one per consumer); each takes a lock in the queue's
store, so several consumers on several machines still run each one once at a time.
"""

from __future__ import annotations

import functools
import logging
from datetime import timedelta

from django.db import close_old_connections, connections, transaction
from django.utils import timezone
from huey import RedisHuey, crontab
from huey.exceptions import TaskLockedException

from sandbox import pair_claims, sync, usage
from sandbox.team import erasure, onboarding, reminders, workers
from sandbox.team.models import OnboardingBatch
from sandbox.team.queue import huey

logger = logging.getLogger(__name__)

# An unfinished batch nobody moved for this long lost its job: the resume job re-enqueues it.
RESUME_IDLE = timedelta(minutes=2)
# Periodic locks outlive a dead worker by at most this long.
LOCK_TTL_SECONDS = 30 * 60


def _once(name: str):
    """At most one run at a time across all consumers (the lock lives in the queue's store).

    On Redis the lock expires, so a worker killed while holding it blocks nobody for long;
    SQLite's store has no expiry, and `team_worker` clears its stale locks at start (one
    machine only).
    """

    def decorate(fn):
        @functools.wraps(fn)
        def inner(*args, **kwargs):
            ttl = LOCK_TTL_SECONDS if isinstance(huey, RedisHuey) else None
            try:
                with huey.lock_task(name, ttl=ttl):
                    return fn(*args, **kwargs)
            except TaskLockedException:
                logger.info("%s is running on another worker; skipped", name)
                return None

        return inner

    return decorate


def _db(fn):
    """Jobs run in long-lived worker threads: drop connections the database closed."""

    @functools.wraps(fn)
    def inner(*args, **kwargs):
        close_old_connections()
        try:
            return fn(*args, **kwargs)
        finally:
            close_old_connections()

    return inner


# --- batches -----------------------------------------------------------------------------
@huey.task()
@_db
def run_batch(batch_id: int) -> None:
    batch = OnboardingBatch.objects.filter(pk=batch_id).first()
    if batch is None:
        return
    outcome = onboarding.batch_run(batch)
    if outcome.wait is not None:
        # The shared budget said "not now": the same job again when the window turns.
        logger.info("batch %s waits %s s for the Kapso budget", batch_id, outcome.wait)
        run_batch.schedule(args=(batch_id,), delay=outcome.wait)


def enqueue_batch(batch: OnboardingBatch) -> None:
    """Queue the batch's job once the rows it reads are committed."""
    OnboardingBatch.objects.filter(pk=batch.pk).update(enqueued_at=timezone.now())
    transaction.on_commit(lambda: run_batch(batch.pk))


@huey.periodic_task(crontab(minute="*"))
@_db
@_once("resume-batches")
def resume_batches() -> None:
    resume()


def resume() -> int:
    """Batches whose job died midway (a worker killed, a machine restarted) carry on, and
    creates a dead process left unanswered are reconciled with Kapso; how many batches.
    Also `manage.py resume_batches`, and each `team_worker` at start."""
    released = pair_claims.release_abandoned()
    if released:
        logger.info("reconciled %s creates left by dead processes", released)
    batches = onboarding.batches_to_resume(idle=RESUME_IDLE)
    for batch in batches:
        logger.info("resuming batch %s", batch.pk)
        enqueue_batch(batch)
    return len(batches)


# --- reminders, refresh, sync, retention ---------------------------------------------------
@huey.periodic_task(crontab(minute="*"))
@_db
@_once("send-reminders")
def send_reminders() -> None:
    reminders.send_due_reminders()


@huey.periodic_task(crontab(minute="*/5"))
@_db
@_once("refresh-sessions")
def refresh_pending_sessions() -> None:
    report = sync.refresh_watched_sessions()
    logger.info("refreshed %s sessions, %s failed", report.refreshed, report.failed)


@huey.periodic_task(crontab(minute="17"))
@_db
@_once("sync-kapso")
def sync_kapso() -> None:
    report = sync.sync_kapso()
    logger.info(
        "sync: %s new, %s updated, %s failed", report.created, report.updated, report.failed
    )


@huey.periodic_task(crontab(hour="3", minute="41"))
@_db
@_once("purge-retention")
def purge_retention() -> None:
    # Every declared store's window (sandbox/privacy/retention.py); with
    # SANDBOX_RETENTION_DAYS=0 history is kept, expired records still go.
    erasure.purge_retention()


@huey.periodic_task(crontab(minute="*"))
@_db
@_once("flush-kapso-usage")
def flush_kapso_usage() -> None:
    """The quota history counted in the cache (sandbox/usage.py) into its hourly rows."""
    usage.flush_usage()


# --- is anybody working? -------------------------------------------------------------------
# `team_worker` beats every few seconds from a thread (workers.start_heartbeat); these keep
# a consumer started some other way (tests, a custom runner) visible too.
beat = workers.beat
worker_name = workers.worker_name


@huey.on_startup()
def _started() -> None:
    beat()


@huey.periodic_task(crontab(minute="*"))
@_db
def heartbeat() -> None:
    beat()


@huey.on_shutdown()
def _stopped() -> None:
    # A worker thread's database connections die with it; closed, not left to the server.
    connections.close_all()
