"""Keep one worker process running: start it again when it dies, stop it when told to.

`manage.py team_worker --supervised` (what `make run` starts) runs the worker as a child
and waits on it. A worker that dies (killed, out of memory, a crash) is started again a
moment later, so the dashboard beside it keeps serving and batches carry on (a restarted
worker resumes what its predecessor left: jobs.resume).

Stopping: SIGINT or SIGTERM to the supervisor is passed to the child, once, and both exit.
- The child has its own process group, so a terminal's Ctrl-C (sent to the whole
  foreground group) reaches it only through the supervisor. Reaching it twice, as it did
  when it shared the group, is what Huey's consumer reads as "stop now" in the middle of
  a graceful stop, raised wherever its main thread happens to be.
- A child still running `STOP_GRACE_SECONDS` after that is killed: a stop always ends.
  The jobs are written to survive a worker killed midway (sandbox/team/jobs.py).
- A supervisor killed outright takes its child along (Linux's parent-death signal), so
  a worker in a group of its own is never left behind.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import threading
from collections.abc import Callable, Sequence

RESTART_DELAY_SECONDS = 1.0
# A worker dying this fast again and again is broken, not unlucky: wait longer between tries.
MAX_DELAY_SECONDS = 30.0
# What a graceful stop may take: above the worker's own shutdown timeout (team_worker), so
# a stop that goes to plan is never cut short, and well under the 30 s after which a
# process manager or a person at the terminal gives up waiting.
STOP_GRACE_SECONDS = 12.0
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def supervise(
    argv: Sequence[str],
    *,
    say: Callable[[str], None],
    delay: float = RESTART_DELAY_SECONDS,
    grace: float = STOP_GRACE_SECONDS,
) -> int:
    """Run `argv` until told to stop, starting it again whenever it exits on its own."""
    stopping = threading.Event()
    killed = threading.Event()
    child: subprocess.Popen | None = None

    def stop(signum, _frame) -> None:
        if stopping.is_set():
            return  # passed on once: a second signal would turn a graceful stop abrupt
        stopping.set()
        if child is not None and child.poll() is None:
            child.send_signal(signum)
        # The main thread may be blocked in child.wait(): the alarm ends that wait.
        signal.setitimer(signal.ITIMER_REAL, grace)

    def out_of_time(_signum, _frame) -> None:
        if child is not None and child.poll() is None:
            killed.set()
            child.kill()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    previous[signal.SIGALRM] = signal.signal(signal.SIGALRM, out_of_time)
    wait = delay
    try:
        while not stopping.is_set():
            child = _start(argv)
            say(f"Team worker started (pid {child.pid}).")
            code = child.wait()
            if stopping.is_set():
                break
            say(f"Team worker exited with {code}; starting it again in {wait:.0f} s.")
            stopping.wait(wait)
            wait = min(MAX_DELAY_SECONDS, wait * 2) if code != 0 else delay
        if killed.is_set():
            say(f"Team worker did not stop within {grace:.0f} s; killed.")
        return 0
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if child is not None and child.poll() is None:  # the supervisor itself failed
            child.kill()
            child.wait()


def _start(argv: Sequence[str]) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 (our manage.py, argv built by team_worker)
        list(argv),
        process_group=0,
        preexec_fn=_dies_with(os.getpid()),  # preexec_fn: safe, no other thread here
    )


def _dies_with(parent: int) -> Callable[[], None]:
    """In the child, before it runs: SIGTERM (Huey's "stop now") when `parent` dies."""

    def arrange() -> None:
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
        except (OSError, AttributeError):  # not Linux: no such signal to ask for
            return
        if os.getppid() != parent:  # it died before the request took effect
            os._exit(1)

    return arrange
