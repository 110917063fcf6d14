"""Benchmark: `sync_kapso` of 10,000 sessions from the emulator (issue 4).

Runs the emulator in its own process (as Kapso would be), seeds it through the control
endpoint, then times full imports into an empty database and re-runs over an unchanged
one. Reports medians, SQL query counts, and the number of writes a re-run makes.

    .venv/bin/python bench/sync_kapso.py [--sessions 10000] [--runs 5] [--database-url URL]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: bench/ and support/ from the checkout

from bench import machine  # noqa: E402
from support.servers import start_emulator  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmark-sync.md"))
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="bench-sync-")
    # Its own process, as Kapso would be, on a port it picks (--port 0) and names.
    emulator = start_emulator("--rate-limit", "0", "--log-level", "WARNING")
    try:
        text = run(args, emulator.url, workdir)
    finally:
        emulator.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    Path(args.output).write_text(text)
    print(text)


def run(args: argparse.Namespace, emulator_url: str, workdir: str) -> str:
    """Import and re-import `args.sessions` sessions `args.runs` times; the report's text."""
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["KAPSO_API_BASE_URL"] = emulator_url + "/api/v1"
    os.environ["KAPSO_API_KEY"] = "bench-key"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kapso_dashboard.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sandbox.models import Agent, SandboxSession
    from sandbox.sync import sync_kapso

    call_command("migrate", verbosity=0)
    agents = ["agent-support-01", "agent-sales-02", "agent-onboarding-03"]
    per_agent = [args.sessions // 3 + (1 if i < args.sessions % 3 else 0) for i in range(3)]
    for agent, count in zip(agents, per_agent, strict=True):
        requests.post(
            f"{emulator_url}/_emulator/sessions",
            json={"phone_number": "+14155550100", "agent_id": agent, "count": count},
            timeout=120,
        ).raise_for_status()

    first, again, first_queries, again_queries, again_writes = [], [], [], [], []
    for _ in range(args.runs):
        SandboxSession.objects.all().delete()
        Agent.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            report = sync_kapso()
            first.append(time.perf_counter() - started)
        assert report.created == args.sessions, report
        first_queries.append(len(queries))
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            report = sync_kapso()
            again.append(time.perf_counter() - started)
        assert report.unchanged == args.sessions, report
        again_queries.append(len(queries))
        again_writes.append(
            sum(q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE") for q in queries)
        )

    lines = [
        "# Benchmark: sync_kapso",
        "",
        f"Command: `.venv/bin/python bench/sync_kapso.py --sessions {args.sessions} "
        f"--runs {args.runs}`  ",
        f"Machine: {machine.cores()} cores, {machine.cpu_model()}, Python "
        f"{platform.python_version()}, database {connection.vendor}, load average "
        f"{machine.load_average()}  ",
        "The emulator runs in its own process on loopback; times include its work.",
        "",
        "| run | median | min | max | SQL queries (median) | writes |",
        "|---|---|---|---|---|---|",
        f"| first import of {args.sessions:,} sessions | {statistics.median(first):.2f} s "
        f"| {min(first):.2f} s | {max(first):.2f} s | {statistics.median(first_queries):.0f} | "
        f"{args.sessions:,} rows created |",
        f"| re-run, nothing changed | {statistics.median(again):.2f} s | {min(again):.2f} s "
        f"| {max(again):.2f} s | {statistics.median(again_queries):.0f} | "
        f"{max(again_writes)} write statements |",
        "",
        "Target (issue 4): under 10 s on the 2-core machine, and a second run writes nothing.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
