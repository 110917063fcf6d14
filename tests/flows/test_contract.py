"""Kapso's documented example request and response (../shared/fixtures), byte for byte."""

from __future__ import annotations

import json

import pytest

from sandbox.kapso import KapsoClient
from tests.conftest import FIXTURES, SHARED, TEST_API_KEY, load_fixture, require_shared
from tests.scripted_server import Reply


def test_sends_exactly_the_documented_request(scripted):
    documented = load_fixture("create_sandbox_session.request.json")
    scripted.reply = Reply(status=201, body=load_fixture("create_sandbox_session.response.json"))
    body = documented["whatsapp_sandbox_session"]
    KapsoClient(base_url=scripted.url + "/api/v1", api_key=TEST_API_KEY).create_session(
        phone_number=body["phone_number"], agent_id=body["agent_id"]
    )
    seen = scripted.requests[0]
    assert (seen.method, seen.path) == ("POST", "/api/v1/sandbox_sessions")
    assert seen.headers["Content-Type"] == "application/json"
    assert json.loads(seen.body) == documented


def test_parses_the_documented_response(scripted):
    documented = load_fixture("create_sandbox_session.response.json")
    scripted.reply = Reply(status=201, body=documented)
    session = KapsoClient(base_url=scripted.url, api_key=TEST_API_KEY).create_session(
        phone_number="+12345678901", agent_id="123e4567-e89b-12d3-a456-426614174000"
    )
    data = documented["data"]
    assert session.id == data["id"]
    assert session.status == "pending_activation"
    assert session.activation_code == "ABC123"
    assert session.activation_message == data["activation_message"]
    assert session.activation_link == "https://wa.me/12345678901?text=ABC123"
    assert session.expires_at.isoformat() == "2023-11-07T05:31:56+00:00"
    assert session.agent.id == "agent-123abc"  # not the UUID that was sent
    assert session.agent.project_id == "project-456def"
    assert session.raw == data


def test_emulator_answers_in_the_documented_shape(kapso):
    documented = load_fixture("create_sandbox_session.response.json")["data"]
    import requests

    agent = requests.get(
        kapso.api_base_url + "/agents", headers={"X-API-Key": TEST_API_KEY}, timeout=5
    ).json()["data"][0]
    response = requests.post(
        kapso.api_base_url + "/sandbox_sessions",
        headers={"X-API-Key": TEST_API_KEY},
        json={
            "whatsapp_sandbox_session": {"phone_number": "+12345678901", "agent_id": agent["id"]}
        },
        timeout=5,
    )
    assert response.status_code == 201
    data = response.json()["data"]
    assert set(data) == set(documented)
    assert set(data["agent"]) == set(documented["agent"])


def test_bundled_fixtures_match_the_shared_ones():
    # Skipped without ../shared/ on a developer's machine; under CI=true that fails instead.
    shared = require_shared(SHARED / "fixtures")
    for name in ("create_sandbox_session.request.json", "create_sandbox_session.response.json"):
        assert json.loads((shared / name).read_text()) == json.loads((FIXTURES / name).read_text())


@pytest.mark.parametrize(
    ("ci", "outcome"),
    [("true", pytest.fail.Exception), ("TRUE", pytest.fail.Exception), ("", pytest.skip.Exception)],
)
def test_a_missing_shared_folder_fails_under_ci_and_skips_elsewhere(
    monkeypatch, tmp_path, ci, outcome
):
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="must sit beside this checkout"):
        require_shared(tmp_path / "shared" / "fixtures")
    assert require_shared(tmp_path) == tmp_path  # present: nothing happens
