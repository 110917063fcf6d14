"""The nightly retention job (sandbox/privacy/retention.py) at 100,000 sessions.

    .venv/bin/python -m bench.retention [--sessions 100000] [--database-url URL]

Seeds a throwaway database (a temporary SQLite file unless --database-url names another,
e.g. the bench's PostgreSQL) with sessions made one every 5 minutes back from now (100,000
reach ~347 days back, so three quarters ended more than 90 days ago), then times the job:
the first run blanks them, the second finds nothing left (every later night). Prints one
Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import timedelta

BATCH = 5000


def _configure(database_url: str | None) -> None:
    workdir = tempfile.mkdtemp(prefix="kapso-bench-retention-")
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["TEAM_QUEUE_URL"] = f"sqlite:///{workdir}/queue.sqlite3"
    os.environ.setdefault("SECRET_KEY", "bench-retention-only-" + "x" * 40)
    os.environ["DJANGO_SETTINGS_MODULE"] = "kapso_dashboard.settings"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _seed(count: int) -> float:
    from django.utils import timezone

    from sandbox.models import Agent, SandboxSession

    agent = Agent.objects.create(kapso_id="bench-agent", name="Bench agent")
    now, started = timezone.now(), time.monotonic()

    def session(i: int) -> SandboxSession:
        created = now - timedelta(minutes=5 * i + 1)
        phone, code = f"+1415555{i % 10000:04d}", f"B{i:06d}"
        return SandboxSession(
            kapso_id=f"bench-{i}", agent=agent, phone_number=phone, status="expired",
            activation_code=code, activation_message=f"Send {code}",
            activation_link=f"https://wa.me/15551234567?text={code}",
            expires_at=created + timedelta(hours=24), created_at=created,
            raw_payload={"id": f"bench-{i}", "phone_number": phone, "activation_code": code},
        )  # fmt: skip

    for first in range(0, count, BATCH):
        SandboxSession.objects.bulk_create(
            [session(i) for i in range(first, min(first + BATCH, count))]
        )
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.retention")
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    _configure(args.database_url)
    from django.db import connection

    from sandbox.models import SandboxSession
    from sandbox.privacy import retention

    seeded = _seed(args.sessions)
    load = os.getloadavg()
    started = time.monotonic()
    first = retention.run()
    first_s = time.monotonic() - started
    again = []
    for _ in range(3):
        started = time.monotonic()
        retention.run()
        again.append(time.monotonic() - started)
    blanked = SandboxSession.objects.filter(phone_number="").count()
    print("| database | sessions | blanked | seed | first run | later runs (median of 3) | load |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {connection.vendor} | {args.sessions:,} | {blanked:,} "
        f"(reported {first['sandbox sessions']:,}) | {seeded:.1f} s | {first_s:.2f} s | "
        f"{statistics.median(again) * 1000:.0f} ms | {load[0]:.2f} at start |"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
