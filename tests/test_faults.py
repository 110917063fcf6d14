"""Kapso misbehaving, injected in the emulator: the dashboard keeps working and loses nothing."""

from __future__ import annotations

import threading
import time

import pytest
import requests
from django.test import Client
from django.urls import reverse

from sandbox.gateway import get_client
from sandbox.lost_creates import LOOKUP_TIMEOUT_SECONDS
from sandbox.models import FailedSessionAttempt, SandboxSession
from tests.conftest import emulator_control
from tests.factories import make_lost_attempt

pytestmark = pytest.mark.django_db
CREATE = "/api/v1/sandbox_sessions"
URL = reverse("sandbox:create")
TIMEOUT = 1.0
TYPED = {"phone_number": "+1 415 555 2671", "agent_id": "agent-support-01"}


@pytest.fixture
def faulty(kapso, settings):
    settings.KAPSO_TIMEOUT = TIMEOUT
    get_client().list_agents()  # warm the agent list before faults are armed
    return kapso


def arm(emulator, kind, path=CREATE, method="POST", **extra):
    emulator_control(emulator, "faults", {"kind": kind, "path": path, "method": method, **extra})


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


def test_reads_are_retried_but_creates_never(faulty, settings):
    settings.KAPSO_TIMEOUT = 5.0  # room for a retry inside one call's budget
    arm(faulty, "status", path="/api/v1/agents", method="GET", status=503)
    assert get_client().list_agents()  # the second try succeeds
    arm(faulty, "rate_limit", path="/api/v1/agents", method="GET", retry_after=0)
    assert get_client().list_agents()
    # Both faults were used up by first attempts, and each retry got through.
    assert requests.get(f"{faulty.url}/_emulator/faults", timeout=5).json()["armed"] == []
    calls = requests.get(f"{faulty.url}/_emulator/calls", timeout=5).json()["calls"]
    assert calls["GET /api/v1/agents"] == 3  # the warm-up and the two retries
    arm(faulty, "status", status=503)
    with pytest.raises(Exception, match="HTTP 503"):
        get_client().create_session(phone_number="+14155552671", agent_id="agent-support-01")
    calls = requests.get(f"{faulty.url}/_emulator/calls", timeout=5).json()["calls"]
    assert calls.get("POST /api/v1/sandbox_sessions", 0) == 0  # refused before counting


def test_long_retry_after_is_not_waited_in_a_page(faulty):
    arm(faulty, "rate_limit", path="/api/v1/agents", method="GET", retry_after=60)
    started = time.monotonic()
    with pytest.raises(Exception, match="try again in 60 s"):
        get_client().list_agents()
    assert time.monotonic() - started < TIMEOUT + 1  # not the 60 s Kapso asked for


def test_status_polling_survives_faults(faulty, alice_client, alice, settings):
    from django.core.cache import cache

    from tests.factories import make_session

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


@pytest.mark.django_db(transaction=True)
def test_double_submit_creates_one_session(faulty, alice):
    # Kapso is slow, so the second click arrives while the first still waits.
    arm(faulty, "delay", delay=0.5)
    results: list[str] = []
    clients = [Client() for _ in range(3)]  # three tabs of one teammate
    for client in clients:
        client.force_login(alice)

    def submit(client):
        try:
            results.append(client.post(URL, TYPED).url)
        except Exception as exc:  # reported below, not lost in the thread
            results.append(repr(exc))

    threads = [threading.Thread(target=submit, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    session = SandboxSession.objects.get()
    assert results == [session.get_absolute_url()] * 3
    calls = requests.get(f"{faulty.url}/_emulator/calls", timeout=5).json()["calls"]
    assert calls["POST /api/v1/sandbox_sessions"] == 1


def test_lost_create_found_later_by_sync_goes_to_its_teammate(faulty, alice_client, alice, client):
    from io import StringIO

    from django.core.management import call_command

    from sandbox.models import FailedSessionAttempt

    # Kapso makes the session but the answer is lost, and the look-up fails too.
    arm(faulty, "drop")
    arm(faulty, "status", path=CREATE, method="GET", status=503, times=3)
    response, _ = post_create(alice_client)
    assert "may still have made the session" in response.content.decode()
    attempt = FailedSessionAttempt.objects.get()
    assert attempt.outcome_unknown and attempt.session is None
    assert not SandboxSession.objects.exists()

    requests.delete(f"{faulty.url}/_emulator/faults", json={}, timeout=5)  # Kapso is well again
    call_command("sync_kapso", stdout=StringIO(), stderr=StringIO())
    session = SandboxSession.objects.get()
    attempt.refresh_from_db()
    assert session.created_by == alice and attempt.session == session
    assert session.requested_agent_id == "agent-support-01"
    history = alice_client.get(reverse("sandbox:list"))
    assert list(history.context["page"].object_list) == [session]


def test_lost_answer_with_another_agent_id_form_is_still_found():
    from types import SimpleNamespace

    from django.utils import timezone

    from sandbox.lost_creates import match

    def item(agent):
        return SimpleNamespace(agent=SimpleNamespace(id=agent))

    def pick_lost_session(candidates, agent_id):
        now = timezone.now()
        return match(
            candidates,
            phone_number="+14155552671",
            agent_id=agent_id,
            asked_from=now,
            asked_until=now,
            describe=lambda i: ("+14155552671", i.agent.id, None),
        )

    sent = "123e4567-e89b-12d3-a456-426614174000"
    only = item("agent-123abc")
    assert pick_lost_session([only], sent) is only
    exact = item(sent)
    assert pick_lost_session([only, exact], sent) is exact
    # Two strangers for the same phone: guessing could hand over someone else's session.
    assert pick_lost_session([only, item("agent-x")], sent) is None


@pytest.mark.django_db(transaction=True)
def test_double_submit_after_a_lost_answer_does_not_make_a_second_session(faulty, alice):
    # Kapso makes the session but answers too late, and the look-up fails: the outcome
    # is unknown. The second click, still waiting, must not send a second create.
    arm(faulty, "delay", delay=2)
    arm(faulty, "status", path=CREATE, method="GET", status=503, times=5)
    clients = [Client() for _ in range(2)]
    for client in clients:
        client.force_login(alice)
    pages: list[str] = []

    def submit(client):
        pages.append(client.post(URL, TYPED).content.decode())

    threads = [threading.Thread(target=submit, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    calls = requests.get(f"{faulty.url}/_emulator/calls", timeout=5).json()["calls"]
    assert calls["POST /api/v1/sandbox_sessions"] == 1
    assert all("may still have made the session" in page for page in pages)
    assert any("before asking again" in page for page in pages)


def test_session_a_sync_stored_first_still_goes_to_its_teammate(faulty, alice, alice_client):
    from io import StringIO

    from django.core.management import call_command

    from sandbox.models import FailedSessionAttempt

    # The sync runs while the create is in flight, so the session is stored unowned; then
    # the create's answer is lost and its look-up fails.
    emulator_control(
        faulty, "sessions", {"phone_number": "+14155552671", "agent_id": "agent-support-01"}
    )
    call_command("sync_kapso", stdout=StringIO(), stderr=StringIO())
    orphan = SandboxSession.objects.get()
    assert orphan.created_by is None
    make_lost_attempt(alice)
    call_command("sync_kapso", stdout=StringIO(), stderr=StringIO())
    orphan.refresh_from_db()
    assert orphan.created_by == alice
    assert FailedSessionAttempt.objects.get().session == orphan


def test_an_older_session_made_elsewhere_is_not_handed_to_a_teammate(faulty, alice):
    from datetime import timedelta
    from io import StringIO

    from django.core.management import call_command
    from django.utils import timezone

    eight_minutes_ago = (timezone.now() - timedelta(minutes=8)).strftime("%Y-%m-%dT%H:%M:%SZ")
    emulator_control(
        faulty,
        "sessions",
        {
            "phone_number": "+14155552671",
            "agent_id": "agent-sales-02",
            "created_at": eight_minutes_ago,
        },
    )
    make_lost_attempt(alice)
    call_command("sync_kapso", stdout=StringIO(), stderr=StringIO())
    assert SandboxSession.objects.get().created_by is None
