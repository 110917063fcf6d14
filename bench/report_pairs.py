"""The paired sections of docs/benchmarks.md: the targets, the pages, and two runs compared.

Every page figure is the median of its per-pair ratios to the logged-in bare view
(bench/pairs.py), shown with the lowest and highest pair: a wide spread says the machine
moved during the run, and the figure deserves less trust.
"""

from __future__ import annotations

import json
import subprocess
import textwrap
from pathlib import Path

from bench.balance import LEAST_SHARE
from bench.plan import ROOT, Plan, SizeResult

LABELS = {
    "bare": "bare view, no cookie (no login, no database)",
    "first-view": "first view: a session never shown before, any of the table, QR inline"
    " when its state offers one",
    "session": "repeated view: the same session again",
    "history": "history page 1, staff (sees every session)",
    "history-own": "history page 1, a teammate (their own sessions)",
}
# (figure, least ratio to the logged-in bare view, most p99 in ms or None): issue 24.
TARGETS = [
    ("first-view", 0.35, None),
    ("session", 0.60, None),
    ("history", 0.30, 35.0),
    ("history-own", 0.40, None),
]
AGREE = 0.10  # two runs one after the other agree within 10% on every page ratio
MET = {True: "**met**", False: "**missed**"}
# The ratios of the last run, for the next run's side-by-side table (never committed).
RATIOS_FILE = ROOT / "var" / "bench-ratios.json"


def ratio_text(result: SizeResult, name: str) -> str:
    paired = result.paired.figures[name]
    low, high = paired.spread()
    return f"{paired.ratio():.2f} ({low:.2f} to {high:.2f})"


def targets(sizes: list[SizeResult]) -> list[str]:
    big = sizes[-1]
    figures = big.paired.figures
    lines = [
        "## Against the targets",
        "",
        f"At {big.size:,} sessions, against the logged-in bare view in the same run: the",
        f"median of {len(figures['session'].pages)} interleaved pairs, (lowest to highest pair).",
        f"Load average (1, 5, 15 min) before the pages: {big.paired.load_before}; after:",
        f"{big.paired.load_after}.",
        "",
        "| view | target | measured | p99 ms | |",
        "|---|---|---|---|---|",
    ]
    for name, least, p99_limit in TARGETS:
        if name not in figures:
            continue
        paired = figures[name]
        p99 = paired.page("p99_ms")
        met = paired.ratio() >= least and (p99_limit is None or p99 < p99_limit)
        target = f"≥ {least:.2f}" + (f", p99 < {p99_limit:.0f} ms" if p99_limit else "")
        lines.append(
            f"| {LABELS[name]} | {target} | {ratio_text(big, name)} | {p99:.1f} | {MET[met]} |"
        )
    return [*lines, *next_levers(figures), ""]


# What would move each figure next, from this branch's profiling (docs/decisions.md).
NEXT = {
    "first-view": "a first view is a page made whole (the read of the session, compiled"
    " once per thread; the template, its links remembered; for a live session its QR code)"
    " and then kept; the next levers are its two writes to the shared cache (the QR code,"
    " then the sealed page) sent as one pipelined `set_many`, and the template's session"
    " part (about a fifth of a first view in-process) written as strings in Python.",
    "session": "a kept page costs one database round trip (the version probe) and one cache"
    " round trip on top of the bare view's login, which pays one of each too; the next lever"
    " is the version read from the cache instead, kept in step by the database itself (the"
    " version trigger sending NOTIFY to a listener that writes it), leaving one round trip.",
    "history": "a kept page costs one cache round trip; a miss (after any write of"
    " sessions, agents or names) makes it anew: two thirds of that is Django's template"
    " engine over 25 rows, so the next lever is the rows' strings prepared in Python.",
    "history-own": "as the staff history: kept pages, and the made page's template next.",
}


def next_levers(figures: dict) -> list[str]:
    missed = [
        name
        for name, least, p99_limit in TARGETS
        if name in figures
        and (
            figures[name].ratio() < least
            or (p99_limit is not None and figures[name].page("p99_ms") >= p99_limit)
        )
    ]
    if not missed:
        return []
    lines = ["", "Next lever where a target is missed:", ""]
    for name in missed:
        lines += textwrap.wrap(f"- {LABELS[name]}: {NEXT[name]}", width=90, subsequent_indent="  ")
    return lines


def pages_under_load(plan: Plan, sizes: list[SizeResult]) -> list[str]:
    lines = [
        "## Pages under load",
        "",
        *textwrap.wrap(
            f"`wrk -t1 -c{plan.connections} -d{plan.pair_duration:.0f}s --latency` per run,"
            f" against gunicorn with {plan.workers} workers of {plan.threads} threads on"
            " 127.0.0.1. Each page run is paired with a run of the logged-in bare view (the"
            " session and user read every dashboard page pays first), page first in odd"
            " rounds and bare view first in even ones; the ratio is page req/s ÷ bare req/s"
            " of the same pair. The first view draws its sessions without repetition from the"
            " whole table (each page requested once in the whole run, never warmed); its QR"
            " code, when the session's state offers one, is inline in the page, so one"
            " request is the whole wait.",
            width=90,
        ),
        "",
        *one_worker_rule(plan),
        "",
    ]
    for result in sizes:
        run = result.paired
        lines += [
            f"### {result.size:,} sessions",
            "",
            f"Load average before: {run.load_before}; after: {run.load_after}.",
            "",
            *repeats_line(plan, result),
            "",
            "| page | ÷ bare logged in (lowest to highest) | req/s | bare logged in req/s |"
            " p50 ms | p99 ms | errors | runs repeated |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for name, paired in run.figures.items():
            lines.append(
                f"| {LABELS[name]} | {ratio_text(result, name)} | {paired.page('rps'):.0f} | "
                f"{paired.ceiling('rps'):.0f} | {paired.page('p50_ms'):.1f} | "
                f"{paired.page('p99_ms'):.1f} | {sum(r.errors for r in paired.pages)} | "
                f"{repeats_cell(paired)} |"
            )
        lines.append("")
    return lines


def one_worker_rule(plan: Plan) -> list[str]:
    """Why some runs are run again: the paragraph above the tables."""
    return textwrap.wrap(
        f"wrk opens its {plan.connections} keep-alive connections once, at the start of a"
        " run, and each is accepted by whichever gunicorn worker wakes first; often one"
        " worker accepts them all, and the run then measures one worker (bound by its"
        " own GIL) at about half the throughput while the other sleeps. So each worker's"
        " CPU time is read from /proc before and after every run (`bench/balance.py`): a"
        f" run in which the least busy of the {plan.workers} workers did less than"
        f" {LEAST_SHARE:.0%} of the busiest's work is thrown away and run again, up to"
        f" {plan.attempts} attempts in all (the warm-ups too, uncounted); one still on one"
        " worker after that is kept and counted as unbalanced.",
        width=90,
    )


def repeats_line(plan: Plan, result: SizeResult) -> list[str]:
    run = result.paired
    if not run.checked:
        return ["Runs not checked for reaching every worker (their CPU could not be read)."]
    measured = sum(len(p.pages) + len(p.ceilings) for p in run.figures.values())
    return textwrap.wrap(
        f"Runs repeated because the load reached one worker only: {run.repeated()} (the"
        f" {measured} runs kept, pages and their bare views); kept unbalanced after"
        f" {plan.attempts} attempts: {run.unbalanced()}.",
        width=90,
    )


def repeats_cell(paired) -> str:
    return f"{paired.repeated}" + (f", {paired.unbalanced} unbalanced" if paired.unbalanced else "")


# --- two runs side by side ---------------------------------------------------------------
def commit() -> str:
    out = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip() or "?"


def this_run(sizes: list[SizeResult], when: str, measured_commit: str) -> dict:
    return {
        "when": when,
        "commit": measured_commit,
        "load": {f"{r.size}": [r.paired.load_before, r.paired.load_after] for r in sizes},
        "ratios": {
            f"{r.size}": {
                name: [p.ratio(), *p.spread(), p.page("p99_ms")]
                for name, p in r.paired.figures.items()
            }
            for r in sizes
        },
        # Runs thrown away because their load reached one worker only, and runs kept so.
        "repeated": {
            f"{r.size}": {name: [p.repeated, p.unbalanced] for name, p in r.paired.figures.items()}
            for r in sizes
        },
    }


def side_by_side(current: dict, ratios_file: Path = RATIOS_FILE) -> list[str]:
    """The previous run of the same commit next to this one; then this one is kept."""
    previous = json.loads(ratios_file.read_text()) if ratios_file.exists() else None
    ratios_file.parent.mkdir(parents=True, exist_ok=True)
    ratios_file.write_text(json.dumps(current, indent=1))
    if not previous or previous.get("commit") != current["commit"]:
        return [
            "## Two runs side by side",
            "",
            "No earlier run of this commit on this machine: run `make bench` again to compare.",
            "",
        ]
    lines = [
        "## Two runs side by side",
        "",
        f"The run before this one ({previous['when']}) and this run ({current['when']}),",
        f"same commit `{current['commit']}`; each ratio is ÷ the logged-in bare view, median",
        f"(lowest to highest pair). They should agree within {AGREE:.0%}.",
        "",
        "| sessions | page | run 1 | run 2 | difference | |",
        "|---|---|---|---|---|---|",
    ]
    for size, figures in current["ratios"].items():
        for name, (now, low, high, _) in figures.items():
            if name not in previous["ratios"].get(size, {}):
                continue
            then, p_low, p_high, _ = previous["ratios"][size][name]
            change = now / then - 1
            lines.append(
                f"| {int(size):,} | {LABELS[name]} | {then:.2f} ({p_low:.2f} to {p_high:.2f}) | "
                f"{now:.2f} ({low:.2f} to {high:.2f}) | {change:+.0%} | "
                f"{'agree' if abs(change) <= AGREE else '**differ**'} |"
            )
    differ = any("**differ**" in line for line in lines)
    if differ:
        lines += [
            "",
            *textwrap.wrap(
                "Where the two runs differ by more than 10%, neither figure is to be trusted"
                " alone. The next levers for the bench: run it with the machine to itself"
                " (compare the load averages below), then more or longer pairs"
                " (`Plan.pairs`, `Plan.pair_duration`). Runs whose load reached one gunicorn"
                " worker only are already repeated; pinning wrk and gunicorn to cores"
                " (`taskset`) cannot help on two cores, which gunicorn needs both of.",
                width=90,
            ),
        ]
    lines += ["", "| load average | run 1 before → after | run 2 before → after |", "|---|---|---|"]
    for size, (before, after) in current["load"].items():
        p_before, p_after = previous["load"].get(size, ["?", "?"])
        lines.append(f"| {int(size):,} sessions | {p_before} → {p_after} | {before} → {after} |")
    return [*lines, ""]
