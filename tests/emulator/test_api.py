"""The public endpoints under /api/v1 (kapso_emulator/api.py): shapes, reads, pagination."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest

from tests.emulator.helpers import (
    AGENT,
    AGENT_KEYS,
    DOCUMENTED_FIXTURES,
    SESSION_KEYS,
    START,
    TIMESTAMP,
    call,
    control,
    create,
    iso,
)


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


def test_get_session_returns_created_session_and_404_for_unknown(emulator):
    created = create(emulator).json()["data"]

    fetched = call(emulator, "GET", f"/api/v1/sandbox_sessions/{created['id']}")
    missing = call(emulator, "GET", f"/api/v1/sandbox_sessions/{uuid.uuid4()}")

    assert fetched.status_code == 200
    assert fetched.json() == {"data": created}
    assert missing.status_code == 404
    assert missing.json() == {"error": "Sandbox session not found"}


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b"{}", b'{"whatsapp_sandbox_session": "x"}', b"", b"\xff\xfe"],
)
def test_create_rejects_malformed_body_with_400(emulator, body):
    response = call(emulator, "POST", "/api/v1/sandbox_sessions", data=body)

    assert response.status_code == 400
    assert response.json()["error"] == "Bad request"
    assert isinstance(response.json()["message"], str)


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
