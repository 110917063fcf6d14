"""bench/balance.py: whether a load run reached every gunicorn worker, from /proc ticks."""

from __future__ import annotations

from pathlib import Path

from bench.balance import LEAST_SHARE, WorkerProbe, balanced, leaves, parse_stat, work


def stat_line(pid: int, ppid: int, pgrp: int, utime: int, stime: int, start: int, comm="x"):
    """A /proc/<pid>/stat line: fields 1..22 (1-based), the rest zeros."""
    fields = [str(pid), f"({comm})", "S", str(ppid), str(pgrp), *["0"] * 8]
    fields += [str(utime), str(stime), *["0"] * 6, str(start), "0", "0"]
    return " ".join(fields) + "\n"


def fake_proc(tmp_path: Path, processes: list[tuple[int, int, int, int, int]]) -> Path:
    """(pid, ppid, pgrp, ticks, start) each, under tmp_path as /proc shows them."""
    for pid, ppid, pgrp, ticks, start in processes:
        (tmp_path / str(pid)).mkdir(exist_ok=True)
        (tmp_path / str(pid) / "stat").write_text(stat_line(pid, ppid, pgrp, ticks, 0, start))
    (tmp_path / "self").mkdir(exist_ok=True)  # not a pid: skipped
    return tmp_path


def test_the_fields_are_counted_from_the_last_parenthesis():
    line = stat_line(812, 800, 800, 270, 35, 9999, comm="gunicorn: worker [a) (b]")
    assert parse_stat(line) == {
        "ppid": 800,
        "pgrp": 800,
        "utime": 270,
        "stime": 35,
        "starttime": 9999,
    }


def test_the_workers_are_the_leaves_of_the_group_below_its_leader():
    stats = {
        800: {"ppid": 1, "pgrp": 800},  # the master (serve.sh exec'd it)
        801: {"ppid": 800, "pgrp": 800},
        802: {"ppid": 800, "pgrp": 800},
        900: {"ppid": 800, "pgrp": 900},  # another group
        950: {"ppid": 1, "pgrp": 950},
    }
    assert leaves(stats, 800) == [801, 802]


def test_a_shell_above_the_master_is_not_taken_for_it():
    stats = {
        700: {"ppid": 1, "pgrp": 700},  # bash
        701: {"ppid": 700, "pgrp": 700},  # the master
        702: {"ppid": 701, "pgrp": 700},
        703: {"ppid": 701, "pgrp": 700},
    }
    assert leaves(stats, 700) == [702, 703]


def test_a_leader_alone_has_no_workers():
    assert leaves({800: {"ppid": 1, "pgrp": 800}}, 800) == []


def test_work_is_the_ticks_between_snapshots_busiest_first():
    before = {(801, 5): 100, (802, 6): 40}
    after = {(801, 5): 305, (802, 6): 41}
    assert work(before, after) == [205, 1]


def test_a_worker_born_during_the_run_counts_all_its_ticks_and_one_gone_counts_none():
    before = {(801, 5): 100, (802, 6): 40}
    after = {(801, 5): 300, (803, 7): 150}  # 802 was replaced by 803
    assert work(before, after) == [200, 150]


def test_a_reused_pid_is_another_worker():
    before = {(801, 5): 900}
    after = {(801, 77): 120}  # same pid, a later start: a new process
    assert work(before, after) == [120]


def test_both_workers_busy_is_balanced():
    assert balanced([270, 205], 2)
    assert balanced([168, 167], 2)
    assert balanced([135, 50], 2)  # 3 + 1 connections with the machine busy: 0.37


def test_one_worker_doing_everything_is_not():
    assert not balanced([305, 1], 2)
    assert not balanced([200, 9], 2)
    assert not balanced([193, 0], 2)


def test_the_threshold_is_the_least_busy_against_the_busiest():
    assert balanced([100, round(100 * LEAST_SHARE)], 2)
    assert not balanced([100, round(100 * LEAST_SHARE) - 1], 2)
    assert balanced([100, 30], 2, least_share=0.3)
    assert not balanced([100, 30], 2, least_share=0.4)


def test_only_the_expected_number_of_busiest_workers_count():
    assert balanced([200, 150, 0], 2)  # a third, idle process does not spoil it
    assert not balanced([200, 150, 0], 3)


def test_fewer_workers_than_expected_or_no_work_is_not_balanced():
    assert not balanced([300], 2)
    assert not balanced([], 2)
    assert not balanced([0, 0], 2)


def test_the_probe_reads_the_workers_of_its_group(tmp_path):
    proc = fake_proc(
        tmp_path,
        [(800, 1, 800, 50, 1), (801, 800, 800, 270, 2), (802, 800, 800, 5, 3), (9, 1, 9, 99, 4)],
    )
    probe = WorkerProbe.of(800, proc)
    assert probe is not None
    assert probe.snapshot() == {(801, 2): 270, (802, 3): 5}


def test_the_probe_finds_a_replaced_worker_at_the_next_snapshot(tmp_path):
    proc = fake_proc(tmp_path, [(800, 1, 800, 50, 1), (801, 800, 800, 270, 2)])
    probe = WorkerProbe(800, proc)
    before = probe.snapshot()
    (proc / "801" / "stat").unlink()
    (proc / "801").rmdir()
    fake_proc(proc, [(805, 800, 800, 30, 9), (806, 800, 800, 40, 9)])
    assert probe.snapshot() == {(805, 9): 30, (806, 9): 40}
    assert work(before, probe.snapshot()) == [40, 30]


def test_no_probe_where_no_worker_can_be_seen(tmp_path):
    assert WorkerProbe.of(800, fake_proc(tmp_path, [(800, 1, 800, 50, 1)])) is None
    assert WorkerProbe.of(800, tmp_path / "missing") is None
