"""The /_emulator control endpoints (kapso_emulator/control.py): phone, clock, CLI, reset, and
the JSON-only rule that keeps other web pages from driving them."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
import requests

from kapso_emulator import EmulatorServer
from tests.emulator.helpers import JSON_TYPE, SESSION_KEYS, call, control, create, iso


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

    # Kapso's schema has no "expired" status: the session ends by its expires_at alone.
    assert expired.json()["data"]["status"] == "pending_activation"
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
        emulator.url + "/_emulator/clock",
        data=b'{"advance_seconds": Infinity}',
        headers=JSON_TYPE,
        timeout=10,
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
        # json={}, not no body: reset must be sent as JSON (a bare POST is refused with 415).
        requests.post(f"{srv.url}/_emulator/reset", json={}, timeout=5)
        assert requests.get(f"{srv.url}/_emulator/calls", timeout=5).json()["calls"] == {}
        too_many = requests.post(
            f"{srv.url}/_emulator/sessions",
            json={"phone_number": "+14155552671", "agent_id": "agent-sales-02", "count": 0},
            timeout=5,
        )
        assert too_many.status_code == 400


# -- only JSON may change state: a cross-site page cannot send it without a CORS preflight ---

SESSION = {"phone_number": "+447700900123", "agent_id": "agent-sales-02"}
FAULT = {"kind": "status", "path": "/api/v1/agents", "method": "GET"}
# Every state-changing control route, with a body it would accept.
CHANGES = [
    ("POST", "/reset", None),
    ("POST", "/clock", {"advance_seconds": 60}),
    ("POST", "/sessions", SESSION),
    ("POST", "/faults", FAULT),
    ("DELETE", "/faults", None),
    ("POST", "/rate_limit", {"per_minute": 5}),
]
# What an HTML form or a no-cors fetch() from any web page can send without asking first.
SIMPLE_TYPES = [
    "text/plain",
    "text/plain;charset=UTF-8",
    "text/plain; foo=application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    None,
]


@pytest.mark.parametrize("content_type", SIMPLE_TYPES)
@pytest.mark.parametrize(("method", "path", "payload"), CHANGES)
def test_state_changes_without_json_type_are_refused_and_change_nothing(
    make_emulator, clock, method, path, payload, content_type
):
    srv = make_emulator(clock=clock, rate_limit=3)
    create(srv)
    control(srv, "POST", "/faults", {**FAULT, "path": "/api/v1/nothing"})
    headers = {} if content_type is None else {"Content-Type": content_type}
    body = "" if payload is None else json.dumps(payload)

    response = requests.request(
        method, f"{srv.url}/_emulator{path}", data=body.encode(), headers=headers, timeout=5
    )

    assert response.status_code == 415
    assert response.json()["error"] == "Unsupported media type"
    assert "Content-Type: application/json" in response.json()["message"]
    assert control(srv, "GET", "/health").json()["sessions"] == 1
    assert control(srv, "POST", "/clock", {"advance_seconds": 0}).json()["now"] == iso(clock.now)
    assert len(control(srv, "GET", "/faults").json()["armed"]) == 1
    assert control(srv, "GET", "/rate_limit").json() == {"per_minute": 3}


def test_form_post_to_reset_is_refused(emulator):
    create(emulator)

    form = requests.post(f"{emulator.url}/_emulator/reset", data={"x": "1"}, timeout=5)
    bare = requests.post(f"{emulator.url}/_emulator/reset", timeout=5)

    assert form.request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "Content-Type" not in bare.request.headers
    assert (form.status_code, bare.status_code) == (415, 415)
    assert control(emulator, "GET", "/health").json()["sessions"] == 1


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", "Application/JSON"]
)
@pytest.mark.parametrize(("method", "path", "payload"), CHANGES)
def test_state_changes_with_json_type_are_accepted(emulator, method, path, payload, content_type):
    body = b"" if payload is None else json.dumps(payload).encode()

    response = requests.request(
        method,
        f"{emulator.url}/_emulator{path}",
        data=body,
        headers={"Content-Type": content_type},
        timeout=5,
    )

    assert response.status_code in (200, 201), response.text


def test_requests_json_argument_is_accepted_even_when_empty(emulator):
    # requests.post(url, json=None) sends no Content-Type at all; json={} is the way.
    control_url = f"{emulator.url}/_emulator"
    assert requests.post(f"{control_url}/reset", json={}, timeout=5).status_code == 200
    assert requests.delete(f"{control_url}/faults", json={}, timeout=5).status_code == 200
    assert requests.post(f"{control_url}/reset", json=None, timeout=5).status_code == 415


@pytest.mark.parametrize("path", ["/health", "/calls", "/faults", "/rate_limit"])
def test_reads_need_no_content_type(emulator, path):
    assert requests.get(f"{emulator.url}/_emulator{path}", timeout=5).status_code == 200


def test_cors_preflight_is_never_granted(emulator):
    # What a browser asks before a cross-site JSON POST; without Access-Control-Allow-Origin
    # in the answer it never sends the POST.
    response = requests.options(
        f"{emulator.url}/_emulator/reset",
        headers={
            "Origin": "https://evil.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=5,
    )

    assert response.status_code == 501
    assert not any(name.lower().startswith("access-control-") for name in response.headers)
