"""``python -m kapso_emulator`` (kapso_emulator/__main__.py) in its own process.

Started with --port 0: the emulator binds a port the OS picks and names it on its first
stdout line, so no port is ever released and re-bound (another process could take it).
"""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest
import requests

from tests.emulator.helpers import REPO_ROOT, first_line, listening_port


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "kapso_emulator", *args],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_cli_starts_and_serves(tmp_path):
    state_file = tmp_path / "nested" / "state.json"
    proc = start("--port", "0", "--state-file", str(state_file), "--api-key", "cli-secret")
    try:
        line = first_line(proc)
        port = listening_port(line, str(state_file))
        health = requests.get(f"http://127.0.0.1:{port}/_emulator/health", timeout=5).json()
        agents = requests.get(
            f"http://127.0.0.1:{port}/api/v1/agents", headers={"X-API-Key": "cli-secret"}, timeout=5
        )
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=15)

    assert health == {"status": "ok", "sessions": 0, "agents": 3}
    assert line == (
        f"Kapso emulator listening on http://127.0.0.1:{port}/api/v1 (state: {state_file})"
    )
    assert agents.status_code == 200
    assert proc.returncode == 0
    assert "Traceback" not in stderr
    assert "cli-secret" not in stderr
    assert state_file.exists()


def test_cli_port_zero_binds_a_different_free_port_each_time():
    procs = [start("--port", "0", "--state-file", "") for _ in range(2)]
    try:
        ports = [listening_port(first_line(proc), "memory") for proc in procs]
        answers = [
            requests.get(f"http://127.0.0.1:{port}/_emulator/health", timeout=5).status_code
            for port in ports
        ]
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=15)

    assert ports[0] != ports[1]
    assert answers == [200, 200]
    assert [proc.returncode for proc in procs] == [0, 0]


@pytest.mark.parametrize("port", ["-1", "65536", "http"])
def test_cli_refuses_an_impossible_port_without_a_traceback(port):
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kapso_emulator", "--port", port, "--state-file", ""],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=30,
    )  # fmt: skip

    assert done.returncode == 2
    assert "must be a port number from 0 to 65535" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout == ""
