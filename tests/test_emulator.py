"""Behaviour of the stand-alone Kapso API emulator, exercised over real HTTP."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from kapso_emulator import EmulatorServer

REPO_ROOT = Path(__file__).resolve().parents[1]
FIXTURE_NAME = "create_sandbox_session.response.json"
DOCUMENTED_FIXTURES = [
    Path(__file__).parent / "fixtures" / FIXTURE_NAME,
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


class FakeClock:
    def __init__(self, start: datetime = START) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def call(srv, method, path, *, key=KEY, **kwargs):
    headers = kwargs.pop("headers", {})
    if key is not None:
        headers["X-API-Key"] = key
    return requests.request(method, srv.url + path, headers=headers, timeout=10, **kwargs)


def create(srv, phone="+12345678901", agent_id=AGENT, *, key=KEY):
    body = {"whatsapp_sandbox_session": {"phone_number": phone, "agent_id": agent_id}}
    return call(srv, "POST", "/api/v1/sandbox_sessions", key=key, json=body)


def control(srv, method, path, payload=None):
    return requests.request(method, srv.url + "/_emulator" + path, json=payload, timeout=10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_health(url: str, proc: subprocess.Popen) -> dict:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        assert proc.poll() is None, proc.stderr.read()
        try:
            return requests.get(url + "/_emulator/health", timeout=1).json()
        except requests.ConnectionError:
            time.sleep(0.1)
    raise AssertionError("emulator did not come up")


@pytest.fixture
def make_emulator():
    servers = []

    def make(**kwargs) -> EmulatorServer:
        kwargs.setdefault("port", 0)
        srv = EmulatorServer(**kwargs).start()
        servers.append(srv)
        return srv

    yield make
    for srv in servers:
        srv.stop()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def emulator(make_emulator, clock) -> EmulatorServer:
    return make_emulator(clock=clock)


# -- create and read ------------------------------------------------------------------------


def test_create_returns_documented_shape(emulator):
    response = create(emulator)

    assert response.status_code == 201
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    session = response.json()["data"]
    assert set(session) == SESSION_KEYS
    assert set(session["agent"]) == AGENT_KEYS
    assert uuid.UUID(session["id"]).version == 4
    assert session["phone_number"] == "+12345678901"
    assert session["status"] == "pending_activation"
    code = session["activation_code"]
    assert session["activation_message"] == f"Your WhatsApp Sandbox activation code is: {code}"
    assert session["activation_link"] == f"https://wa.me/15551234567?text={code}"
    assert session["activated_at"] is None
    assert session["created_at"] == session["updated_at"] == "2023-11-07T05:31:56Z"
    assert session["expires_at"] == "2023-11-08T05:31:56Z"
    assert session["agent"]["id"] == AGENT
    assert session["agent"]["project_id"] == "project-emulator"
    for stamp in ("created_at", "updated_at"):
        assert TIMESTAMP.fullmatch(session["agent"][stamp])


def test_documented_key_sets_match_fixture():
    present = [path for path in DOCUMENTED_FIXTURES if path.exists()]
    if not present:
        pytest.skip("documented Kapso fixture not present")
    for path in present:
        documented = json.loads(path.read_text())["data"]
        assert set(documented) == SESSION_KEYS
        assert set(documented["agent"]) == AGENT_KEYS


def test_activation_codes_avoid_lookalike_characters(emulator):
    codes = {create(emulator).json()["data"]["activation_code"] for _ in range(40)}

    assert all(re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", code) for code in codes)
    assert len(codes) > 1


def test_activation_link_uses_configured_sandbox_number(make_emulator):
    srv = make_emulator(sandbox_number="+1 (555) 000-1111")

    session = create(srv).json()["data"]

    assert session["activation_link"].startswith("https://wa.me/15550001111?text=")


def test_get_session_returns_created_session_and_404_for_unknown(emulator):
    created = create(emulator).json()["data"]

    fetched = call(emulator, "GET", f"/api/v1/sandbox_sessions/{created['id']}")
    missing = call(emulator, "GET", f"/api/v1/sandbox_sessions/{uuid.uuid4()}")

    assert fetched.status_code == 200
    assert fetched.json() == {"data": created}
    assert missing.status_code == 404
    assert missing.json() == {"error": "Sandbox session not found"}


def test_agents_are_seeded_with_opaque_ids(emulator):
    response = call(emulator, "GET", "/api/v1/agents")

    agents = response.json()["data"]
    assert response.status_code == 200
    assert [agent["id"] for agent in agents] == [
        "agent-support-01",
        "agent-sales-02",
        "agent-onboarding-03",
    ]
    for agent in agents:
        assert set(agent) == AGENT_KEYS
        assert agent["name"] and agent["description"]
        assert call(emulator, "GET", f"/api/v1/agents/{agent['id']}").json() == {"data": agent}
    unknown = call(emulator, "GET", "/api/v1/agents/agent-nope")
    assert unknown.status_code == 404
    assert unknown.json() == {"error": "Agent not found"}


@pytest.mark.parametrize(
    "phone",
    [
        "12345678901",
        "+0123456789",
        "+123456",
        "+1234567890123456",
        "+12345678901\n",
        "+1 234 567 8901",
        "+١٢٣٤٥٦٧٨",
        "",
        None,
        12345678901,
    ],
)
def test_create_validates_phone_and_agent(emulator, phone):
    response = create(emulator, phone=phone)

    assert response.status_code == 422
    assert response.json() == {
        "error": "Validation failed",
        "message": "Phone number is invalid",
        "errors": {"phone_number": ["is invalid"]},
    }
    assert emulator.store.counts()[0] == 0


@pytest.mark.parametrize("agent_id", [None, "", "   ", 42])
def test_create_requires_agent_id(emulator, agent_id):
    response = create(emulator, agent_id=agent_id)

    assert response.status_code == 422
    assert response.json()["error"] == "Validation failed"
    assert response.json()["errors"] == {"agent_id": ["can't be blank"]}


def test_create_with_unknown_agent_is_404(emulator):
    response = create(emulator, agent_id="123e4567-e89b-12d3-a456-426614174000")

    assert response.status_code == 404
    assert response.json() == {"error": "Agent not found"}


@pytest.mark.parametrize("phone", ["+1234567", "+123456789012345"])
def test_create_accepts_shortest_and_longest_e164(emulator, phone):
    assert create(emulator, phone=phone).status_code == 201


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b"{}", b'{"whatsapp_sandbox_session": "x"}', b"", b"\xff\xfe"],
)
def test_create_rejects_malformed_body_with_400(emulator, body):
    response = call(emulator, "POST", "/api/v1/sandbox_sessions", data=body)

    assert response.status_code == 400
    assert response.json()["error"] == "Bad request"
    assert isinstance(response.json()["message"], str)


def test_oversized_body_is_413(emulator):
    response = call(emulator, "POST", "/api/v1/sandbox_sessions", data=b"x" * (1024 * 1024 + 1))

    assert response.status_code == 413
    assert response.json()["error"] == "Payload too large"


def test_declared_huge_body_is_413_without_reading_it(emulator):
    host, port = emulator.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(
            b"POST /api/v1/sandbox_sessions HTTP/1.1\r\nHost: x\r\nX-API-Key: k\r\n"
            b"Content-Length: 999999999\r\n\r\n"
        )
        reply = sock.recv(4096)

    assert reply.startswith(b"HTTP/1.0 413")


# -- listing --------------------------------------------------------------------------------


def test_list_paginates_newest_first(make_emulator):
    srv = make_emulator(rate_limit=None)
    offsets = [7, 3, 11, 0, 3, 9, 1, 5, 2, 3, 8, 4, 6, 10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]
    made = []
    for minutes in offsets:
        created_at = iso(START + timedelta(minutes=minutes))
        payload = {"phone_number": "+12345678901", "agent_id": AGENT, "created_at": created_at}
        made.append(control(srv, "POST", "/sessions", payload).json()["data"])
    # Newest first; equal created_at (three at minute 3) fall back to id order.
    made.sort(key=lambda s: s["id"])
    made.sort(key=lambda s: s["created_at"], reverse=True)
    expected = [s["id"] for s in made]

    pages = [
        call(srv, "GET", "/api/v1/sandbox_sessions", params={"page": page, "per_page": 10}).json()
        for page in (1, 2, 3)
    ]
    default = call(srv, "GET", "/api/v1/sandbox_sessions").json()
    beyond = call(srv, "GET", "/api/v1/sandbox_sessions?page=99999999999&per_page=10").json()

    assert [s["id"] for page in pages for s in page["data"]] == expected
    assert [len(page["data"]) for page in pages] == [10, 10, 4]
    assert pages[2]["meta"] == {"page": 3, "per_page": 10, "total_pages": 3, "total_count": 24}
    assert default["meta"] == {"page": 1, "per_page": 20, "total_pages": 2, "total_count": 24}
    assert [s["id"] for s in default["data"]] == expected[:20]
    assert beyond["data"] == []
    assert beyond["meta"]["total_count"] == 24


def test_list_of_empty_store_has_zero_pages(emulator):
    body = call(emulator, "GET", "/api/v1/sandbox_sessions").json()

    assert body == {
        "data": [],
        "meta": {"page": 1, "per_page": 20, "total_pages": 0, "total_count": 0},
    }


@pytest.mark.parametrize(
    "query",
    ["page=0", "page=-1", "page=abc", "page=", "page=1.5", "per_page=0", "per_page=101",
     "per_page=%2B5", "per_page=%205"],
)  # fmt: skip
def test_list_rejects_invalid_pagination(emulator, query):
    response = call(emulator, "GET", f"/api/v1/sandbox_sessions?{query}")

    assert response.status_code == 400
    assert response.json()["error"] == "Invalid pagination parameters"
    assert response.json()["message"]


def test_list_stays_correct_and_fast_with_10000_sessions(make_emulator):
    srv = make_emulator(rate_limit=None)
    for n in range(10_000):
        srv.store.create_session("+12345678901", AGENT, created_at=START + timedelta(seconds=n))

    started = time.perf_counter()
    first = call(srv, "GET", "/api/v1/sandbox_sessions?page=1&per_page=100").json()
    last = call(srv, "GET", "/api/v1/sandbox_sessions?page=100&per_page=100").json()
    elapsed = time.perf_counter() - started

    assert first["meta"] == {"page": 1, "per_page": 100, "total_pages": 100, "total_count": 10_000}
    assert first["data"][0]["created_at"] == iso(START + timedelta(seconds=9_999))
    assert last["data"][-1]["created_at"] == iso(START)
    assert elapsed < 2


# -- expiry and control endpoints ----------------------------------------------------------


def test_pending_session_expires_after_24_hours(make_emulator, clock, tmp_path):
    state_file = tmp_path / "state.json"
    srv = make_emulator(clock=clock, state_file=str(state_file))
    session_id = create(srv).json()["data"]["id"]

    control(srv, "POST", "/clock", {"advance_seconds": 24 * 3600 - 1})
    still_pending = call(srv, "GET", f"/api/v1/sandbox_sessions/{session_id}").json()["data"]
    control(srv, "POST", "/clock", {"advance_seconds": 1})
    listed = call(srv, "GET", "/api/v1/sandbox_sessions").json()["data"][0]
    fetched = call(srv, "GET", f"/api/v1/sandbox_sessions/{session_id}").json()["data"]

    assert still_pending["status"] == "pending_activation"
    assert listed["status"] == fetched["status"] == "expired"
    assert fetched["updated_at"] == "2023-11-08T05:31:56Z"
    saved = json.loads(state_file.read_text())["sessions"][0]
    assert saved["status"] == "expired"


def test_control_marks_session_active(emulator, clock):
    session_id = create(emulator).json()["data"]["id"]
    clock.advance(minutes=10)

    response = control(emulator, "POST", f"/sessions/{session_id}/status", {"status": "active"})
    public = call(emulator, "GET", f"/api/v1/sandbox_sessions/{session_id}").json()["data"]

    assert response.status_code == 200
    assert response.json()["data"] == public
    assert public["status"] == "active"
    assert public["activated_at"] == public["updated_at"] == "2023-11-07T05:41:56Z"
    assert public["expires_at"] == "2023-11-08T05:41:56Z"


def test_control_marks_session_expired_and_keeps_unknown_statuses(emulator, clock):
    session_id = create(emulator).json()["data"]["id"]
    clock.advance(hours=1)

    expired = control(emulator, "POST", f"/sessions/{session_id}/status", {"status": "expired"})
    paused = control(emulator, "POST", f"/sessions/{session_id}/status", {"status": "paused"})

    assert expired.json()["data"]["status"] == "expired"
    assert expired.json()["data"]["expires_at"] == "2023-11-07T06:31:56Z"
    assert paused.json()["data"]["status"] == "paused"
    fetched = call(emulator, "GET", f"/api/v1/sandbox_sessions/{session_id}").json()["data"]
    assert fetched["status"] == "paused"


def test_control_status_rejects_unknown_session_and_bad_body(emulator):
    session_id = create(emulator).json()["data"]["id"]

    unknown = control(emulator, "POST", f"/sessions/{uuid.uuid4()}/status", {"status": "active"})
    blank = control(emulator, "POST", f"/sessions/{session_id}/status", {"status": ""})

    assert unknown.status_code == 404
    assert unknown.json() == {"error": "Sandbox session not found"}
    assert blank.status_code == 400


def test_control_clock_advances_emulator_time(emulator):
    response = control(emulator, "POST", "/clock", {"advance_seconds": 90})

    assert response.status_code == 200
    assert response.json() == {"now": "2023-11-07T05:33:26Z"}
    for bad in (-1, "10", True, None, 1e12):
        assert control(emulator, "POST", "/clock", {"advance_seconds": bad}).status_code == 400
    infinite = requests.post(
        emulator.url + "/_emulator/clock", data=b'{"advance_seconds": Infinity}', timeout=10
    )
    assert infinite.status_code == 400


def test_control_creates_session_outside_dashboard_without_key_or_rate_limit(make_emulator):
    srv = make_emulator(rate_limit=1)
    payload = {"phone_number": "+447700900123", "agent_id": "agent-sales-02"}

    made = [control(srv, "POST", "/sessions", payload) for _ in range(3)]
    dated = control(srv, "POST", "/sessions", {**payload, "created_at": "2020-01-02T03:04:05Z"})
    bad_date = control(srv, "POST", "/sessions", {**payload, "created_at": "yesterday"})
    bad_phone = control(srv, "POST", "/sessions", {**payload, "phone_number": "447700900123"})
    listed = call(srv, "GET", "/api/v1/sandbox_sessions").json()

    assert [r.status_code for r in made] == [201, 201, 201]
    assert set(made[0].json()["data"]) == SESSION_KEYS
    assert dated.json()["data"]["created_at"] == "2020-01-02T03:04:05Z"
    assert dated.json()["data"]["expires_at"] == "2020-01-03T03:04:05Z"
    assert bad_date.status_code == 400
    assert bad_phone.status_code == 422
    assert listed["meta"]["total_count"] == 4


def test_health_reports_counts(emulator):
    create(emulator)
    create(emulator)

    response = control(emulator, "GET", "/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "sessions": 2, "agents": 3}


def test_control_reset_clears_sessions_clock_and_rate_limits(make_emulator, clock):
    clock.now = datetime(2024, 1, 1, 10, 0, 0, tzinfo=UTC)
    srv = make_emulator(clock=clock, rate_limit=2)
    # Stays inside one rate-limit window, so only the reset can reopen it.
    control(srv, "POST", "/clock", {"advance_seconds": 10})
    create(srv)
    call(srv, "GET", "/api/v1/agents")
    assert call(srv, "GET", "/api/v1/agents").status_code == 429

    reset = control(srv, "POST", "/reset")

    assert reset.status_code == 200
    assert control(srv, "GET", "/health").json() == {"status": "ok", "sessions": 0, "agents": 3}
    assert call(srv, "GET", "/api/v1/agents").status_code == 200
    assert control(srv, "POST", "/clock", {"advance_seconds": 0}).json()["now"] == iso(clock.now)


# -- auth, rate limits, routing -------------------------------------------------------------


@pytest.mark.parametrize("key", [None, ""])
def test_missing_api_key_is_401(emulator, key):
    listed = call(emulator, "GET", "/api/v1/sandbox_sessions", key=key)
    created = create(emulator, key=key)

    for response in (listed, created):
        assert response.status_code == 401
        assert response.json() == {"error": "Invalid or missing API key"}
    assert emulator.store.counts()[0] == 0


def test_any_non_empty_key_is_accepted_by_default(emulator):
    assert call(emulator, "GET", "/api/v1/agents", key="whatever").status_code == 200


def test_fixed_api_key_must_match(make_emulator):
    srv = make_emulator(api_key="secret-key")

    for wrong in ("secret-ke", "secret-key2", "SECRET-KEY", "other"):
        response = call(srv, "GET", "/api/v1/agents", key=wrong)
        assert response.status_code == 401
        assert response.json() == {"error": "Invalid or missing API key"}
    assert call(srv, "GET", "/api/v1/agents", key="secret-key").status_code == 200


def test_rate_limit_429_has_retry_after(make_emulator, clock):
    clock.now = datetime(2024, 1, 1, 10, 0, 15, tzinfo=UTC)
    srv = make_emulator(clock=clock, rate_limit=3)

    allowed = [call(srv, "GET", "/api/v1/agents") for _ in range(3)]
    limited = call(srv, "GET", "/api/v1/agents")
    other_key = call(srv, "GET", "/api/v1/agents", key="another-key")
    clock.advance(seconds=45)
    next_window = call(srv, "GET", "/api/v1/agents")

    assert [r.headers["X-RateLimit-Remaining"] for r in allowed] == ["2", "1", "0"]
    assert all(r.headers["X-RateLimit-Limit"] == "3" for r in allowed)
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "45"
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert limited.json() == {
        "error": "Rate limit exceeded",
        "message": "Rate limit of 3 requests per minute exceeded. Retry after 45 seconds.",
    }
    assert other_key.status_code == 200
    assert next_window.status_code == 200
    assert next_window.headers["X-RateLimit-Remaining"] == "2"


def test_rate_limit_headers_on_every_api_response(emulator):
    responses = [
        call(emulator, "GET", "/api/v1/agents"),
        create(emulator),
        call(emulator, "GET", "/api/v1/agents/nope"),
        call(emulator, "GET", "/api/v1/sandbox_sessions?page=0"),
        call(emulator, "DELETE", "/api/v1/agents"),
        call(emulator, "GET", "/api/v1/agents", key=None),
    ]

    assert [r.status_code for r in responses] == [200, 201, 404, 400, 501, 401]
    for response in responses:
        assert response.headers["X-RateLimit-Limit"] == "100"
        assert int(response.headers["X-RateLimit-Remaining"]) < 100


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/api/v1/sandbox_sessions/abc"),
        ("PUT", "/api/v1/agents"),
        ("GET", "/api/v1/whatsapp/messages"),
        ("GET", "/api/v2/agents"),
        ("POST", "/webhooks"),
        ("GET", "/_emulator/nope"),
        ("PATCH", "/_emulator/health"),
    ],
)
def test_unknown_route_is_501_naming_method_and_path(emulator, method, path):
    response = call(emulator, method, path)

    assert response.status_code == 501
    assert response.json() == {
        "error": "Not implemented by the Kapso emulator",
        "message": f"{method} {path}",
    }


def test_unknown_api_route_without_key_is_401_not_501(emulator):
    response = call(emulator, "DELETE", "/api/v1/sandbox_sessions/abc", key=None)

    assert response.status_code == 401


def test_request_log_names_method_path_status_but_never_the_key(make_emulator, caplog):
    caplog.set_level(logging.INFO, logger="kapso_emulator")
    srv = make_emulator(api_key="do-not-log-me")

    create(srv, key="do-not-log-me")
    call(srv, "GET", "/api/v1/agents", key="wrong-key-also-secret")

    assert "POST /api/v1/sandbox_sessions 201" in caplog.text
    assert "GET /api/v1/agents 401" in caplog.text
    assert "do-not-log-me" not in caplog.text
    assert "wrong-key-also-secret" not in caplog.text


# -- persistence and lifecycle -------------------------------------------------------------


def test_state_survives_restart(make_emulator, clock, tmp_path):
    state_file = tmp_path / "state.json"
    first = make_emulator(clock=clock, state_file=str(state_file), api_key="very-secret-key")
    created = [create(first, key="very-secret-key").json()["data"] for _ in range(2)]
    control(first, "POST", f"/sessions/{created[0]['id']}/status", {"status": "active"})
    control(first, "POST", "/clock", {"advance_seconds": 3600})
    before = call(first, "GET", "/api/v1/sandbox_sessions", key="very-secret-key").json()
    first.stop()

    second = make_emulator(clock=clock, state_file=str(state_file))
    after = call(second, "GET", "/api/v1/sandbox_sessions").json()

    assert after == before
    assert after["meta"]["total_count"] == 2
    assert control(second, "POST", "/clock", {"advance_seconds": 0}).json()["now"] == iso(
        START + timedelta(hours=1)
    )
    assert "very-secret-key" not in state_file.read_text()
    assert sorted(os.listdir(tmp_path)) == ["state.json"]


def test_corrupt_state_file_is_refused_not_overwritten(tmp_path):
    state_file = tmp_path / "state.json"
    state_file.write_text("{not json")

    with pytest.raises(ValueError, match="state file"):
        EmulatorServer(port=0, state_file=str(state_file))
    assert state_file.read_text() == "{not json"


def test_context_manager_stops_and_closes_socket():
    with EmulatorServer(port=0) as srv:
        url = srv.url
        assert requests.get(url + "/_emulator/health", timeout=5).status_code == 200
        assert srv.api_base_url == url + "/api/v1"

    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/_emulator/health", timeout=5)


def test_cli_starts_and_serves(tmp_path):
    port = free_port()
    state_file = tmp_path / "nested" / "state.json"
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "kapso_emulator", "--port", str(port), "--state-file",
         str(state_file), "--api-key", "cli-secret"],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        health = wait_for_health(f"http://127.0.0.1:{port}", proc)
        line = proc.stdout.readline().strip()
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


def test_management_command_serves_with_settings_defaults(tmp_path):
    port = free_port()
    state_file = tmp_path / "var" / "emulator.json"
    script = textwrap.dedent(
        """
        import sys
        import django
        from django.conf import settings
        settings.configure(
            KAPSO_EMULATOR_STATE_FILE=sys.argv[1], KAPSO_EMULATOR_SANDBOX_NUMBER="15550009999"
        )
        django.setup()
        from django.core.management import call_command
        from sandbox.management.commands.kapso_emulator import Command
        call_command(Command(), "--port", sys.argv[2])
        """
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", script, str(state_file), str(port)],
        cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_for_health(f"http://127.0.0.1:{port}", proc)
        line = proc.stdout.readline().strip()
        srv_url = f"http://127.0.0.1:{port}"
        created = requests.post(
            srv_url + "/api/v1/sandbox_sessions",
            json={"whatsapp_sandbox_session": {"phone_number": "+12345678901", "agent_id": AGENT}},
            headers={"X-API-Key": "any"},
            timeout=5,
        )
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=15)

    assert line == f"Kapso emulator listening on {srv_url}/api/v1 (state: {state_file})"
    assert created.status_code == 201
    assert created.json()["data"]["activation_link"].startswith("https://wa.me/15550009999?")
    assert json.loads(state_file.read_text())["sessions"][0]["id"] == created.json()["data"]["id"]
    assert proc.returncode == 0
    assert "Traceback" not in stderr


def test_active_session_expires_24_hours_after_activation(tmp_path):
    with EmulatorServer(host="127.0.0.1", port=0, rate_limit=None) as srv:
        headers = {"X-API-Key": "k"}
        agent = requests.get(srv.api_base_url + "/agents", headers=headers, timeout=5).json()
        created = requests.post(
            srv.api_base_url + "/sandbox_sessions",
            headers=headers,
            json={
                "whatsapp_sandbox_session": {
                    "phone_number": "+14155552671",
                    "agent_id": agent["data"][0]["id"],
                }
            },
            timeout=5,
        ).json()["data"]
        url = f"{srv.url}/_emulator/sessions/{created['id']}/status"
        assert (
            requests.post(url, json={"status": "active"}, timeout=5).json()["data"]["status"]
            == "active"
        )
        requests.post(f"{srv.url}/_emulator/clock", json={"advance_seconds": 86_401}, timeout=5)
        fetched = requests.get(
            f"{srv.api_base_url}/sandbox_sessions/{created['id']}", headers=headers, timeout=5
        ).json()["data"]
        assert fetched["status"] == "expired"


def test_bulk_create_and_call_counts():
    with EmulatorServer(host="127.0.0.1", port=0, rate_limit=None) as srv:
        made = requests.post(
            f"{srv.url}/_emulator/sessions",
            json={"phone_number": "+14155552671", "agent_id": "agent-sales-02", "count": 250},
            timeout=10,
        )
        assert made.status_code == 201 and len(made.json()["data"]) == 250
        headers = {"X-API-Key": "k"}
        page = requests.get(
            srv.api_base_url + "/sandbox_sessions?per_page=100&page=3", headers=headers, timeout=5
        ).json()
        assert page["meta"]["total_count"] == 250 and len(page["data"]) == 50
        calls = requests.get(f"{srv.url}/_emulator/calls", timeout=5).json()["calls"]
        assert calls == {"GET /api/v1/sandbox_sessions": 1}
        requests.post(f"{srv.url}/_emulator/reset", timeout=5)
        assert requests.get(f"{srv.url}/_emulator/calls", timeout=5).json()["calls"] == {}
        too_many = requests.post(
            f"{srv.url}/_emulator/sessions",
            json={"phone_number": "+14155552671", "agent_id": "agent-sales-02", "count": 0},
            timeout=5,
        )
        assert too_many.status_code == 400
