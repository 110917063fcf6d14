"""`make bench`: the dashboard under load on this machine, written to docs/benchmarks.md.

What runs, all on loopback:
- PostgreSQL database `kapso_bench` (emptied and migrated each run) and Redis database 14;
- the Kapso emulator (in memory, no rate limit) as Kapso;
- the dashboard exactly as `make serve` runs it (scripts/serve.sh: gunicorn, 2 workers x 8 threads,
  DEBUG off, hashed static files), with `bench.settings`, which only adds the bare views;
- wrk (or a Python load generator when wrk is missing) as the browsers.

For each table size (1,000 then 100,000 sessions, bulk-inserted) it measures the session page,
the history page and two ceilings (the bare view sent no cookie, and the same behind the
login) under the same load, interleaved, several times, and the create flow against the
emulator's own time. QR rendering (qrcode and segno) and where the session page's time goes
are measured in-process. Every figure is a median, shown next to the ceilings of the same run.

This module is the runner: the plan and the order of the steps. The steps live in
bench/seeding.py (data), bench/measure.py (over HTTP), bench/inprocess.py (in-process),
bench/machine.py and bench/report.py; the servers are started by support/servers.py.

    .venv/bin/python -m bench.run [--quick] [--output docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import api, balance, budget_cost, inprocess, machine, measure, report_pairs, seeding
from bench.api_report import api_section
from bench.loadgen import tool_name
from bench.pairs import FirstViews
from bench.plan import (
    BENCH_KEY,
    CACHE_URL,
    DATABASE_URL,
    LINK,
    ROOT,
    SANDBOX_NUMBER,
    Figure,
    Plan,
    SizeResult,
    configure_django,
)
from bench.report import budget_section, render_report
from support.servers import GUNICORN, Running, start_emulator, start_process


def describe_machine(plan: Plan) -> dict[str, str]:
    """The machine, and the versions of everything in the measured path."""
    import redis
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    wrk = machine.wrk_version()
    return {
        **machine.describe(),
        "PostgreSQL": postgres,
        "Redis": redis.Redis.from_url(CACHE_URL).info("server")["redis_version"],
        "Django": machine.version("django"),
        "gunicorn": (
            f"{machine.version('gunicorn')}, {plan.workers} workers x {plan.threads} threads"
        ),
        "psycopg": machine.version("psycopg"),
        "load tool": wrk if tool_name() == "wrk" and wrk else "Python threads (wrk not installed)",
        "load average at start": machine.load_average(),
    }


def start_dashboard(plan: Plan, emulator_api: str, logs: Path) -> Running:
    """scripts/serve.sh as `make serve` runs it, on a port gunicorn picks (PORT=0)."""
    return start_process(
        ["bash", "scripts/serve.sh"],
        announce=GUNICORN,
        ready_path="/healthz",
        cwd=ROOT,
        env={
            **os.environ,
            "HOST": "127.0.0.1",
            "PORT": "0",
            "WEB_CONCURRENCY": str(plan.workers),
            "WEB_THREADS": str(plan.threads),
            "KAPSO_API_BASE_URL": emulator_api,
            "STATIC_ROOT": str(logs / "static"),
            "GUNICORN_CMD_ARGS": "",
        },
        log=logs / "gunicorn.log",
        timeout=180,
    )


def worker_probe(server: Running, plan: Plan) -> balance.WorkerProbe | None:
    """What tells whether a run reached every worker (bench/balance.py), or None (said)."""
    probe = balance.WorkerProbe.of(server.process.pid)
    if probe is None:
        print("bench: the workers' CPU cannot be read; runs are not checked for balance")
    elif len(probe.snapshot()) != plan.workers:
        print(f"bench: {len(probe.snapshot())} workers seen, {plan.workers} expected")
    return probe


CEILING = Figure("bare-login", ["/_bench/bare-login"])


def figures(newest: int, first_views: FirstViews | None) -> list[Figure]:
    """The pages, each paired with CEILING. The first view needs a table large enough that
    its runs never send a page twice, so the smallest size goes without it."""
    return [
        Figure("bare", ["/_bench/bare"], logged_in=False),
        *([Figure("first-view", [], first_views=first_views)] if first_views else []),
        Figure("session", [f"/sessions/{newest}/"]),
        Figure("history", ["/sessions/"]),
        Figure("history-own", ["/sessions/"], login="mate"),
    ]


def check_pages(base_url: str, pages: list[Figure], cookies: dict[str, str]) -> None:
    """Every figure answers 200 itself, and the first view carries its QR code inline."""
    for login in ("staff", "mate"):
        mine = [f for f in [CEILING, *pages] if f.login == login and not f.first_views]
        measure.check_figures(base_url, mine, cookies[login])
    for figure in pages:
        if figure.first_views:
            measure.check_first_view(base_url, figure, cookies[figure.login])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small and short: a smoke run")
    parser.add_argument("--output", default=None, help="markdown file to write")
    args = parser.parse_args(argv)
    plan = Plan.quick() if args.quick else Plan()
    output = Path(
        args.output or (ROOT / ("var/benchmarks-quick.md" if args.quick else "docs/benchmarks.md"))
    )
    began = time.monotonic()
    measured_commit = report_pairs.commit()  # the code measured, whatever is committed later
    random.seed(6)
    if not args.quick:
        machine.wait_for_quiet()

    logs = Path(tempfile.mkdtemp(prefix="kapso-bench-"))
    emulator = start_emulator(
        *("--rate-limit", "0", "--api-key", BENCH_KEY, "--log-level", "WARNING"),
        *("--sandbox-number", SANDBOX_NUMBER),
        log=logs / "emulator.log",
    )
    server = None
    try:
        emulator_api = emulator.url + "/api/v1"
        configure_django(emulator_api)
        seeding.reset_database()
        print(f"bench: database reset ({DATABASE_URL}), cache {CACHE_URL}", flush=True)
        about = describe_machine(plan)
        qr_libs = inprocess.measure_qr_libraries(LINK.format(code="B000000"))
        print(f"bench: QR {qr_libs}", flush=True)
        budget = budget_cost.measure()
        print(f"bench: Kapso budget per call {budget}", flush=True)
        agents = seeding.make_agents(emulator_api)
        staff, mates = seeding.make_users()
        creators = [staff, *mates, None]

        server = start_dashboard(plan, emulator_api, logs)
        browser = measure.login(server.url)
        cookie = measure.cookie_header(browser)
        cookies = {
            "staff": cookie,
            "mate": measure.cookie_header(measure.login(server.url, mates[0].username)),
        }
        rng = random.Random(24)  # noqa: S311 - the order of the first views, not a secret
        shown: set[str] = set()  # pages sent already: never a first view again
        print(f"bench: gunicorn on {server.url}, logs in {logs}", flush=True)
        probe = worker_probe(server, plan)

        results: list[SizeResult] = []
        page: dict[str, dict[str, float]] = {}
        created = 0
        logins_only = seeding.shared_cache_keys()
        for size in plan.sizes:
            # Every size starts from the same shared cache: what the pages of the size before
            # cached (QR codes, history counts) would flatter this one.
            seeding.forget_shared_cache(keep=logins_only)
            took = seeding.seed_sessions(size + created, agents, creators)
            print(
                f"bench: {size:,} sessions (+{created} created) seeded in {took:.1f} s", flush=True
            )
            newest, _ = seeding.newest_and_pool()
            if not page:
                page = inprocess.measure_session_page(newest, staff)
                print(f"bench: session page in-process {page}", flush=True)
            result = SizeResult(size=size, history_queries=inprocess.measure_history_queries())
            print(f"bench: history queries {result.history_queries}", flush=True)
            shown.add(f"/sessions/{newest}/")  # the repeated view's page, and in-process's
            deck = (
                FirstViews.of(seeding.all_pks(), rng, shown=shown)
                if size == plan.sizes[-1]
                else None
            )
            pages = figures(newest, deck)
            check_pages(server.url, pages, cookies)
            result.paired = measure.measure_pairs(server.url, pages, CEILING, cookies, plan, probe)
            if deck:
                shown |= set(deck.shown())
            result.create, created = measure.measure_create(
                server.url, emulator_api, browser, [a.kapso_id for a in agents], plan, created
            )
            results.append(result)
        # The JSON API's ensure, at the largest size (bench/api.py).
        api_result = api.measure(server.url, emulator_api, [a.kapso_id for a in agents], plan)
    except BaseException:
        print(f"bench: failed; the servers' logs are in {logs}", file=sys.stderr, flush=True)
        raise
    finally:
        if server:
            server.stop()
        emulator.stop()

    about["load average at end"] = machine.load_average()
    report = render_report(plan, about, qr_libs, page, results, time.monotonic() - began)
    ratios = report_pairs.RATIOS_FILE.with_suffix(".quick.json" if args.quick else ".json")
    current = report_pairs.this_run(
        results, f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC", measured_commit
    )
    report += "\n" + "\n".join(report_pairs.side_by_side(current, ratios))
    report += "\n" + "\n".join(budget_section(budget)) + "\n"
    report += "\n" + "\n".join(
        api_section(api_result, sessions=plan.sizes[-1], connections=plan.connections)
    )
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(report)
    print(f"bench: wrote {output}")
    shutil.rmtree(logs, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
