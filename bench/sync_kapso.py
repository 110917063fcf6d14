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
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_emulator(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(  # noqa: S603 (our own module, fixed arguments)
        [
            sys.executable,
            "-m",
            "kapso_emulator",
            "--port",
            str(port),
            "--state-file",
            "",
            "--rate-limit",
            "0",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/_emulator/health", timeout=1)
            return proc
        except requests.ConnectionError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("the emulator did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmark-sync.md"))
    args = parser.parse_args()

    port = free_port()
    workdir = tempfile.mkdtemp(prefix="bench-sync-")
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["KAPSO_API_BASE_URL"] = f"http://127.0.0.1:{port}/api/v1"
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
    emulator = start_emulator(port)
    try:
        agents = ["agent-support-01", "agent-sales-02", "agent-onboarding-03"]
        per_agent = [args.sessions // 3 + (1 if i < args.sessions % 3 else 0) for i in range(3)]
        for agent, count in zip(agents, per_agent, strict=True):
            requests.post(
                f"http://127.0.0.1:{port}/_emulator/sessions",
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
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)

    cpu = "unknown"
    if Path("/proc/cpuinfo").exists():
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    lines = [
        "# Benchmark: sync_kapso",
        "",
        f"Command: `.venv/bin/python bench/sync_kapso.py --sessions {args.sessions} "
        f"--runs {args.runs}`  ",
        f"Machine: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, "
        f"database {connection.vendor}  ",
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
    text = "\n".join(lines)
    Path(args.output).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
