"""Measured over HTTP against the running gunicorn: pages under load, and the create flow."""

from __future__ import annotations

import statistics
import time

import requests

from bench.loadgen import LoadResult, run_load
from bench.plan import BENCH_KEY, PASSWORD, STAFF_USERNAME, Figure, Plan


def loopback_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # loopback only: never through a proxy from the environment
    return session


def login(base_url: str) -> requests.Session:
    """A browser logged in as the staff user through the login form."""
    browser = loopback_session()
    page = browser.get(f"{base_url}/accounts/login/", allow_redirects=False, timeout=10)
    if page.status_code != 200:
        raise SystemExit(f"bench: the login page answered HTTP {page.status_code}")
    answer = browser.post(
        f"{base_url}/accounts/login/",
        data={
            "login": STAFF_USERNAME,
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    if answer.status_code != 302:
        raise SystemExit(f"bench: login failed with HTTP {answer.status_code}")
    return browser


def cookie_header(browser: requests.Session) -> str:
    return "; ".join(f"{c.name}={c.value}" for c in browser.cookies)


def check_figures(base_url: str, figures: list[Figure], cookie: str) -> None:
    """Every path answers 200 itself (wrk would count a redirect to the login as a success),
    and a figure meant without the login is not answered by a login-only page."""
    for figure in figures:
        for path in {figure.paths[0], figure.paths[-1]}:
            with loopback_session() as fresh:  # no cookie but the one given
                answer = fresh.get(
                    base_url + path,
                    headers={"Cookie": cookie} if figure.logged_in else {},
                    allow_redirects=False,
                    timeout=30,
                )
            if answer.status_code != 200:
                raise SystemExit(f"bench: {figure.name} {path} answered HTTP {answer.status_code}")


def measure_load(
    base_url: str, figures: list[Figure], cookie: str, plan: Plan
) -> dict[str, list[LoadResult]]:
    """Each figure `plan.reps` times, interleaved, after one warm-up run of each."""
    check_figures(base_url, figures, cookie)
    results: dict[str, list[LoadResult]] = {figure.name: [] for figure in figures}

    def load(figure: Figure, duration: float, connections: int) -> LoadResult:
        return run_load(
            base_url,
            figure.paths,
            cookie=cookie if figure.logged_in else None,
            duration=duration,
            connections=connections,
        )

    for figure in figures:  # warm caches, connections and the workers' QR caches
        load(figure, plan.warmup, 2)
    for rep in range(plan.reps):
        for figure in figures:  # interleaved, so drift hits every figure alike
            result = load(figure, plan.duration, plan.connections)
            results[figure.name].append(result)
            print(
                f"  [{rep + 1}/{plan.reps}] {figure.name:15} {result.rps:8.1f} req/s  "
                f"p50 {result.p50_ms:6.1f} ms  p99 {result.p99_ms:6.1f} ms"
                + (f"  ERRORS {result.errors}" if result.errors else ""),
                flush=True,
            )
    return results


def measure_create(
    base_url: str,
    emulator_api: str,
    browser: requests.Session,
    agent_ids: list[str],
    plan: Plan,
    offset: int,
) -> tuple[list[dict[str, float]], int]:
    """Dashboard create (POST, up to its redirect) and the emulator's create alone, alternated.

    Returns one dict of medians per round, and the number of creates made so far (each
    create adds a session, so the next size's seeding counts them).
    """
    direct = loopback_session()
    direct.headers.update({"X-API-Key": BENCH_KEY, "Accept": "application/json"})
    csrf = browser.cookies["csrftoken"]
    rounds = []
    n = offset
    for _ in range(plan.create_rounds):
        dash_times, emu_times = [], []
        for i in range(plan.create_pairs + 2):  # the first two of each round warm up
            n += 1
            phone = f"+1 415-555-{2000 + n % 8000:04d}"
            agent = agent_ids[n % len(agent_ids)]
            started = time.perf_counter()
            answer = browser.post(
                f"{base_url}/",
                data={"phone_number": phone, "agent_id": agent, "csrfmiddlewaretoken": csrf},
                allow_redirects=False,
                timeout=30,
            )
            dash = time.perf_counter() - started
            if answer.status_code != 302:
                raise SystemExit(f"bench: create answered HTTP {answer.status_code}")
            emu_ms = emulator_create_ms(
                direct, emulator_api, "+1415555" + f"{2000 + n % 8000:04d}", agent
            )
            if i >= 2:
                dash_times.append(dash * 1000)
                emu_times.append(emu_ms)
        ours, emulator, overhead = paired_medians(dash_times, emu_times)
        rounds.append(
            {
                "dashboard_ms": ours,
                "emulator_ms": emulator,
                "overhead_ms": overhead,
            }
        )
        print(
            f"  create: dashboard {rounds[-1]['dashboard_ms']:.1f} ms, emulator alone "
            f"{rounds[-1]['emulator_ms']:.1f} ms, overhead {rounds[-1]['overhead_ms']:.1f} ms",
            flush=True,
        )
    return rounds, n


def emulator_create_ms(direct, emulator_api: str, phone: str, agent: str) -> float:
    """The same create sent straight to the emulator (Kapso's own time), in ms."""
    started = time.perf_counter()
    alone = direct.post(
        f"{emulator_api}/sandbox_sessions",
        json={"whatsapp_sandbox_session": {"phone_number": phone, "agent_id": agent}},
        timeout=30,
    )
    took = (time.perf_counter() - started) * 1000
    if alone.status_code != 201:
        raise SystemExit(f"bench: emulator create answered HTTP {alone.status_code}")
    return took


def paired_medians(ours: list[float], alone: list[float]) -> tuple[float, float, float]:
    """Medians of our times, the emulator's, and of the per-pair differences (overhead)."""
    overhead = statistics.median(o - e for o, e in zip(ours, alone, strict=True))
    return statistics.median(ours), statistics.median(alone), overhead
