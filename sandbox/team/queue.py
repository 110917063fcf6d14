"""The job queue: Huey, embedded in a SQLite file by default, on Redis for several machines.

TEAM_QUEUE_URL picks it: `sqlite:///var/queue.sqlite3` (relative to the project, as
django-environ reads DATABASE_URL; `sqlite:////abs/path` for an absolute one) needs no
service (`make run`);
`redis://host:6379/2` lets workers on several machines share one queue and one lock store.
docs/decisions.md says why Huey.
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from huey import RedisHuey, SqliteHuey
from huey.api import Huey
from huey.signals import SIGNAL_ENQUEUED, SIGNAL_EXECUTING, SIGNAL_EXPIRED, SIGNAL_REVOKED

NAME = "kapso-team"


def build(url: str) -> Huey:
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # As django-environ reads DATABASE_URL: after the third slash, a path relative to
        # the project (sqlite:///var/q.sqlite3), or an absolute one (sqlite:////srv/q.sqlite3).
        path = Path(parts.path[1:] or "queue.sqlite3")
        if not path.is_absolute():
            path = Path(settings.BASE_DIR) / path
        path.parent.mkdir(parents=True, exist_ok=True)  # var/ on a fresh clone
        # results=False: callers read a batch's rows, never a task's return value.
        return SqliteHuey(NAME, filename=str(path), results=False, utc=True)
    if parts.scheme in ("redis", "rediss"):
        return RedisHuey(NAME, url=url, results=False, utc=True)
    raise ValueError(f"TEAM_QUEUE_URL must be sqlite:///path or redis://host:port/db, not {url!r}")


huey = build(settings.TEAM_QUEUE_URL)


# Huey keeps no enqueue time: each job is stamped as it enters the queue and the stamp is
# taken back when it starts, so operators can see how long the oldest one has waited.
STAMP_PREFIX = "enqueued:"


@huey.signal(SIGNAL_ENQUEUED)
def _stamp(signal, task, *args) -> None:
    huey.put(STAMP_PREFIX + task.id, time.time())


@huey.signal(SIGNAL_EXECUTING, SIGNAL_REVOKED, SIGNAL_EXPIRED)
def _unstamp(signal, task, *args) -> None:
    huey.delete(STAMP_PREFIX + task.id)


def oldest_waiting_age(now: float, *, look_at: int = 1000) -> float:
    """Seconds the oldest stamped job in the queue has waited; 0 when none waits."""
    stamps = [huey.get(STAMP_PREFIX + task.id, peek=True) for task in huey.pending(look_at)]
    known = [s for s in stamps if s is not None]
    return max(0.0, now - min(known)) if known else 0.0
