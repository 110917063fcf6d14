"""Load on loopback: wrk when it is installed (Debian: `apt-get install -y wrk`), else a small
load generator of Python threads. Both run for a fixed time with a fixed number of
connections and report requests/s, p50 and p99; the Python one also stops at a request cap.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

MAX_PYTHON_REQUESTS = 200_000  # per run: a bound besides the duration


@dataclass
class LoadResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    tool: str


def tool_name() -> str:
    return "wrk" if shutil.which("wrk") else "python-threads"


def run_load(
    base_url: str,
    paths: list[str],
    *,
    cookie: str | None,
    duration: float,
    connections: int,
    method: str = "GET",
    body: str | None = None,
    headers: dict[str, str] | None = None,
    sequential: bool = False,
) -> LoadResult:
    """GET a random one of `paths` (one path: always that one) for `duration` seconds; or
    `method` it with `body` (the JSON API's POSTs) and `headers` (its bearer token).

    `sequential` sends `paths` in order instead, each at most once (the first views: a page
    never requested before); give more paths than the run can send.

    `cookie` is sent as the Cookie header; None sends no Cookie header at all.
    """
    host = urlsplit(base_url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("load is only ever sent to loopback")
    sent = dict(headers or {})
    if cookie is not None:
        sent["Cookie"] = cookie
    request = (method, body, sent)
    if shutil.which("wrk"):
        return _wrk(base_url, paths, request, duration, connections, sequential)
    return _python(base_url, paths, request, duration, connections, sequential)


# --- wrk ----------------------------------------------------------------------------------
_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _wrk(base_url, paths, request, duration, connections, sequential=False) -> LoadResult:
    method, body, headers = request
    # One load thread (-t1), so one Lua state: a counter there walks `paths` once, in order.
    pick = "paths[math.min(sent, #paths)]" if sequential else "paths[math.random(#paths)]"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        quoted = ", ".join(f'"{p}"' for p in paths)
        # JSON-quoted strings are valid Lua string literals for what is sent here (ASCII).
        script.write(
            f"local paths = {{{quoted}}}\n"
            "local sent = 0\n"
            f"wrk.method = {json.dumps(method)}\n"
            + (f"wrk.body = {json.dumps(body)}\n" if body is not None else "")
            + "request = function()\n"
            "  sent = sent + 1\n"
            f"  return wrk.format(nil, {pick})\n"
            "end\n"
        )
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        script.name,
        *(arg for name, value in headers.items() for arg in ("-H", f"{name}: {value}")),
        base_url + paths[0],
    ]
    try:
        out = subprocess.run(  # noqa: S603 - wrk on loopback, fixed arguments
            command, capture_output=True, text=True, timeout=duration + 60, check=True
        ).stdout
    finally:
        os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    total = int(re.search(r"(\d+) requests in", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return LoadResult(
        rps=rps,
        p50_ms=_wrk_percentile(out, "50%"),
        p99_ms=_wrk_percentile(out, "99%"),
        requests=total,
        errors=errors,
        tool="wrk",
    )


def _wrk_percentile(out: str, label: str) -> float:
    match = re.search(rf"^\s+{re.escape(label)}\s+([\d.]+)(us|ms|s|m)\s*$", out, re.MULTILINE)
    return float(match.group(1)) * _UNITS[match.group(2)]


# --- Python threads -------------------------------------------------------------------------
def _python(base_url, paths, request, duration, connections, sequential=False) -> LoadResult:
    method, body, headers = request
    in_order = iter(paths)
    parts = urlsplit(base_url)
    deadline = time.monotonic() + duration
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker(seed: int) -> None:
        rng = random.Random(seed)  # noqa: S311 - picks URLs, not secrets
        mine: list[float] = []
        bad = 0
        while time.monotonic() < deadline and len(latencies) + len(mine) < MAX_PYTHON_REQUESTS:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            started = time.perf_counter()
            try:
                path = next(in_order, paths[-1]) if sequential else rng.choice(paths)
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                if not 200 <= response.status < 400:
                    bad += 1
            except OSError:
                bad += 1
            finally:
                conn.close()
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return LoadResult(
        rps=len(latencies) / elapsed,
        p50_ms=statistics.median(latencies),
        p99_ms=latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        requests=len(latencies),
        errors=errors[0],
        tool="python-threads",
    )
