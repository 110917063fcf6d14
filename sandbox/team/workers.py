"""Is a worker running, and what is queued: for the progress pages and the staff job page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Max
from django.utils import timezone

from sandbox.team.models import WorkerHeartbeat

# Workers beat on start and every minute (jobs.heartbeat): silence past this means none runs.
HEARTBEAT_STALE = timedelta(seconds=150)


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
