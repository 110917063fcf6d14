"""The job queue: Huey, embedded in a SQLite file by default, on Redis for several machines.

TEAM_QUEUE_URL picks it: `sqlite:///var/queue.sqlite3` (relative to the project, as
django-environ reads DATABASE_URL; `sqlite:////abs/path` for an absolute one) needs no
service (`make run`);
`redis://host:6379/2` lets workers on several machines share one queue and one lock store.
docs/decisions.md says why Huey.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from huey import RedisHuey, SqliteHuey
from huey.api import Huey

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
