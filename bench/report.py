"""docs/benchmarks.md from one run's figures: markdown only, nothing measured here."""

from __future__ import annotations

import statistics
import textwrap
from datetime import UTC, datetime

from bench import report_pairs
from bench.inprocess import PAGE_QR
from bench.loadgen import LoadResult
from bench.machine import version
from bench.plan import Plan, SizeResult

BREAKDOWN = {
    "login": "login: session and user read",
    "lookup": "kept page: its lookup (one cache round trip)",
    "probe": "kept page: the version probe (one narrow read)",
    "query": "the full read (session, agent, creator)",
    "template": "template rendering",
    "qr": f"`{PAGE_QR}`",
}
MET = {True: "**met**", False: "**missed**"}


def paragraph(text: str) -> list[str]:
    return textwrap.wrap(text, width=90, break_long_words=False, break_on_hyphens=False)


def med(results: list[LoadResult], attr: str) -> float:
    return statistics.median(getattr(r, attr) for r in results)


def render_report(
    plan: Plan,
    machine: dict[str, str],
    qr_libs: dict[str, float],
    page: dict[str, dict[str, float]],
    sizes: list[SizeResult],
    seconds: float,
) -> str:
    lines = [
        "# Benchmarks",
        "",
        *paragraph(
            "Written by `make bench` (`bench/run.py`); do not edit by hand, rerun it. This"
            " machine is shared and its load moves within a minute, so every page is measured"
            f" in {plan.pairs} pairs with the logged-in bare view (page, bare, bare, page ..."
            " in the same run) and reported as the median of the per-pair ratios with the"
            f" lowest and highest pair (create flow: median of {plan.create_rounds} rounds of"
            f" {plan.create_pairs} pairs). Compare the ratios, not the absolute times. How the"
            " dashboard's Kapso sync was measured: [benchmark-sync.md](benchmark-sync.md)."
        ),
        "",
        f"Run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {seconds / 60:.1f} minutes in all.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {key} | {value} |" for key, value in machine.items()],
        "",
        "## Command",
        "",
        "```sh",
        "make bench    # = bash scripts/services.sh kapso_bench && .venv/bin/python -m bench.run",
        "```",
        "",
        plan.describe(),
        "",
    ]
    lines += report_pairs.targets(sizes)
    lines += earlier_targets(sizes)
    lines += report_pairs.pages_under_load(plan, sizes)
    lines += history_reads(sizes)
    lines += create_flow(sizes)
    lines += qr_codes(qr_libs, page, sizes[0])
    lines += how_to_read()
    return "\n".join(lines)


def earlier_targets(sizes: list[SizeResult]) -> list[str]:
    small, big = sizes[0], sizes[-1]

    def r(result: SizeResult, name: str) -> float:
        return result.paired.figures[name].ratio()

    session_ratio = r(big, "session") / r(big, "bare")
    history_p99 = big.paired.figures["history"].page("p99_ms")
    overhead = statistics.median(c["overhead_ms"] for c in big.create)
    # Judged on each page's paired ratio, which cancels the machine's drift.
    drift = {
        name: r(big, name) / r(small, name) - 1
        for name in small.paired.figures
        if name in big.paired.figures
    }
    worst = min(drift.items(), key=lambda item: item[1])
    steady = [name for name, change in drift.items() if abs(change) <= 0.15]
    return [
        "Earlier targets, from the same pairs:",
        "",
        "| figure | target | measured | |",
        "|---|---|---|---|",
        f"| repeated view ÷ bare view (no cookie) | ≥ 50% | {session_ratio:.0%} | "
        f"{MET[session_ratio >= 0.5]} |",
        f"| history page p99 under load | < 100 ms | {history_p99:.1f} ms | "
        f"{MET[history_p99 < 100]} |",
        f"| create-flow overhead (dashboard - emulator) | < 20 ms | {overhead:.1f} ms | "
        f"{MET[overhead < 20]} |",
        f"| change {small.size:,} → {big.size:,} sessions (÷ bare logged in) | none | "
        f"worst: {worst[0]} {worst[1]:+.0%}; within ±15%: {', '.join(steady) or 'none'} | "
        f"{MET[worst[1] >= -0.15]} |",
        "",
    ]


def history_reads(sizes: list[SizeResult]) -> list[str]:
    return [
        "",
        "The history page's own reads for a staff user, in-process, median of 7 (ms): the",
        "page's 25 rows come from an index and stay flat, but the pager's count and the",
        "status filter's DISTINCT read every row, so they grow with the table; the page",
        "therefore caches both until a session is written (sandbox/history.py). The last",
        "column is the same status list found by one index probe per status (the",
        "`SKIP_SCAN_STATUSES` query in `bench/inprocess.py`), for comparison.",
        "",
        "| sessions | 25 rows | COUNT(*) | DISTINCT status | statuses by index skip-scan |",
        "|---|---|---|---|---|",
        *[
            f"| {r.size:,} | {r.history_queries['page']:.2f} | {r.history_queries['count']:.2f} | "
            f"{r.history_queries['distinct']:.2f} | {r.history_queries['skip_scan']:.2f} |"
            for r in sizes
        ],
        "",
    ]


def create_flow(sizes: list[SizeResult]) -> list[str]:
    lines = [
        "## Create flow",
        "",
        "One browser posts the create form (timed up to the dashboard's redirect), then the same",
        "create is sent straight to the emulator (the ceiling: Kapso's own time), alternately,",
        "one at a time. Overhead is the median of the per-pair differences: the dashboard's",
        "own work (login, form, phone parsing, agent list from the cache, the session written",
        "in one transaction, the redirect) plus one extra HTTP hop.",
        "",
        "| sessions | dashboard create | emulator alone | overhead | dashboard ÷ emulator |",
        "|---|---|---|---|---|",
    ]
    for result in sizes:
        dash = statistics.median(r["dashboard_ms"] for r in result.create)
        emu = statistics.median(r["emulator_ms"] for r in result.create)
        over = statistics.median(r["overhead_ms"] for r in result.create)
        lines.append(
            f"| {result.size:,} | {dash:.1f} ms | {emu:.1f} ms | {over:.1f} ms | {dash / emu:.1f} |"
        )
    return lines


def breakdown_rows(page: dict[str, dict[str, float]]) -> list[str]:
    first, warm = page["first view"], page["warm"]
    rows = [
        f"| {label} | {first[f'{key}_ms']:.2f} | {first[f'{key}_share']:.0%} | "
        f"{warm[f'{key}_ms']:.2f} | {warm[f'{key}_share']:.0%} |"
        for key, label in BREAKDOWN.items()
    ]

    def rest(mode: dict[str, float]) -> float:
        return mode["total_ms"] - sum(mode[f"{key}_ms"] for key in BREAKDOWN)

    return [
        *rows,
        f"| everything else (middleware, routing, response) | {rest(first):.2f} | "
        f"{rest(first) / first['total_ms']:.0%} | {rest(warm):.2f} | "
        f"{rest(warm) / warm['total_ms']:.0%} |",
        f"| **total** | {first['total_ms']:.2f} | | {warm['total_ms']:.2f} | |",
        f"| the bare view, no cookie, same way | | | {page['bare']['total_ms']:.2f} | |",
        f"| the bare view logged in, same way | | | {page['bare-login']['total_ms']:.2f} | |",
    ]


def qr_codes(qr_libs: dict[str, float], page: dict[str, dict[str, float]], small) -> list[str]:
    bare_p50 = small.paired.figures["bare"].page("p50_ms")
    warm, bare, bare_login = page["warm"], page["bare"]["total_ms"], page["bare-login"]["total_ms"]
    lines = [
        "",
        "## QR codes",
        "",
        "Per call, in-process, median of 5 batches, on a link as long as Kapso's",
        "(`https://wa.me/<number>?text=Activate%20sandbox%20session%20<code>`, a version-5",
        "code). x bare p50 compares with the median latency under load of the bare view sent",
        f"no cookie ({bare_p50:.1f} ms).",
        "",
        "| library | SVG ms | PNG ms | SVG x bare p50 |",
        "|---|---|---|---|",
        f"| zxing-cpp {version('zxing-cpp')} (the page's SVG) | {qr_libs['zxing_svg']:.2f} | | "
        f"{qr_libs['zxing_svg'] / bare_p50:.1f} |",
        f"| qrcode {version('qrcode')} (the PNG; the SVG before) | {qr_libs['qrcode_svg']:.2f} | "
        f"{qr_libs['qrcode_png']:.2f} | {qr_libs['qrcode_svg'] / bare_p50:.1f} |",
    ]
    if "segno_svg" in qr_libs:
        lines.append(
            f"| segno {version('segno')} (for the record) | {qr_libs['segno_svg']:.2f} | "
            f"{qr_libs['segno_png']:.2f} | {qr_libs['segno_svg'] / bare_p50:.1f} |"
        )
    first = page["first view"]
    login, lookup, probe = (warm[f"{key}_ms"] / bare for key in ("login", "lookup", "probe"))
    return [
        *lines,
        f"| `{PAGE_QR}` from the shared cache (Redis) | {qr_libs['page_qr_shared']:.2f} | | "
        f"{qr_libs['page_qr_shared'] / bare_p50:.1f} |",
        f"| `qr_svg` with its cache warm | {qr_libs['qrcode_svg_cached'] * 1000:.1f} µs | | |",
        "",
        "Where the session page's own time goes: in-process through Django's WSGI handler (no",
        "HTTP, no gunicorn), same database and cache, median of 40 requests, each part timed",
        "by wrapping it. First view: the QR caches and kept pages emptied before each request",
        "(the worker's own, and what the page wrote to the shared cache), so the page is made;",
        "warm: the kept page is served.",
        "",
        "| part | first view ms | share | warm ms | share |",
        "|---|---|---|---|---|",
        *breakdown_rows(page),
        "",
        *paragraph(
            f"Warm (kept), the session page costs {warm['total_ms'] / bare:.1f}x the bare view"
            f" without a cookie in-process, and {warm['total_ms'] / bare_login:.1f}x the"
            f" logged-in one (made, {first['total_ms'] / bare_login:.1f}x). Set against a whole"
            f" bare request, its login costs {login:.1f}x, the kept page's lookup"
            f" {lookup:.1f}x and its probe {probe:.1f}x; the login alone makes the logged-in"
            f" bare view {bare_login / bare:.1f}x the bare one, so every page behind the login"
            " starts from there."
        ),
        "",
        *paragraph(
            f"Building the code is {page['first view']['qr_share']:.0%} of a first view (it"
            " was 68% with qrcode, whose pure-Python build took about 7 ms): the page's SVG"
            " is now encoded by zxing-cpp's C++ writer, which chooses the mask by the same"
            f" penalty rules. The page takes it from `{PAGE_QR}`, which keeps each session's"
            " code in the shared cache until the session expires (at most 24 hours; nothing"
            " for an expired session), so of all the workers only the first to show a"
            " session builds its code; erasure, deletion and a share link's revocation"
            " delete it. The downloads (`qr_svg`, `qr_png`) keep their last results per"
            " worker. Building the code when the session is written was not taken: the"
            " person waits for the create and then the first view, so it would move the"
            " build, not remove it."
        ),
        "",
    ]


def how_to_read() -> list[str]:
    return [
        "## How to read and rerun",
        "",
        "- The sessions are bulk-inserted (`bulk_create`, 5,000 a batch) into the PostgreSQL",
        "  database `kapso_bench`, then `VACUUM ANALYZE`; the newest 1,000 are the same at every",
        "  size, so the pages show the same rows and only the table grows.",
        "- The history figure is the worst case: a staff user, who sees every session. Its",
        "  count for the pager and the status filter's choices read the whole table when",
        "  not cached; under load they are served from the cache (no writes meanwhile).",
        "- Repeated views and the history are kept pages (`sandbox/page_cache.py`): served",
        "  whole while their inputs and their words hold, made again after any write and",
        "  whenever a time word on them turns (with 25 history rows, about once a second).",
        "  A first view is always a page made, then kept.",
        "- The logged-in browsers follow the login's redirect, as a browser does, so the",
        '  "Successfully signed in" message is shown once and not replayed by every request.',
        "- Each size starts from the same shared cache (Redis holding the logins only), so",
        "  QR codes, counts and kept pages of the size before do not flatter the next one.",
        "- The bare view sent no cookie is the ceiling because Django's LoginRequiredMiddleware",
        "  reads the session and the user of any request that carries a session cookie, before",
        "  it looks at `login_not_required`: with the cookie even the bare view pays the login.",
        "- `make bench` is never part of `make test`: speed targets live here, not in tests.",
        "- `.venv/bin/python -m bench.run --quick` is a short smoke run (smaller table, one",
        "  repetition); it writes `var/benchmarks-quick.md` unless `--output` says otherwise.",
        "",
    ]


def budget_section(budget: dict[str, float]) -> list[str]:
    """What the shared Kapso budget (sandbox/kapso/quota.py) adds to every call to Kapso."""
    rows = [f"| {name} | {ms:.2f} | under 1 ms |" for name, ms in budget.items()]
    return [
        "## The Kapso budget",
        "",
        *paragraph(
            "Every call to Kapso first takes a unit from the team's shared budget and then"
            " reports Kapso's rate-limit headers back to it: two exchanges with the shared"
            " cache (Redis, pipelined). Median of 2,000 granted calls, in-process"
            " (`bench/budget_cost.py`)."
        ),
        "",
        "| call | budget's cost (ms) | target |",
        "|---|---|---|",
        *rows,
        "",
    ]
