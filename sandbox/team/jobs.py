"""Background jobs on the queue (sandbox/team/queue.py) and their schedule.

Each job is a thin wrapper: the work and its state live in the services and their rows,
so a job may die, run twice or run late and nothing is lost or done twice. Periodic jobs
are scheduled by Huey's own scheduler (one per consumer); each takes a lock in the queue's
store, so several consumers on several machines still run each one once at a time.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.utils import timezone
from huey import RedisHuey, crontab
from huey.exceptions import TaskLockedException

from sandbox import sync, usage
from sandbox.team import erasure, onboarding, reminders
from sandbox.team.models import OnboardingBatch, WorkerHeartbeat
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
    """Batches whose job died midway (a worker killed, a machine restarted) carry on."""
    for batch in onboarding.batches_to_resume(idle=RESUME_IDLE):
        logger.info("resuming batch %s", batch.pk)
        enqueue_batch(batch)


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
    if settings.SANDBOX_RETENTION_DAYS <= 0:
        return
    erasure.purge_older_than(days=settings.SANDBOX_RETENTION_DAYS)


@huey.periodic_task(crontab(minute="*"))
@_db
@_once("flush-kapso-usage")
def flush_kapso_usage() -> None:
    """The quota history counted in the cache (sandbox/usage.py) into its hourly rows."""
    usage.flush_usage()


# --- is anybody working? -------------------------------------------------------------------
def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


@huey.on_startup()
def _started() -> None:
    beat()


@huey.periodic_task(crontab(minute="*"))
@_db
def heartbeat() -> None:
    beat()


def beat() -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(name=worker_name(), defaults={"seen_at": now})
    # Each start is a new name (host:pid): forget workers silent for a day.
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()


@huey.on_shutdown()
def _stopped() -> None:
    # A worker thread's database connections die with it; closed, not left to the server.
    connections.close_all()
