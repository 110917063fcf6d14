"""bench/measure.py: a run that reached one worker only is run again, fresh paths and all."""

from __future__ import annotations

import random

from bench.loadgen import LoadResult
from bench.measure import balanced_run
from bench.pairs import IN_FLIGHT, FirstViews
from bench.plan import Plan

PLAN = Plan()  # 2 workers


class ScriptedProbe:
    """Snapshots whose differences are the worker ticks of each run, in turn."""

    def __init__(self, runs: list[list[int]]) -> None:
        self.runs = iter(runs)
        self.total = [0, 0]
        self.before = True

    def snapshot(self):
        if not self.before:
            self.total = [t + d for t, d in zip(self.total, next(self.runs), strict=True)]
        self.before = not self.before
        return {(800 + i, 1): ticks for i, ticks in enumerate(self.total)}


def result(rps: float = 1000.0, requests: int = 100) -> LoadResult:
    return LoadResult(rps=rps, p50_ms=1, p99_ms=2, requests=requests, errors=0, tool="wrk")


def test_a_balanced_run_is_kept_at_once():
    runs = iter([result(1010)])
    checked = balanced_run(lambda: next(runs), ScriptedProbe([[270, 205]]), PLAN, "bare")
    assert (checked.result.rps, checked.thrown, checked.balanced) == (1010, 0, True)


def test_a_run_on_one_worker_is_thrown_away_and_said(capsys):
    runs = iter([result(485), result(1128)])
    checked = balanced_run(lambda: next(runs), ScriptedProbe([[305, 1], [268, 213]]), PLAN, "bare")
    assert (checked.result.rps, checked.thrown, checked.balanced) == (1128, 1, True)
    assert "bare: one worker only, thrown away (485.0 req/s, worker ticks [305, 1])" in (
        capsys.readouterr().out
    )


def test_the_last_attempt_is_kept_and_marked():
    runs = iter([result(400 + i) for i in range(PLAN.attempts)])
    probe = ScriptedProbe([[300, 0]] * PLAN.attempts)
    checked = balanced_run(lambda: next(runs), probe, PLAN, "bare")
    thrown = PLAN.attempts - 1
    assert (checked.result.rps, checked.thrown, checked.balanced) == (400 + thrown, thrown, False)


def test_without_a_probe_the_run_is_kept_unchecked():
    checked = balanced_run(lambda: result(700), None, PLAN, "bare")
    assert (checked.result.rps, checked.thrown, checked.balanced) == (700, 0, True)


def test_a_repeated_first_view_run_sends_paths_never_sent_before():
    deck = FirstViews.of(list(range(1000)), random.Random(1), shown=set())  # noqa: S311
    sent: list[list[str]] = []

    def first_view_run() -> LoadResult:  # as _paired_load: deal, send, say what went
        paths = deck.deal()
        sent.append(paths[:50])
        deck.used(50, dealt=len(paths))
        return result(requests=50)

    checked = balanced_run(first_view_run, ScriptedProbe([[300, 0], [200, 190]]), PLAN, "first")
    assert checked.thrown == 1
    assert not set(sent[0]) & set(sent[1])
    assert deck.dealt == 2 * (50 + IN_FLIGHT)
