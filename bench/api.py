"""The JSON API's `ensure` under `make bench`, against the running gunicorn:

- ensure of a live session (no Kapso call) under the same load as the bare view sent no
  cookie, interleaved, as the pages are measured (bench/measure.py): a throughput ratio;
- ensure that creates (a new phone each time) against the emulator's own create, one at a
  time and alternated, as the create form is measured: the overhead over Kapso's time.
"""

from __future__ import annotations

import json
import time

from bench.loadgen import LoadResult, run_load
from bench.measure import emulator_create_ms, loopback_session, paired_medians
from bench.plan import BENCH_KEY, STAFF_USERNAME, Plan

ENSURE = "/api/v1/sessions/ensure"
BARE = "/_bench/bare"
# Numbers the seeded sessions never use (they are +1 415 555 xxxx), so ensure must create.
NEW_PHONE = "+1 646 555 {n:04d}"
LIVE_PHONE = "+1 212 555 0100"


def api_token() -> str:
    """A token for the bench's staff user, made in this process's database."""
    from django.contrib.auth import get_user_model

    from sandbox.api.tokens import token_create

    staff = get_user_model().objects.get(username=STAFF_USERNAME)
    return token_create(user=staff, name=f"bench-{time.time_ns()}", expires_in=None).secret


def ensure_body(phone: str, agent_id: str) -> str:
    return json.dumps({"phone_number": phone, "agent_id": agent_id})


def measure_ensure_live(
    base_url: str, secret: str, agent_id: str, plan: Plan
) -> dict[str, list[LoadResult]]:
    """The bare view and ensure of one live session, each `plan.reps` times, interleaved."""
    headers = {"Authorization": f"Bearer {secret}", "Content-Type": "application/json"}
    body = ensure_body(LIVE_PHONE, agent_id)
    with loopback_session() as client:
        for expected in ((200, 201), (200,)):  # made (or found) once, then reused
            answer = client.post(base_url + ENSURE, data=body, headers=headers, timeout=30)
            if answer.status_code not in expected:
                raise SystemExit(f"bench: ensure answered HTTP {answer.status_code}")

    def load(name: str, duration: float, connections: int) -> LoadResult:
        if name == "bare":
            return run_load(
                base_url, [BARE], cookie=None, duration=duration, connections=connections
            )
        return run_load(
            base_url,
            [ENSURE],
            cookie=None,
            duration=duration,
            connections=connections,
            method="POST",
            body=body,
            headers=headers,
        )

    results: dict[str, list[LoadResult]] = {"bare": [], "ensure-live": []}
    for name in results:
        load(name, plan.warmup, 2)
    for rep in range(plan.reps):
        for name in results:
            result = load(name, plan.duration, plan.connections)
            results[name].append(result)
            print(
                f"  [{rep + 1}/{plan.reps}] {name:15} {result.rps:8.1f} req/s  "
                f"p50 {result.p50_ms:6.1f} ms  p99 {result.p99_ms:6.1f} ms"
                + (f"  ERRORS {result.errors}" if result.errors else ""),
                flush=True,
            )
    return results


def measure_ensure_create(
    base_url: str, emulator_api: str, secret: str, agent_ids: list[str], plan: Plan
) -> list[dict[str, float]]:
    """Ensure that creates (timed to its 201) and the emulator's create alone, alternated."""
    api = loopback_session()
    api.headers.update({"Authorization": f"Bearer {secret}"})
    direct = loopback_session()
    direct.headers.update({"X-API-Key": BENCH_KEY, "Accept": "application/json"})
    rounds, n = [], 0
    for _ in range(plan.create_rounds):
        ours, alone = [], []
        for i in range(plan.create_pairs + 2):  # the first two of each round warm up
            n += 1
            agent = agent_ids[n % len(agent_ids)]
            started = time.perf_counter()
            answer = api.post(
                base_url + ENSURE,
                data=ensure_body(NEW_PHONE.format(n=n), agent),
                headers={"Content-Type": "application/json"},
                timeout=30,
            )
            took = time.perf_counter() - started
            if answer.status_code != 201:
                raise SystemExit(f"bench: ensure answered HTTP {answer.status_code}")
            emu_ms = emulator_create_ms(direct, emulator_api, "+16465559999", agent)
            if i >= 2:
                ours.append(took * 1000)
                alone.append(emu_ms)
        ensure_ms, emulator_ms, overhead_ms = paired_medians(ours, alone)
        rounds.append(
            {"ensure_ms": ensure_ms, "emulator_ms": emulator_ms, "overhead_ms": overhead_ms}
        )
        print(
            f"  ensure (creates): {rounds[-1]['ensure_ms']:.1f} ms, emulator alone "
            f"{rounds[-1]['emulator_ms']:.1f} ms, overhead {rounds[-1]['overhead_ms']:.1f} ms",
            flush=True,
        )
    return rounds


def measure(base_url: str, emulator_api: str, agent_ids: list[str], plan: Plan) -> dict:
    secret = api_token()
    return {
        "live": measure_ensure_live(base_url, secret, agent_ids[0], plan),
        "create": measure_ensure_create(base_url, emulator_api, secret, agent_ids, plan),
    }
