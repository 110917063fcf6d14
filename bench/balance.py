"""Did a load run reach every gunicorn worker?

wrk opens its few keep-alive connections once, at the start of a run, and each is accepted
by whichever worker wakes first; now and then one worker accepts them all. The run then
measures one worker, bound by its own GIL, at about half the throughput of two, while the
other worker sleeps. Reading each worker's CPU time (utime + stime in /proc/<pid>/stat,
in clock ticks) before and after the run tells the two cases apart: a run is *balanced*
when each of the `workers` busiest workers did at least LEAST_SHARE of the busiest one's
work.

Why 0.25: measured on this machine (2 cores), 24 runs of 2 s at 4 connections, with the
connections each worker held counted from /proc: in the 7 runs where one worker held all
four, the other did 0 to 0.04 of its work (a few ticks of housekeeping); in every run where
both held some (2 + 2 or 3 + 1), the least busy did 0.37 to 0.99, and 0.73 or more unless
something else took the CPU. A quarter sits in that gap with room on both sides; 0.4 would
have thrown away a run that did reach both workers.

The workers are the leaves of the server's process group (scripts/serve.sh execs the
gunicorn master, whose children are the workers), found again at every snapshot, since the
master may replace a worker; each is keyed by pid and start time so that a reused pid is
never taken for the same worker.
"""

from __future__ import annotations

from pathlib import Path

LEAST_SHARE = 0.25  # the least-busy of the expected workers, against the busiest
PROC = Path("/proc")

# A process as /proc names it: (pid, start time in ticks since boot).
Worker = tuple[int, int]


def parse_stat(text: str) -> dict[str, int]:
    """ppid, pgrp, utime, stime and starttime from the text of /proc/<pid>/stat.

    The command name (field 2) is in parentheses and may itself hold spaces or ")", so the
    fields are counted from the last ")": field n (1-based) is rest[n - 3].
    """
    rest = text[text.rindex(")") + 2 :].split()
    return {
        "ppid": int(rest[1]),
        "pgrp": int(rest[2]),
        "utime": int(rest[11]),
        "stime": int(rest[12]),
        "starttime": int(rest[19]),
    }


def leaves(stats: dict[int, dict[str, int]], group: int) -> list[int]:
    """The processes of process group `group` that have no child in it: the workers under
    a gunicorn master (however many shells sit above the master)."""
    members = {pid for pid, stat in stats.items() if stat["pgrp"] == group}
    parents = {stats[pid]["ppid"] for pid in members}
    return sorted(pid for pid in members if pid not in parents and stats[pid]["ppid"] in members)


def work(before: dict[Worker, int], after: dict[Worker, int]) -> list[int]:
    """The ticks each worker spent between two snapshots, busiest first.

    A worker born in between counts all of its ticks; one gone by the second snapshot is
    left out (what it did cannot be read any more, so the run looks less balanced than it
    may have been, and is repeated rather than trusted).
    """
    return sorted((ticks - before.get(worker, 0) for worker, ticks in after.items()), reverse=True)


def balanced(ticks: list[int], workers: int, least_share: float = LEAST_SHARE) -> bool:
    """Whether each of the `workers` busiest did at least `least_share` of the busiest's
    work. Fewer workers seen than expected, or no work seen at all, is not balanced."""
    busiest = sorted(ticks, reverse=True)[:workers]
    if len(busiest) < workers or busiest[0] <= 0:
        return False
    return busiest[-1] >= least_share * busiest[0]


def _read_stats(proc: Path = PROC) -> dict[int, dict[str, int]]:
    stats = {}
    for entry in proc.iterdir():
        if entry.name.isdigit():
            try:
                stats[int(entry.name)] = parse_stat((entry / "stat").read_text())
            except (OSError, ValueError, IndexError):
                continue  # gone between the listing and the read
    return stats


class WorkerProbe:
    """Snapshots of the CPU ticks of the workers in one server's process group."""

    def __init__(self, group: int, proc: Path = PROC) -> None:
        self.group = group
        self.proc = proc

    @classmethod
    def of(cls, group: int, proc: Path = PROC) -> WorkerProbe | None:
        """A probe of `group` (the pid of the server's group leader), or None where /proc
        cannot show its workers (not Linux, or no worker yet): then runs are not checked."""
        probe = cls(group, proc)
        try:
            return probe if probe.snapshot() else None
        except OSError:
            return None

    def snapshot(self) -> dict[Worker, int]:
        """Each worker's CPU time so far, utime + stime, in clock ticks."""
        stats = _read_stats(self.proc)
        return {
            (pid, stats[pid]["starttime"]): stats[pid]["utime"] + stats[pid]["stime"]
            for pid in leaves(stats, self.group)
        }
