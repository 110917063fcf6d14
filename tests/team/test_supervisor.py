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

from tests.team.test_team_worker import ROOT, _alive, _env, _family, _Output, _still_running

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
        members = _family(process.pid)
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            raise AssertionError(_still_running(members, "".join(output.lines))) from None
        finally:
            for pid in members:
                if _alive(pid):
                    os.kill(pid, signal.SIGKILL)


# A stand-in worker: counts the SIGINTs it gets, and says how many when it ends. With
# IGNORE it will not stop at all.
_WORKER = """
import signal, sys, time
seen = []
if sys.argv[2] == "IGNORE":
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
else:
    signal.signal(signal.SIGINT, lambda *_: seen.append(1))
print("worker ready", flush=True)
while not seen:
    time.sleep(0.05)
time.sleep(1)  # time for a second signal to arrive, if one is coming
with open(sys.argv[1], "w") as out:
    out.write(str(len(seen)))
"""
_SUPERVISOR = (
    "import sys; from sandbox.team.supervisor import supervise; "
    "sys.exit(supervise(sys.argv[2:], say=print, grace=float(sys.argv[1])))"
)


def _supervised_stand_in(tmp_path, *, grace: float = 12, mode: str = "COUNT"):
    worker = (sys.executable, "-c", _WORKER, str(tmp_path / "signals"), mode)
    process = subprocess.Popen(  # noqa: S603 (this interpreter, with the scripts above)
        [sys.executable, "-u", "-c", _SUPERVISOR, str(grace), *worker],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # a group of its own, as a terminal gives one
    )
    output = _Output(process)
    output.wait_for("worker ready", timeout=30)
    return process, output, _pids(output)[0]


def test_ctrl_c_reaches_the_worker_once_through_the_supervisor(tmp_path):
    """Huey's consumer reads a second SIGINT as "stop now", raised mid-way through its
    graceful stop: the worker must not get one from the terminal and one passed on."""
    process, output, worker = _supervised_stand_in(tmp_path)
    try:
        assert os.getpgid(worker) != os.getpgid(process.pid)
        os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        assert process.wait(timeout=30) == 0, "".join(output.lines)
        assert (tmp_path / "signals").read_text() == "1"
    finally:
        for pid in (process.pid, worker):
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_worker_that_will_not_stop_is_killed_after_the_grace(tmp_path):
    process, output, worker = _supervised_stand_in(tmp_path, grace=1, mode="IGNORE")
    try:
        started = time.monotonic()
        process.send_signal(signal.SIGINT)
        process.send_signal(signal.SIGTERM)  # what run.sh's clean-up adds: no second clock
        assert process.wait(timeout=30) == 0
        assert time.monotonic() - started < 10
        output.wait_for("did not stop within 1 s; killed")
        assert not _alive(worker)
    finally:
        for pid in (process.pid, worker):
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_supervisor_killed_outright_takes_its_worker_along(tmp_path):
    process, _output, worker = _supervised_stand_in(tmp_path)
    try:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and _alive(worker):
            time.sleep(0.1)
        assert not _alive(worker)
    finally:
        if _alive(worker):
            os.kill(worker, signal.SIGKILL)
