"""What is true now, read at scrape time: the Kapso budget this minute, sessions by
state, the job queue and the worker's last heartbeat. Each part that cannot be read (the
database or the cache down) is left out of the scrape rather than failing it."""

from __future__ import annotations

import logging
import time

from django.db.models import Count, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from sandbox.gateway import quota
from sandbox.models import SandboxSession
from sandbox.team import queue
from sandbox.team.workers import worker_status

logger = logging.getLogger(__name__)


class StateCollector(Collector):
    def collect(self):
        for part in (_quota, _sessions, _queue, _worker):
            try:
                yield from part()
            except Exception:  # one part down must not hide the others
                logger.warning("metrics: %s could not be read", part.__name__, exc_info=True)


def _quota():
    limiter = quota()
    if limiter is None:
        return
    usage = limiter.usage()
    yield GaugeMetricFamily("kapso_quota_limit", "Kapso calls allowed a minute.", usage.limit)
    yield GaugeMetricFamily(
        "kapso_quota_reserve",
        "Calls a minute kept back from background work.",
        min(limiter.policy.reserve, usage.limit),
    )
    used = GaugeMetricFamily(
        "kapso_quota_used", "Calls used in this minute's window, by priority.", labels=["priority"]
    )
    for priority, value in usage.by_priority.items():
        used.add_metric([priority], value)
    yield used
    yield GaugeMetricFamily(
        "kapso_quota_used_total_window",
        "Calls used in this minute's window (Kapso's count if higher).",
        usage.used,
    )


def _sessions():
    now = timezone.now()
    pending = Q(status=SandboxSession.PENDING)
    expired = Q(status=SandboxSession.EXPIRED) | Q(expires_at__lte=now)
    counts = SandboxSession.objects.aggregate(
        pending=Count("pk", filter=pending & ~Q(expires_at__lte=now)),
        active=Count("pk", filter=Q(status=SandboxSession.ACTIVE) & ~Q(expires_at__lte=now)),
        expired=Count("pk", filter=expired),
        total=Count("pk"),
    )
    family = GaugeMetricFamily("sandbox_sessions", "Stored sessions by state.", labels=["state"])
    known = counts["pending"] + counts["active"] + counts["expired"]
    for state in ("pending", "active", "expired"):
        family.add_metric([state], counts[state])
    family.add_metric(["other"], counts["total"] - known)
    yield family


def _queue():
    huey = queue.huey
    yield GaugeMetricFamily(
        "team_queue_pending", "Jobs waiting in the queue.", huey.pending_count()
    )
    yield GaugeMetricFamily(
        "team_queue_scheduled", "Jobs scheduled for later.", huey.scheduled_count()
    )
    age = queue.oldest_waiting_age(time.time())
    yield GaugeMetricFamily(
        "team_queue_oldest_waiting_seconds", "Age of the oldest job waiting (0 when none).", age
    )


def _worker():
    status = worker_status()
    if status.last_seen is None:
        return
    yield GaugeMetricFamily(
        "team_worker_heartbeat_age_seconds",
        "Seconds since a job worker last beat.",
        (timezone.now() - status.last_seen).total_seconds(),
    )
