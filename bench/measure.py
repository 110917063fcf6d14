"""Measured over HTTP against the running gunicorn: pages under load, and the create flow."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests

from bench import balance
from bench.balance import WorkerProbe
from bench.loadgen import LoadResult, run_load
from bench.machine import load_average
from bench.pairs import Paired, PairedRun
from bench.plan import BENCH_KEY, PASSWORD, STAFF_USERNAME, Figure, Plan

# A QR code fetched by the page as a request of its own (an <img>), which a first view
# would then have to time too; today's code is inline (<svg>), when the state offers one.
SEPARATE_QR = re.compile(r"<img[^>]+src=\"[^\"]*qr\.(svg|png)")


def loopback_session() -> requests.Session:
    session = requests.Session()
    session.trust_env = False  # loopback only: never through a proxy from the environment
    return session


def login(base_url: str, username: str = STAFF_USERNAME) -> requests.Session:
    """A browser logged in (as the staff user unless told) through the login form."""
    browser = loopback_session()
    page = browser.get(f"{base_url}/accounts/login/", allow_redirects=False, timeout=10)
    if page.status_code != 200:
        raise SystemExit(f"bench: the login page answered HTTP {page.status_code}")
    answer = browser.post(
        f"{base_url}/accounts/login/",
        data={
            "login": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        },
        allow_redirects=False,
        timeout=10,
    )
    if answer.status_code != 302:
        raise SystemExit(f"bench: login failed with HTTP {answer.status_code}")
    # A browser follows the redirect and is shown "Successfully signed in" once. Without
    # this, that message stays in the cookie every load request replays, and every page
    # measured would be a page showing a one-time message (never a kept one).
    landed = browser.get(base_url + answer.headers["Location"], timeout=10)
    if landed.status_code != 200 or "messages" in browser.cookies:
        raise SystemExit("bench: the sign-in message was not shown and cleared")
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
    base_url: str,
    figures: list[Figure],
    cookie: str,
    plan: Plan,
    probe: WorkerProbe | None = None,
) -> dict[str, list[LoadResult]]:
    """Each figure `plan.reps` times, interleaved, after one warm-up run of each; with
    `probe`, a run that reached one worker only is run again (`balanced_run`)."""
    check_figures(base_url, figures, cookie)
    results: dict[str, list[LoadResult]] = {figure.name: [] for figure in figures}

    def load(figure: Figure, duration: float, connections: int) -> LoadResult:
        return balanced_run(
            lambda: run_load(
                base_url,
                figure.paths,
                cookie=cookie if figure.logged_in else None,
                duration=duration,
                connections=connections,
            ),
            probe,
            plan,
            figure.name,
        ).result

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


def measure_pairs(
    base_url: str,
    figures: list[Figure],
    ceiling: Figure,
    cookies: dict[str, str],
    plan: Plan,
    probe: WorkerProbe | None = None,
) -> PairedRun:
    """Each page figure `plan.pairs` times, each run paired with a run of `ceiling`.

    Round by round the order flips (page then ceiling, ceiling then page), so neither side
    always runs on the warmer or the busier half of the pair. With `probe`, every run (the
    warm-ups too: they are there to warm every worker) that reached one worker only is run
    again (`balanced_run`); the measured runs thrown away are counted per figure.
    """
    run = PairedRun(
        {figure.name: Paired() for figure in figures},
        load_before=load_average(),
        checked=probe is not None,
    )

    def load(figure: Figure, duration: float, connections: int) -> Checked:
        return balanced_run(
            lambda: _paired_load(base_url, figure, cookies, duration, connections),
            probe,
            plan,
            figure.name,
        )

    for figure in [ceiling, *figures]:  # connections, the workers' own caches, the plans
        load(figure, plan.warmup, 2)
    for rep in range(plan.pairs):
        for figure in figures:
            pair = [figure, ceiling] if rep % 2 == 0 else [ceiling, figure]
            got = {f.name: load(f, plan.pair_duration, plan.connections) for f in pair}
            paired = run.figures[figure.name]
            page, bare = got[figure.name], got[ceiling.name]
            paired.pages.append(page.result)
            paired.ceilings.append(bare.result)
            paired.repeated += page.thrown + bare.thrown
            paired.unbalanced += (not page.balanced) + (not bare.balanced)
            print(_pair_line(rep, plan, figure, ceiling, page, bare), flush=True)
    run.load_after = load_average()
    return run


def _pair_line(rep: int, plan: Plan, figure: Figure, ceiling: Figure, page, bare) -> str:
    repeats = page.thrown + bare.thrown
    return (
        f"  [{rep + 1}/{plan.pairs}] {figure.name:15} {page.result.rps:7.1f} req/s "
        f"p99 {page.result.p99_ms:6.1f} ms / {ceiling.name} {bare.result.rps:7.1f} req/s = "
        f"{page.result.rps / bare.result.rps:.2f}"
        + (f"  ERRORS {page.result.errors}" if page.result.errors else "")
        + (f"  ({repeats} run(s) repeated)" if repeats else "")
        + ("  UNBALANCED" if not (page.balanced and bare.balanced) else "")
    )


@dataclass
class Checked:
    """A run kept, the attempts thrown away before it, and whether it reached every worker
    (False: still one worker after `plan.attempts`; True too when nothing was checked)."""

    result: LoadResult
    thrown: int = 0
    balanced: bool = True


def balanced_run(
    run: Callable[[], LoadResult], probe: WorkerProbe | None, plan: Plan, label: str
) -> Checked:
    """`run()` until its load reached every one of `plan.workers` workers (bench/balance.py),
    at most `plan.attempts` times. Each attempt is a whole new run: a first-view run deals itself
    fresh paths, the ones an attempt thrown away sent being spent already."""
    if probe is None:
        return Checked(run())
    for attempt in range(1, plan.attempts + 1):
        before = probe.snapshot()
        result = run()
        ticks = balance.work(before, probe.snapshot())
        if balance.balanced(ticks, plan.workers):
            return Checked(result, attempt - 1)
        last = attempt == plan.attempts
        verdict = f"kept after {attempt} attempts" if last else "thrown away"
        print(
            f"    {label}: one worker only, {verdict} ({result.rps:.1f} req/s, "
            f"worker ticks {ticks})",
            flush=True,
        )
    return Checked(result, plan.attempts - 1, balanced=False)


def _paired_load(
    base_url: str, figure: Figure, cookies: dict[str, str], duration: float, connections: int
) -> LoadResult:
    """One run of `figure`; a first-view figure is dealt unseen paths and sends each once."""
    deck = figure.first_views
    paths = deck.deal() if deck else figure.paths
    result = run_load(
        base_url,
        paths,
        cookie=cookies[figure.login] if figure.logged_in else None,
        duration=duration,
        connections=connections,
        sequential=deck is not None,
    )
    if deck:
        deck.used(result.requests, dealt=len(paths))
    return result


def check_first_view(base_url: str, figure: Figure, cookie: str) -> None:
    """A first view answers 200, its QR code (if its state offers one) inline: one request
    is the whole wait. Should the code ever become its own request, this figure must
    fetch it too, and until then the bench refuses to run."""
    batch = figure.first_views.deal()
    figure.first_views.used(1, dealt=len(batch))
    path = batch[0]
    with loopback_session() as fresh:
        answer = fresh.get(base_url + path, headers={"Cookie": cookie}, timeout=30)
    if answer.status_code != 200 or SEPARATE_QR.search(answer.text):
        raise SystemExit(f"bench: first view {path}: HTTP {answer.status_code}, or a QR <img>")


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
