"""Keep one worker process running: start it again when it dies, stop it when told to.

`manage.py team_worker --supervised` (what `make run` starts) runs the worker as a child
and waits on it. A worker that dies (killed, out of memory, a crash) is started again a
moment later, so the dashboard beside it keeps serving and batches carry on (a restarted
worker resumes what its predecessor left: jobs.resume). SIGINT or SIGTERM to the
supervisor is passed to the child, and both exit.
"""

from __future__ import annotations

import signal
import subprocess
import threading
from collections.abc import Callable, Sequence

RESTART_DELAY_SECONDS = 1.0
# A worker dying this fast again and again is broken, not unlucky: wait longer between tries.
MAX_DELAY_SECONDS = 30.0


def supervise(
    argv: Sequence[str], *, say: Callable[[str], None], delay: float = RESTART_DELAY_SECONDS
) -> int:
    """Run `argv` until told to stop, starting it again whenever it exits on its own."""
    stopping = threading.Event()
    child: subprocess.Popen | None = None

    def stop(signum, _frame) -> None:
        stopping.set()
        if child is not None and child.poll() is None:
            child.send_signal(signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    wait = delay
    try:
        while not stopping.is_set():
            child = subprocess.Popen(list(argv))  # noqa: S603 (our manage.py, argv built here)
            say(f"Team worker started (pid {child.pid}).")
            code = child.wait()
            if stopping.is_set():
                return 0
            say(f"Team worker exited with {code}; starting it again in {wait:.0f} s.")
            stopping.wait(wait)
            wait = min(MAX_DELAY_SECONDS, wait * 2) if code != 0 else delay
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if child is not None and child.poll() is None:
            child.terminate()
            child.wait(timeout=30)
