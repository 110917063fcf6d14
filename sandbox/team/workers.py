"""Is a worker running, and what is queued: for the progress pages and the staff job page.

Each `team_worker` beats every HEARTBEAT_SECONDS from a thread of its own (not a queued
job, which a busy or dead consumer would not run), so the pages can say within seconds,
not minutes, that no worker runs.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import close_old_connections, connection
from django.db.models import Max
from django.utils import timezone

from sandbox.team.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 3
# Three beats missed: the worker is gone (killed, frozen, its machine lost).
HEARTBEAT_STALE = timedelta(seconds=10)


@dataclass(frozen=True)
class WorkerStatus:
    last_seen: datetime | None
    alive: bool
    pending: int | None
    scheduled: int | None


def worker_status(*, with_queue: bool = False) -> WorkerStatus:
    last_seen = WorkerHeartbeat.objects.aggregate(last=Max("seen_at"))["last"]
    alive = last_seen is not None and timezone.now() - last_seen < HEARTBEAT_STALE
    pending = scheduled = None
    if with_queue:
        from sandbox.team.queue import huey

        pending, scheduled = huey.pending_count(), huey.scheduled_count()
    return WorkerStatus(last_seen, alive, pending, scheduled)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def beat() -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(name=worker_name(), defaults={"seen_at": now})
    # Each start is a new name (host:pid): forget workers silent for a day.
    WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()


def start_heartbeat(stop: threading.Event, every: float = HEARTBEAT_SECONDS) -> threading.Thread:
    """Beat now and every `every` seconds until `stop` is set (a daemon thread)."""

    def run() -> None:
        while not stop.is_set():
            try:
                close_old_connections()
                beat()
            except Exception:  # the database away for a moment: the next beat retries
                logger.warning("heartbeat not written", exc_info=True)
            stop.wait(every)
        connection.close()

    thread = threading.Thread(target=run, name="heartbeat", daemon=True)
    thread.start()
    return thread
