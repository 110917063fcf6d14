"""Kapso misbehaving, injected in the emulator, across the whole form: the dashboard keeps
working and loses nothing. (The rules each fault exercises are proven beside their modules:
tests/kapso/test_retry.py, tests/test_idempotency.py, tests/test_sync.py,
tests/test_lost_creates.py.)"""

from __future__ import annotations

import time

import pytest
import requests
from django.core.cache import cache
from django.urls import reverse

from sandbox.lost_creates import LOOKUP_TIMEOUT_SECONDS
from sandbox.models import FailedSessionAttempt, SandboxSession
from tests.conftest import CREATE_PATH as CREATE
from tests.conftest import FAULTY_TIMEOUT as TIMEOUT
from tests.conftest import arm
from tests.factories import make_session

pytestmark = pytest.mark.django_db
URL = reverse("sandbox:create")
TYPED = {"phone_number": "+1 415 555 2671", "agent_id": "agent-support-01"}


def post_create(client) -> tuple[object, float]:
    started = time.monotonic()
    response = client.post(URL, TYPED)
    return response, time.monotonic() - started


# What Kapso did not do: the form says why, keeps the input, records the attempt.
@pytest.mark.parametrize(
    ("kind", "extra", "words"),
    [
        ("status", {"status": 500}, "Kapso had a problem on its side (HTTP 500)"),
        ("status", {"status": 503, "body": {"error": "Maintenance"}}, "HTTP 503"),
        (
            "status",
            {"status": 401, "body": {"error": "Invalid or missing API key"}},
            "KAPSO_API_KEY",
        ),
        ("status", {"status": 410}, "does not offer sandbox sessions"),
        (
            "status",
            {"status": 422, "body": {"errors": {"phone_number": ["is invalid"]}}},
            "phone_number is invalid",
        ),
        ("rate_limit", {"retry_after": 42}, "try again in 42 s"),
        ("drop_before", {}, "Could not reach Kapso"),
        ("status", {"status": 502}, "may still have made the session"),
    ],
)
def test_refused_create_keeps_input_and_records_attempt(faulty, alice_client, kind, extra, words):
    arm(faulty, kind, **extra)
    response, elapsed = post_create(alice_client)
    html = response.content.decode()
    assert response.status_code == 200
    assert words in html
    assert 'value="+1 415 555 2671"' in html
    assert not SandboxSession.objects.exists()
    attempt = FailedSessionAttempt.objects.get()
    assert attempt.phone_number == "+14155552671" and attempt.agent_id == "agent-support-01"
    assert elapsed < TIMEOUT + LOOKUP_TIMEOUT_SECONDS + 1


# What Kapso did, but whose answer was lost or garbled: the session is found and adopted.
@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("delay", {"delay": 3}),
        ("drop", {}),
        ("html", {}),
        ("truncated_json", {}),
        ("missing_field", {}),
        ("mistyped_field", {}),
        ("bad_link", {}),
        ("huge", {}),
        ("huge", {"declare_length": False}),
    ],
)
def test_lost_answer_adopts_the_session_kapso_made(faulty, alice_client, alice, kind, extra):
    arm(faulty, kind, **extra)
    response, elapsed = post_create(alice_client)
    session = SandboxSession.objects.get()
    assert response.status_code == 302 and response.url == session.get_absolute_url()
    assert session.created_by == alice and session.phone_number == "+14155552671"
    assert session.activation_link.startswith("https://wa.me/")
    assert not FailedSessionAttempt.objects.exists()
    page = alice_client.get(response.url).content.decode()
    assert "Kapso had made the session" in page
    assert elapsed < TIMEOUT + LOOKUP_TIMEOUT_SECONDS + 1


def test_hostile_link_everywhere_is_never_rendered(faulty, alice_client):
    arm(faulty, "bad_link")
    arm(faulty, "bad_link", path=CREATE, method="GET")  # the look-up sees it too
    response, _ = post_create(alice_client)
    html = response.content.decode()
    assert response.status_code == 200
    assert "javascript:" not in html
    assert "activation_link" in FailedSessionAttempt.objects.get().error_message
    assert not SandboxSession.objects.exists()


def test_status_polling_survives_faults(faulty, alice_client, alice, settings):
    session = make_session(alice)
    url = reverse("sandbox:status", args=[session.pk])
    for kind, extra in [("html", {}), ("drop", {}), ("delay", {"delay": 2}), ("huge", {})]:
        cache.clear()
        arm(faulty, kind, path=f"{CREATE}/*", method="GET", times=3, **extra)
        started = time.monotonic()
        response = alice_client.get(url)
        assert response.status_code == 200
        state = response.json()
        assert state["error"] and state["display_status"] == "pending_activation"
        assert time.monotonic() - started < TIMEOUT + 1
        requests.delete(f"{faulty.url}/_emulator/faults", json={}, timeout=5)
