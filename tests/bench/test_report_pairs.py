"""bench/report_pairs.py: the runs repeated because their load reached one worker only."""

from __future__ import annotations

from bench.loadgen import LoadResult
from bench.pairs import Paired, PairedRun
from bench.plan import Plan, SizeResult
from bench.report_pairs import pages_under_load, this_run


def run(rps: float) -> LoadResult:
    return LoadResult(rps=rps, p50_ms=2, p99_ms=9, requests=100, errors=0, tool="wrk")


def size(checked: bool = True) -> SizeResult:
    figures = {
        "session": Paired([run(600)] * 5, [run(1000)] * 5, repeated=3, unbalanced=1),
        "history": Paired([run(400)] * 5, [run(1000)] * 5),
    }
    return SizeResult(size=1_000, paired=PairedRun(figures, "1, 1, 1", "1, 1, 1", checked))


def test_each_size_says_how_many_runs_were_repeated_and_why():
    text = " ".join(pages_under_load(Plan(), [size()]))
    assert "accepted by whichever gunicorn worker wakes first" in text
    assert "less than 25% of the busiest's work" in text
    assert "Runs repeated because the load reached one worker only: 3 (the 20 runs kept" in text
    assert f"kept unbalanced after {Plan().attempts} attempts: 1." in text
    assert "| 3, 1 unbalanced |" in text
    assert "| 0 |" in text


def test_a_run_not_checked_says_so():
    text = " ".join(pages_under_load(Plan(), [size(checked=False)]))
    assert "Runs not checked for reaching every worker" in text


def test_the_ratios_file_carries_the_counts():
    saved = this_run([size()], "now", "abc1234")
    assert saved["repeated"] == {"1000": {"session": [3, 1], "history": [0, 0]}}
