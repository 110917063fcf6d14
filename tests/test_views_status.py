"""Live status: the endpoint the session page polls, and its shared Kapso throttle."""

from __future__ import annotations

import threading

import pytest
import requests
from django.core.cache import cache
from django.urls import reverse

from sandbox import sessions
from tests.conftest import emulator_control, load_fixture
from tests.factories import make_session
from tests.scripted_server import Reply

pytestmark = pytest.mark.django_db


def kapso_gets(emulator, session) -> int:
    calls = requests.get(f"{emulator.url}/_emulator/calls", timeout=5).json()["calls"]
    return calls.get(f"GET /api/v1/sandbox_sessions/{session.kapso_id}", 0)


def test_activation_in_kapso_shows_up_in_the_status(kapso, alice_client, alice):
    session = make_session(alice)
    url = reverse("sandbox:status", args=[session.pk])
    first = alice_client.get(url).json()
    assert (first["display_status"], first["final"]) == ("pending_activation", False)
    assert first["headline"] == "Waiting for the code"
    emulator_control(kapso, f"sessions/{session.kapso_id}/status", {"status": "active"})
    cache.clear()  # the throttle window has passed
    state = alice_client.get(url).json()
    assert (state["display_status"], state["label"], state["final"]) == ("active", "Active", True)
    assert state["headline"] == "Activated"
    assert state["activated_at"] is not None
    session.refresh_from_db()
    assert session.status == "active" and session.last_synced_at is not None


def test_one_kapso_call_per_window_however_many_polls(kapso, alice_client, alice):
    session = make_session(alice)
    url = reverse("sandbox:status", args=[session.pk])
    for _ in range(10):
        assert alice_client.get(url).status_code == 200
    assert kapso_gets(kapso, session) == 1


def test_final_sessions_do_not_ask_kapso(kapso, alice_client, alice):
    session = make_session(alice)
    session.status = "active"
    session.save()
    alice_client.get(reverse("sandbox:status", args=[session.pk]))
    assert kapso_gets(kapso, session) == 0


def test_kapso_failure_is_reported_not_raised(scripted, alice_client, alice):
    scripted.reply = Reply(status=201, body=load_fixture("create_sandbox_session.response.json"))
    session = sessions.sandbox_session_create(
        user=alice, phone_number="+12345678901", agent_id="agent-123abc"
    ).session
    session.expires_at = None  # the documented example expired in 2023
    session.save()
    scripted.reply = Reply(status=503, body="<html>down</html>")
    state = alice_client.get(reverse("sandbox:status", args=[session.pk])).json()
    assert "HTTP 503" in state["error"]
    assert state["display_status"] == "pending_activation"
    session.refresh_from_db()
    assert "HTTP 503" in session.last_sync_error
    page = alice_client.get(session.get_absolute_url()).content.decode()
    assert "Last check with Kapso failed: Kapso had a problem on its side (HTTP 503)" in page


def test_a_teammate_cannot_poll_anothers_session(kapso, client, alice, bob):
    session = make_session(alice)
    client.force_login(bob)
    assert client.get(reverse("sandbox:status", args=[session.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_pollers_make_one_kapso_call(kapso, live_server, alice):
    session = make_session(alice)
    http = requests.Session()
    login = http.get(live_server.url + reverse("login"), timeout=10)
    token = login.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    http.post(
        live_server.url + reverse("login"),
        data={"username": "alice", "password": "alice-password-1", "csrfmiddlewaretoken": token},
        timeout=10,
    )
    cookies = http.cookies.get_dict()
    url = live_server.url + reverse("sandbox:status", args=[session.pk])
    barrier = threading.Barrier(20)
    statuses: list[int] = []

    def poll():
        barrier.wait()
        statuses.append(requests.get(url, cookies=cookies, timeout=10).status_code)

    threads = [threading.Thread(target=poll) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 20
    assert kapso_gets(kapso, session) == 1
