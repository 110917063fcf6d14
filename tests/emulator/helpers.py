"""What the emulator's tests share: its documented shapes, a fake clock and HTTP shortcuts."""

from __future__ import annotations

import json
import queue
import re
import subprocess
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests

from kapso_emulator import EmulatorServer

REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURE_NAME = "create_sandbox_session.response.json"
DOCUMENTED_FIXTURES = [
    REPO_ROOT / "tests" / "fixtures" / FIXTURE_NAME,
    Path("/work/shared/fixtures") / FIXTURE_NAME,
]
# Key sets of Kapso's documented create response (fixtures/create_sandbox_session.response.json).
SESSION_KEYS = {
    "id",
    "phone_number",
    "status",
    "activation_code",
    "activation_message",
    "activation_link",
    "activated_at",
    "expires_at",
    "created_at",
    "updated_at",
    "agent",
}
AGENT_KEYS = {"id", "name", "description", "project_id", "created_at", "updated_at"}
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
START = datetime(2023, 11, 7, 5, 31, 56, tzinfo=UTC)
KEY = "test-key"
AGENT = "agent-support-01"
JSON_TYPE = {"Content-Type": "application/json"}


class FakeClock:
    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def call(
    srv: EmulatorServer, method: str, path: str, *, key: str | None = KEY, **kwargs
) -> requests.Response:
    headers = kwargs.pop("headers", {})
    if key is not None:
        headers["X-API-Key"] = key
    return requests.request(method, srv.url + path, headers=headers, timeout=10, **kwargs)


def create(
    srv: EmulatorServer, phone: object = "+12345678901", agent_id: object = AGENT, *, key=KEY
) -> requests.Response:
    body = {"whatsapp_sandbox_session": {"phone_number": phone, "agent_id": agent_id}}
    return call(srv, "POST", "/api/v1/sandbox_sessions", key=key, json=body)


def control(
    srv: EmulatorServer, method: str, path: str, payload: object = None
) -> requests.Response:
    """A control call as a well-behaved client makes it.

    Every state-changing control request must say it is JSON, bodyless ones (reset) too: a
    cross-site form cannot, which is the point (see kapso_emulator.control.require_json).
    """
    headers = {} if method in ("GET", "HEAD") else dict(JSON_TYPE)
    data = None if payload is None else json.dumps(payload)
    url = srv.url + "/_emulator" + path
    return requests.request(method, url, data=data, headers=headers, timeout=10)


def first_line(proc: subprocess.Popen, timeout: float = 15) -> str:
    """The process's first stdout line, or a failure naming its stderr if none comes in time.

    Read in a thread because a pipe's readline has no timeout of its own.
    """
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: lines.put(proc.stdout.readline()), daemon=True).start()
    try:
        line = lines.get(timeout=timeout)
    except queue.Empty:
        proc.kill()
        raise AssertionError(f"no output within {timeout} s: {proc.stderr.read()}") from None
    if not line:
        raise AssertionError(f"exited without output: {proc.wait(timeout=5)} {proc.stderr.read()}")
    return line.strip()


def listening_port(line: str, state: str) -> int:
    """The port named by the emulator's start-up line, after checking the line's whole shape."""
    shape = (
        r"Kapso emulator listening on http://127\.0\.0\.1:([0-9]+)/api/v1 "
        rf"\(state: {re.escape(state)}\)"
    )
    found = re.fullmatch(shape, line)
    assert found, line
    port = int(found.group(1))
    assert 0 < port < 65536
    return port
