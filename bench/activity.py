"""Benchmark of the activity page (issue 22): 90 days over 1,000 and 1,000,000 sessions.

The sessions are made by PostgreSQL itself (INSERT ... SELECT over generate_series, a
minute or two for a million), spread evenly over a year, across 10 agents and 20
teammates, with 1 failed create in 50. The page is then asked for in this process through
Django's test client (middleware, view, queries, template, SVG), 15 times after 3 warm-ups;
the median is the figure. Targets: < 300 ms at 1,000,000, and < 10x the 1,000 figure.

    .venv/bin/python -m bench.activity [--sizes 1000,1000000]

Writes docs/benchmark-activity.md and its rows into docs/benchmarks.md. Uses the bench's
database (BENCH_DATABASE_URL, emptied) and cache (BENCH_CACHE_URL), on loopback.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from datetime import UTC, datetime

from bench import machine
from bench.plan import ROOT, environment

AGENTS, TEAMMATES, REPS, WARMUP = 10, 20, 15, 3
PAGE = "/activity/?range=90"
REPORT = ROOT / "docs" / "benchmark-activity.md"
SUMMARY = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- activity:start -->", "<!-- activity:end -->"

SESSIONS_SQL = """
INSERT INTO sandbox_sandboxsession (
    kapso_id, requested_agent_id, phone_number, status, activation_code, activation_message,
    activation_link, activated_at, expires_at, raw_payload, created_at, updated_at, agent_id,
    created_by_id, last_sync_error, share_nonce, origin)
SELECT 'act-' || g, '', '+1415' || lpad((g %% 10000000)::text, 7, '0'),
    CASE WHEN g %% 10 < 6 THEN 'active' WHEN g %% 10 = 9 THEN 'pending_activation'
         ELSE 'expired' END,
    'A' || g, 'Send the code', 'https://wa.me/15551234567',
    CASE WHEN g %% 10 < 6 THEN t + make_interval(secs => 5 + (g::bigint * 7919) %% 900) END,
    t + interval '1 day', '{}'::jsonb, t, t,
    (%(agents)s::bigint[])[1 + g %% %(n_agents)s],
    (%(users)s::int[])[1 + g %% %(n_users)s], '', '', 'form'
FROM generate_series(1, %(n)s) AS g,
     LATERAL (SELECT now() - (g * interval '365 days') / %(n)s AS t) AS at
"""

ATTEMPTS_SQL = """
INSERT INTO sandbox_failedsessionattempt (
    phone_number, agent_id, error_kind, error_message, created_at, created_by_id,
    outcome_unknown, origin)
SELECT '+14150000000', 'bench-agent-' || (g %% %(n_agents)s), 'server', 'Kapso failed',
    now() - (g * interval '365 days') / %(n)s,
    (%(users)s::int[])[1 + g %% %(n_users)s], false, 'form'
FROM generate_series(1, %(n)s) AS g
"""


def seed(size: int) -> float:
    from django.contrib.auth.models import User
    from django.db import connection

    from bench.seeding import reset_database
    from sandbox.models import Agent

    started = time.monotonic()
    reset_database()
    User.objects.create_user("bench-staff", is_staff=True)  # logged in by force_login
    users = [User.objects.create_user(f"mate-{i}").pk for i in range(TEAMMATES)]
    agents = [
        Agent.objects.create(kapso_id=f"bench-agent-{i}", name=f"Agent {i}").pk
        for i in range(AGENTS)
    ]
    args = {"agents": agents, "users": users, "n_agents": AGENTS, "n_users": TEAMMATES}
    with connection.cursor() as cursor:
        cursor.execute(SESSIONS_SQL, {**args, "n": size})
        cursor.execute(ATTEMPTS_SQL, {**args, "n": max(1, size // 50)})
        cursor.execute("VACUUM ANALYZE sandbox_sandboxsession")
        cursor.execute("VACUUM ANALYZE sandbox_failedsessionattempt")
    return time.monotonic() - started


def page_times() -> list[float]:
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(User.objects.get(username="bench-staff"))
    times = []
    for n in range(WARMUP + REPS):
        started = time.perf_counter()
        response = client.get(PAGE)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        if n >= WARMUP:
            times.append(elapsed)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,1000000")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    os.environ.update(environment("http://127.0.0.1:9/api/v1"))
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    import django

    django.setup()
    load_start = machine.load_average()
    rows = []
    for size in sizes:
        seconds = seed(size)
        times = page_times()
        rows.append((size, seconds, statistics.median(times), min(times), max(times)))
        print(
            f"{size:>9,} sessions: seeded in {seconds:.0f} s; page median "
            f"{statistics.median(times):.1f} ms"
        )
    write(rows, load_start, machine.load_average())


def write(rows, load_start: str, load_end: str) -> None:
    smallest = rows[0][2]
    lines = [
        "| sessions (a year) | page, 90 days: median | min | max | x the first size | seeded in |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for size, seeded, median, low, high in rows:
        lines.append(
            f"| {size:,} | {median:.1f} ms | {low:.1f} ms | {high:.1f} ms | "
            f"{median / smallest:.1f} | {seeded:.0f} s |"
        )
    largest = rows[-1]
    verdict = (
        f"Targets at {largest[0]:,}: < 300 ms median: "
        f"**{'met' if largest[2] < 300 else 'MISSED'}** "
        f"({largest[2]:.0f} ms); < 10x the {rows[0][0]:,} figure: "
        f"**{'met' if largest[2] < 10 * smallest else 'MISSED'}** ({largest[2] / smallest:.1f}x)."
    )
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    info = machine.describe()
    body = [
        "## The activity page (issue 22)",
        "",
        f"`.venv/bin/python -m bench.activity` on {when}: PostgreSQL, {info.get('nproc', '?')} "
        f"cores ({info.get('CPU', '?')}), load average {load_start} at start, {load_end} at end. "
        f"`GET {PAGE}` as staff through Django's test client, median of {REPS} after "
        f"{WARMUP} warm-ups.",
        "",
        *lines,
        "",
        verdict,
    ]
    REPORT.write_text(
        "# Benchmark: activity page\n\nWritten by `bench/activity.py`; rerun it, "
        "do not edit.\n\n" + "\n".join(body[2:]) + "\n"
    )
    _into_summary("\n".join(body))


def _into_summary(block: str) -> None:
    text = SUMMARY.read_text() if SUMMARY.exists() else "# Benchmarks\n"
    if START in text:
        head, rest = text.split(START, 1)
        text = head + rest.split(END, 1)[1].lstrip("\n")
    SUMMARY.write_text(text.rstrip("\n") + f"\n\n{START}\n{block}\n{END}\n")


if __name__ == "__main__":
    main()
