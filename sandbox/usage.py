"""Counting what the Kapso client does: for operators (Prometheus instruments) and for the
activity page (a history of quota use per hour).

The client (`sandbox/kapso/`) tells a `CallListener`; `UsageListener` is the one the
gateway plugs in. The history is counted in the shared cache (one INCR per event, no row
written on a request's path) and `flush_usage` copies the hours into `KapsoUsageHour`;
the team worker runs it every minute, and `manage.py flush_kapso_usage` from cron.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from django.core.cache import cache
from prometheus_client import Counter, Histogram

from sandbox.models import KapsoUsageHour

logger = logging.getLogger(__name__)

KINDS = ("calls", "refusals", "waits")
HOUR = 3600
# The cache keeps each hour's counts this long: a worker down for a day loses nothing.
KEEP_SECONDS = 3 * 24 * HOUR
# Each flush copies this many hours back (the counts are totals, so copying is idempotent).
FLUSH_HOURS = 48

KAPSO_CALLS = Counter(
    "kapso_calls", "Calls made to Kapso, by operation and outcome.", ["operation", "outcome"]
)
KAPSO_CALL_SECONDS = Histogram(
    "kapso_call_duration_seconds",
    "How long one call to Kapso took (one attempt on the wire).",
    ["operation"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
KAPSO_REFUSALS = Counter(
    "kapso_budget_refusals", "Calls the shared budget refused before making them.", ["reason"]
)
KAPSO_WAITS = Counter(
    "kapso_call_waits", "Times a call waited before repeating, by operation.", ["operation"]
)


def hour_of(moment: datetime) -> int:
    return int(moment.timestamp()) // HOUR * HOUR


def _key(hour: int, kind: str) -> str:
    return f"kapso-usage:{hour}:{kind}"


def count(kind: str, *, now: datetime | None = None) -> None:
    """One more `kind` in this hour's history (in the cache; never raises)."""
    key = _key(hour_of(now or datetime.now(UTC)), kind)
    try:
        if not cache.add(key, 1, KEEP_SECONDS):
            cache.incr(key)
    except Exception:  # the history is not worth failing or slowing a Kapso call for
        logger.warning("kapso usage history: the cache is unreachable; one %s not counted", kind)


class UsageListener:
    """The client's listener: the Prometheus instruments and the per-hour history."""

    def called(self, operation: str, outcome: str, seconds: float) -> None:
        KAPSO_CALLS.labels(operation, outcome).inc()
        KAPSO_CALL_SECONDS.labels(operation).observe(seconds)
        count("calls")

    def refused(self, whose: str) -> None:
        KAPSO_REFUSALS.labels(whose).inc()
        count("refusals")

    def waited(self, operation: str, seconds: float) -> None:
        KAPSO_WAITS.labels(operation).inc()
        count("waits")


def flush_usage(*, now: datetime | None = None, hours: int = FLUSH_HOURS) -> int:
    """Copy the cache's counts of the last `hours` hours into `KapsoUsageHour`; rows written.

    The cache holds each hour's running total, so a row is set to it, never added to: two
    flushes at once, or one repeated, write the same figures.
    """
    last = hour_of(now or datetime.now(UTC))
    starts = [last - n * HOUR for n in range(hours)]
    found = cache.get_many([_key(h, kind) for h in starts for kind in KINDS])
    written = 0
    for start in starts:
        figures = {kind: int(found.get(_key(start, kind)) or 0) for kind in KINDS}
        if not any(figures.values()):
            continue
        KapsoUsageHour.objects.update_or_create(
            hour=datetime.fromtimestamp(start, UTC), defaults=figures
        )
        written += 1
    return written


def usage_between(start: datetime, end: datetime) -> list[KapsoUsageHour]:
    return list(KapsoUsageHour.objects.filter(hour__gte=start, hour__lt=end).order_by("hour"))


__all__ = ["UsageListener", "count", "flush_usage", "usage_between"]
