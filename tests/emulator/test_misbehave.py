"""kapso_emulator/misbehave.py: each armed fault answers the way a broken API would."""

from __future__ import annotations

import pytest
import requests

from tests.emulator.helpers import call, control, create

SESSIONS = "/api/v1/sandbox_sessions"


def arm(emulator, kind: str, **extra) -> None:
    armed = control(emulator, "POST", "/faults", {"kind": kind, "path": SESSIONS, **extra})
    assert armed.status_code == 201, armed.text


def test_a_status_fault_answers_with_its_status_and_body_and_makes_nothing(emulator):
    arm(emulator, "status", status=503, body={"error": "Down for maintenance"})
    response = create(emulator)
    assert (response.status_code, response.json()) == (503, {"error": "Down for maintenance"})
    assert call(emulator, "GET", SESSIONS).json()["meta"]["total_count"] == 0


def test_a_rate_limit_fault_says_when_to_come_back(emulator):
    arm(emulator, "rate_limit", retry_after=7)
    response = create(emulator)
    assert (response.status_code, response.headers["Retry-After"]) == (429, "7")


def test_html_and_half_a_json_body_come_after_the_work_is_done(emulator):
    arm(emulator, "html", times=1)
    page = create(emulator)
    assert page.headers["Content-Type"] == "text/html" and b"502 Bad Gateway" in page.content
    arm(emulator, "truncated_json")
    cut = create(emulator, phone="+12345678902")
    assert cut.status_code == 201
    with pytest.raises(ValueError):
        cut.json()
    # Both sessions were made: the API did the work, then answered badly.
    assert call(emulator, "GET", SESSIONS).json()["meta"]["total_count"] == 2


def test_a_dropped_connection_has_no_status_line(emulator):
    arm(emulator, "drop_before")
    with pytest.raises(requests.ConnectionError):
        create(emulator)


def test_a_huge_body_keeps_coming_past_what_any_client_should_read(emulator):
    arm(emulator, "huge", declare_length=False)
    with call(emulator, "POST", SESSIONS, json={}, stream=True) as response:
        assert "Content-Length" not in response.headers
        read = sum(
            len(chunk) for chunk, _ in zip(response.iter_content(65536), range(40), strict=False)
        )
    assert read >= 2 * 1024 * 1024


def test_a_corrupting_fault_sends_the_answer_with_a_field_poisoned(emulator):
    arm(emulator, "bad_link")
    response = create(emulator)
    assert response.status_code == 201
    assert response.json()["data"]["activation_link"].startswith("javascript:")
