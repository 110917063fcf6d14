"""sandbox/team/supervisor.py (`team_worker --supervised`), and `make run` keeping the
dashboard up while its worker is killed and started again."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from tests.team.test_team_worker import ROOT, _alive, _env, _group, _Output

STARTED = re.compile(r"Team worker started \(pid (\d+)\)")


def _pids(output: _Output) -> list[int]:
    return [int(m.group(1)) for line in output.lines if (m := STARTED.search(line))]


def _wait_for_pids(output: _Output, count: int, timeout: float = 60) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(_pids(output)) >= count:
            return _pids(output)
        time.sleep(0.1)
    raise AssertionError("".join(output.lines))


@pytest.mark.timeout(180)
def test_a_killed_worker_is_started_again_and_sigint_stops_both(tmp_path):
    env = _env(tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    process = subprocess.Popen(
        [sys.executable, "manage.py", "team_worker", "--supervised", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output = _Output(process)
        (first,) = _wait_for_pids(output, 1)
        output.wait_for("Huey consumer started")
        os.kill(first, signal.SIGKILL)
        output.wait_for("exited with -9")
        second = _wait_for_pids(output, 2)[1]
        assert second != first and _alive(second)
        assert process.poll() is None  # the supervisor lives on
        output.wait_for("Huey consumer started")
        time.sleep(1)  # the consumer installs its signal handlers just after that line
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and _alive(second):
            time.sleep(0.2)
        assert not _alive(second)
    finally:
        process.kill()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.timeout(240)
def test_make_run_keeps_serving_while_its_worker_is_killed_and_restarted(tmp_path):
    port = _free_port()
    process = subprocess.Popen(
        ["/bin/bash", "scripts/run.sh"],
        cwd=ROOT,
        env=_env(tmp_path, PORT=str(port)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        output = _Output(process)
        output.wait_for("Starting development server")
        assert f"Links in e-mails: http://127.0.0.1:{port}" in "".join(output.lines)
        (first,) = _wait_for_pids(output, 1)
        os.kill(first, signal.SIGKILL)
        _wait_for_pids(output, 2)
        time.sleep(4)  # run.sh used to exit a few seconds after its worker died
        assert process.poll() is None, "".join(output.lines)
        answer = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
        assert answer.status_code in (200, 503)  # serving (503: a dependency reported down)
    finally:
        members = _group(process.pid)
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        finally:
            for pid in members:
                if _alive(pid):
                    os.kill(pid, signal.SIGKILL)
