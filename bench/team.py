"""Benchmark of the team features (issue 12), written to docs/benchmark-team.md.

1. Onboarding 100 pairs against the emulator limited to 100 calls a minute, on a real
   job worker (`team_worker`, queue on Redis), with the dashboard's budget at its defaults
   (100 a minute, 20 kept for people): how long it takes against what the budget allows
   background work (80 a minute: the 81st create waits for the next minute), and how fast
   three teammates' creates stay meanwhile (p99 during the batch over p99 when idle).
2. The team page for 20 testers x 5 agents and its one JSON request, under load from
   gunicorn as `make serve` runs it, against the bare view behind the login.

    .venv/bin/python -m bench.team [--quick]

Uses what bench.run uses: PostgreSQL `kapso_bench` (emptied) and Redis (database 14 for the
cache, 11 for the queue), all on loopback.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench import machine, measure, seeding
from bench.plan import BENCH_KEY, ROOT, Figure, Plan, configure_django
from bench.run import start_dashboard, worker_probe
from support.servers import start_emulator

PAIRS_TESTERS, PAIRS_AGENTS = 50, 2
QUEUE_URL = "redis://127.0.0.1:6379/11"
MATES = 3
MATE_EVERY = 10.0  # s: 3 teammates x 6 creates a minute fit the 20 calls kept for people


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


def _creates(mates, agent_id: str, *, until, first: int, rounds: int = 0) -> list[float]:
    """Each teammate creates a session every MATE_EVERY seconds until `until()`; the times."""
    from sandbox.sessions import sandbox_session_create

    times: list[float] = []
    errors: list[str] = []

    def one(mate, index: int) -> None:
        from django.db import connection

        n = 0
        while not until():
            phone = f"+1415555{first + index * 300 + n:04d}"  # a new phone each time
            started = time.perf_counter()
            try:
                sandbox_session_create(user=mate, phone_number=phone, agent_id=agent_id)
                times.append(time.perf_counter() - started)
            except Exception as exc:  # reported, not hidden
                errors.append(f"{mate.username}: {exc}")
            n += 1
            if n == rounds:
                break
            time.sleep(MATE_EVERY)
        connection.close()

    threads = [threading.Thread(target=one, args=(m, i)) for i, m in enumerate(mates)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        print(f"bench.team: teammates' creates failed: {errors[:3]}", flush=True)
    return times


def onboarding(mates, staff, agents) -> dict[str, float]:
    import redis

    from sandbox.team import jobs
    from sandbox.team.models import Tester
    from sandbox.team.onboarding import batch_progress, batch_start

    redis.Redis.from_url(QUEUE_URL).flushdb()
    testers = [
        Tester.objects.create(name=f"T{n}", phone_number=f"+1415555{3000 + n:04d}")
        for n in range(PAIRS_TESTERS)
    ]
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "team_worker", "--no-periodic", "--workers", "2"],
        cwd=ROOT,
        env={**os.environ, "LOG_LEVEL": "WARNING"},
    )
    try:
        # Warm-up (connections, caches): one create each, not counted.
        _creates(mates, agents[2].kapso_id, until=lambda: False, first=4700, rounds=1)
        # Idle: the same teammates' creates with no batch running (four rounds).
        idle_until = time.monotonic() + 3.5 * MATE_EVERY
        idle = _creates(
            mates, agents[2].kapso_id, until=lambda: time.monotonic() > idle_until, first=5000
        )
        # Start at a new minute, as the budget counts: 80 background calls now, the rest next.
        time.sleep(60 - time.time() % 60 + 0.5)
        batch = batch_start(
            user=staff, testers=testers, agent_ids=[a.kapso_id for a in agents[:PAIRS_AGENTS]]
        )
        started = time.monotonic()
        jobs.enqueue_batch(batch)
        done = threading.Event()
        elapsed = {}

        def watch() -> None:
            while not batch_progress(batch).finished:
                time.sleep(0.2)
            elapsed["batch"] = time.monotonic() - started
            done.set()

        watcher = threading.Thread(target=watch)
        watcher.start()
        busy = _creates(mates, agents[2].kapso_id, until=done.is_set, first=6000)
        watcher.join()
        progress = batch_progress(batch)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    pairs = PAIRS_TESTERS * PAIRS_AGENTS
    return {
        "pairs": pairs,
        "created": progress.created,
        "failed": progress.failed,
        "seconds": elapsed["batch"],
        # 80 background calls a minute, the batch starting at a minute's start.
        "allowed": 60.0 * (math.ceil(pairs / 80) - 1),
        "idle_n": len(idle),
        "idle_p50": statistics.median(idle) * 1000,
        "idle_p99": _percentile(idle, 0.99) * 1000,
        "busy_n": len(busy),
        "busy_p50": statistics.median(busy) * 1000,
        "busy_p99": _percentile(busy, 0.99) * 1000,
    }


def seed_matrix(staff, agents) -> None:
    """20 testers x 5 agents, every cell an active session (the page never waits on Kapso)."""
    from datetime import timedelta

    from django.utils import timezone

    from sandbox.models import Agent, SandboxSession
    from sandbox.team.models import Tester

    Tester.objects.all().delete()
    agents = list(agents) + [
        Agent.objects.create(kapso_id=f"agent-extra-{n}", name=f"Extra agent {n}", listed=True)
        for n in range(5 - len(agents))
    ]
    now = timezone.now()
    sessions = []
    for t in range(20):
        tester = Tester.objects.create(
            name=f"Tester {t:02d}", phone_number=f"+1415555{4000 + t:04d}"
        )
        for agent in agents:
            code = f"M{t:02d}{agent.pk:03d}"
            sessions.append(
                SandboxSession(
                    kapso_id=f"matrix-{t}-{agent.pk}",
                    agent=agent,
                    requested_agent_id=agent.kapso_id,
                    phone_number=tester.phone_number,
                    status="active",
                    activation_code=code,
                    activation_message=f"code {code}",
                    activation_link=f"https://wa.me/15551234567?text={code}",
                    expires_at=now + timedelta(hours=20),
                    raw_payload={},
                    created_by=staff,
                )
            )
    SandboxSession.objects.bulk_create(sessions)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.team", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--output", default=str(ROOT / "docs" / "benchmark-team.md"))
    args = parser.parse_args(argv)
    plan = Plan.quick() if args.quick else Plan()
    logs = Path(tempfile.mkdtemp(prefix="kapso-bench-team-"))
    os.environ["TEAM_QUEUE_URL"] = QUEUE_URL  # this process enqueues, the worker consumes
    emulator = start_emulator(
        *("--rate-limit", "100", "--api-key", BENCH_KEY, "--log-level", "WARNING"),
        log=logs / "emulator.log",
    )
    server = None
    try:
        emulator_api = emulator.url + "/api/v1"
        configure_django(emulator_api)
        seeding.reset_database()
        agents = seeding.make_agents(emulator_api)
        staff, mates = seeding.make_users()
        print("bench.team: onboarding 100 pairs (about a minute and a half)...", flush=True)
        onboard = onboarding(mates[:MATES], staff, agents)
        print(f"bench.team: {onboard}", flush=True)
        seed_matrix(staff, agents)
        server = start_dashboard(plan, emulator_api, logs)
        cookie = measure.cookie_header(measure.login(server.url))
        load = measure.measure_load(
            server.url,
            [
                Figure("bare-login", ["/_bench/bare-login"]),
                Figure("team page", ["/team/"]),
                Figure("matrix.json", ["/team/matrix.json"]),
            ],
            cookie,
            plan,
            worker_probe(server, plan),
        )
    finally:
        if server:
            server.stop()
        emulator.stop()
    report = render(plan, onboard, load)
    Path(args.output).write_text(report)
    print(report)
    shutil.rmtree(logs, ignore_errors=True)
    return 0


def render(plan: Plan, onboard: dict[str, float], load) -> str:
    rps = {name: statistics.median(r.rps for r in runs) for name, runs in load.items()}
    p99 = {name: statistics.median(r.p99_ms for r in runs) for name, runs in load.items()}
    bare = rps["bare-login"]
    lines = [
        "# Benchmark: team onboarding and the team page (issue 12)",
        "",
        "Command: `make bench` (this part: `.venv/bin/python -m bench.team`).  ",
        f"Machine: {machine.cores()} cores, {machine.cpu_model()}, load average "
        f"{machine.load_average()}. PostgreSQL, Redis, gunicorn ({plan.workers} workers), the "
        "emulator and the job worker all on loopback.",
        "",
        "## Onboarding 100 pairs, Kapso limited to 100 calls a minute",
        "",
        f"50 testers x 2 agents on one `team_worker` (2 threads, queue on Redis), the budget at "
        f"its defaults (100 a minute, 20 kept for people, so background work gets 80). The batch "
        f"starts at a new minute; {MATES} teammates each create a session every "
        f"{MATE_EVERY:.0f} s throughout, and for half a minute before it (idle).",
        "",
        "| | figure |",
        "|---|---|",
        f"| pairs created / failed | {onboard['created']:.0f} / {onboard['failed']:.0f} |",
        f"| batch took | {onboard['seconds']:.1f} s |",
        f"| the budget allows background work | {onboard['allowed']:.0f} s (the 81st create "
        "waits for the next minute) |",
        f"| ratio | {onboard['seconds'] / max(onboard['allowed'], 1):.2f} |",
        f"| teammate create, idle: p50 / p99 ({onboard['idle_n']:.0f} creates) | "
        f"{onboard['idle_p50']:.0f} ms / {onboard['idle_p99']:.0f} ms |",
        f"| teammate create during the batch: p50 / p99 ({onboard['busy_n']:.0f} creates) | "
        f"{onboard['busy_p50']:.0f} ms / {onboard['busy_p99']:.0f} ms |",
        f"| during / idle: p50, p99 | {onboard['busy_p50'] / onboard['idle_p50']:.2f}, "
        f"{onboard['busy_p99'] / onboard['idle_p99']:.2f} |",
        "",
        "## The team page, 20 testers x 5 agents",
        "",
        f"{plan.reps} runs of {plan.duration:.0f} s, {plan.connections} connections, logged in "
        "as staff; medians. Every cell holds an active session, so no request waits on Kapso.",
        "",
        "| page | req/s | p99 | share of the bare view |",
        "|---|---|---|---|",
    ]
    for name in rps:
        lines.append(f"| {name} | {rps[name]:.0f} | {p99[name]:.1f} ms | {rps[name] / bare:.0%} |")
    lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
