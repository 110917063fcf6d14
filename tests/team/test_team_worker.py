"""sandbox/team/management/commands/team_worker.py, and `make run` (scripts/run.sh) starting
it beside the dashboard: Ctrl-C stops everything."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        TEAM_QUEUE_URL=f"sqlite:///{tmp_path / 'queue.sqlite3'}",
        CACHE_URL="locmemcache://",
        SECRET_KEY="test-secret-key-for-the-run-script-only",
        # Set, so `make run` does not write one into this checkout's .env.
        PRIVACY_HASH_KEY="test-privacy-key-for-the-run-script-only",
        KAPSO_API_KEY="test-key",
        # Nobody answers there: these tests are about processes, not Kapso.
        KAPSO_API_BASE_URL="http://127.0.0.1:9/api/v1",
        **extra,
    )
    return env


class _Output:
    """A child's output, read by a thread so that waiting for a line never blocks."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.lines: list[str] = []
        threading.Thread(target=self._pump, args=(process,), daemon=True).start()

    def _pump(self, process: subprocess.Popen) -> None:
        for line in process.stdout:
            self.lines.append(line)

    def wait_for(self, text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(text in line for line in self.lines):
                return "".join(self.lines)
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not seen; output so far:\n{''.join(self.lines)}")


def _alive(pid: int) -> bool:
    """Running: a zombie (dead, its exit not yet collected by whoever adopted it) is not."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _family(pid: int) -> list[int]:
    """`pid` and all its descendants, whatever their process group (the supervised worker
    has one of its own)."""
    out = subprocess.run(
        ["/usr/bin/ps", "-o", "pid=,ppid=", "-e"], capture_output=True, text=True
    ).stdout
    children: dict[int, list[int]] = {}
    for child, parent in (map(int, line.split()) for line in out.splitlines()):
        children.setdefault(parent, []).append(child)
    found, todo = [], [pid]
    while todo:
        found.append(todo.pop())
        todo.extend(children.get(found[-1], []))
    return found


def _still_running(pids: list[int], output: str) -> str:
    """What a failed stop left behind, for the assertion's message."""
    alive = [str(p) for p in pids if _alive(p)]
    table = subprocess.run(  # noqa: S603 (ps, with process ids)
        ["/usr/bin/ps", "-o", "pid,ppid,pgid,stat,etime,args", "-p", ",".join(alive) or "1"],
        capture_output=True,
        text=True,
    ).stdout
    return f"still running:\n{table}\noutput:\n{output}"


def test_the_worker_starts_beats_and_stops_on_sigint(tmp_path):
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=_env(tmp_path),
        check=True,
        timeout=120,
    )
    process = subprocess.Popen(
        [sys.executable, "manage.py", "team_worker", "--workers", "1"],
        cwd=ROOT,
        env=_env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _Output(process).wait_for("Huey consumer started")
        time.sleep(1)  # it logs that line just before it installs its signal handlers
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        process.kill()
    check = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from sandbox.team.models import WorkerHeartbeat as W; print(W.objects.count())",
        ],
        cwd=ROOT,
        env=_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.stdout.strip().splitlines()[-1] == "1"


@pytest.mark.timeout(180)
def test_make_run_starts_the_worker_and_ctrl_c_stops_everything(tmp_path):
    process = subprocess.Popen(
        ["/bin/bash", "scripts/run.sh"],
        cwd=ROOT,
        env=_env(tmp_path, PORT="0"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives it
    )
    try:
        seen = _Output(process)
        seen.wait_for("Huey consumer started")
        output = seen.wait_for("Starting development server")
        # bash, the supervisor and its worker, runserver and its child
        members = _family(process.pid)
        assert len(members) >= 5, output
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            raise AssertionError(_still_running(members, "".join(seen.lines))) from None
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_alive(p) for p in members):
            time.sleep(0.2)
        assert not [p for p in members if _alive(p)], _still_running(members, output)
    finally:
        if process.poll() is None:
            for pid in _family(process.pid):
                os.kill(pid, signal.SIGKILL)
