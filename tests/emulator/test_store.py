"""The rules Kapso applies to agents and sessions (kapso_emulator/store.py), seen over HTTP:
codes, validation, ordering at scale, and the 24-hour expiry."""

from __future__ import annotations

import json
import re
import time
from datetime import datetime, timedelta

import pytest
import requests

from kapso_emulator import EmulatorServer
from tests.emulator.helpers import AGENT, AGENT_KEYS, START, call, control, create, iso


def test_activation_codes_avoid_lookalike_characters(emulator):
    codes = {create(emulator).json()["data"]["activation_code"] for _ in range(40)}

    assert all(re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", code) for code in codes)
    assert len(codes) > 1


def test_activation_link_uses_configured_sandbox_number(make_emulator):
    srv = make_emulator(sandbox_number="+1 (555) 000-1111")

    session = create(srv).json()["data"]

    assert session["activation_link"].startswith("https://wa.me/15550001111?text=")


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


# -- expiry ---------------------------------------------------------------------------------


def test_pending_session_expires_after_24_hours(make_emulator, clock, tmp_path):
    state_file = tmp_path / "state.json"
    srv = make_emulator(clock=clock, state_file=str(state_file))
    session_id = create(srv).json()["data"]["id"]

    control(srv, "POST", "/clock", {"advance_seconds": 24 * 3600 - 1})
    still_pending = call(srv, "GET", f"/api/v1/sandbox_sessions/{session_id}").json()["data"]
    control(srv, "POST", "/clock", {"advance_seconds": 1})
    listed = call(srv, "GET", "/api/v1/sandbox_sessions").json()["data"][0]
    fetched = call(srv, "GET", f"/api/v1/sandbox_sessions/{session_id}").json()["data"]

    # Kapso's schema lists no "expired" status: the session keeps its status and its
    # expires_at (now passed) says it has ended.
    assert still_pending["status"] == "pending_activation"
    assert listed["status"] == fetched["status"] == "pending_activation"
    assert listed["expires_at"] == fetched["expires_at"] == "2023-11-08T05:31:56Z"
    saved = json.loads(state_file.read_text())["sessions"][0]
    assert saved["status"] == "pending_activation"


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
        # Still "active" (the schema's word), with an expires_at now in the past.
        assert fetched["status"] == "active"
        activated, expires = (
            datetime.fromisoformat(fetched[key]) for key in ("activated_at", "expires_at")
        )
        assert expires - activated == timedelta(hours=24)
