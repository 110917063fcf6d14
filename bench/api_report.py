"""docs/benchmarks.md's section on the JSON API's ensure (bench/api.py): markdown only."""

from __future__ import annotations

import statistics

from bench.report import med, paragraph


def api_section(result: dict, *, sessions: int, connections: int) -> list[str]:
    live, create = result["live"], result["create"]
    ratio = med(live["ensure-live"], "rps") / med(live["bare"], "rps")
    ensure = statistics.median(r["ensure_ms"] for r in create)
    alone = statistics.median(r["emulator_ms"] for r in create)
    overhead = statistics.median(r["overhead_ms"] for r in create)
    rows = [
        f"| {label} | {med(runs, 'rps'):.0f} | {med(runs, 'p50_ms'):.1f} | "
        f"{med(runs, 'p99_ms'):.1f} | {sum(r.errors for r in runs)} |"
        for label, runs in (
            ("bare view, no cookie (the ceiling)", live["bare"]),
            ("`POST /api/v1/sessions/ensure`, live session reused (200)", live["ensure-live"]),
        )
    ]
    return [
        "## The JSON API's ensure",
        "",
        *paragraph(
            f"At {sessions:,} sessions, against the same gunicorn, logged in by an API token"
            " (`bench/api.py`). A live session reused: no call to Kapso; the token's lookup,"
            " the live-session query and the answer, under the same load as the bare view"
            f" ({connections} connections), interleaved; the ratio of their medians."
        ),
        "",
        "| request | req/s | p50 ms | p99 ms | errors |",
        "|---|---|---|---|---|",
        *rows,
        "",
        f"**ensure of a live session ÷ bare view: {ratio:.0%}** of its throughput.",
        "",
        *paragraph(
            "Ensure that creates (a phone with no session, so Kapso is asked), one at a time,"
            " alternated with the same create sent straight to the emulator; the overhead is"
            " the median of the per-pair differences: token, phone parsing, the live-session"
            " query, the agent check, the double-submit guard, the budget, the writes and the"
            " answer."
        ),
        "",
        "| ensure (creates) | emulator alone | overhead | ensure ÷ emulator |",
        "|---|---|---|---|",
        f"| {ensure:.1f} ms | {alone:.1f} ms | {overhead:.1f} ms | {ensure / alone:.1f} |",
        "",
    ]
