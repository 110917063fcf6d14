"""sandbox/sync.py: bring the local history in line with Kapso, and give a lost create's
session to the teammate who asked for it."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
import requests
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from kapso_emulator import EmulatorServer
from sandbox import sync
from sandbox.kapso import KapsoClient
from sandbox.models import FailedSessionAttempt, SandboxSession
from sandbox.sync import refresh_watched_sessions, sync_kapso
from tests.conftest import TEST_API_KEY, arm, emulator_control, load_fixture
from tests.factories import make_lost_attempt, make_session
from tests.scripted_server import Reply

pytestmark = pytest.mark.django_db
TYPED = {"phone_number": "+1 415 555 2671", "agent_id": "agent-support-01"}


def outside(emulator, count: int, phone="+14155550100", agent="agent-sales-02"):
    emulator_control(
        emulator, "sessions", {"phone_number": phone, "agent_id": agent, "count": count}
    )


def sync_command() -> None:
    call_command("sync_kapso", stdout=StringIO(), stderr=StringIO())


# --- the walk ----------------------------------------------------------------------------
def test_sync_reports_what_it_did_page_by_page(kapso, alice):
    make_session(alice)
    outside(kapso, 150)
    pages = []
    report = sync_kapso(progress=lambda n, total, r: pages.append((n, total, r.seen)))
    assert (report.created, report.updated, report.unchanged, report.failed) == (150, 0, 1, 0)
    assert pages == [(1, 2, 100), (2, 2, 151)]
    again = sync_kapso()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 151)


def test_sync_honours_429_and_its_wait(settings):
    # Five calls (agents + four pages) against two per minute: even if a minute boundary
    # falls inside the run, one window sees a third call and answers 429.
    with EmulatorServer(host="127.0.0.1", port=0, rate_limit=2) as limited:
        emulator_control(
            limited,
            "sessions",
            {
                "phone_number": "+14155550100",
                "agent_id": "agent-sales-02",
                "count": 350,
            },
        )
        waits: list[int] = []

        def sleep(seconds):
            # Kapso's window is a minute; move the emulator's clock instead of waiting it.
            waits.append(seconds)
            emulator_control(limited, "clock", {"advance_seconds": seconds})

        client = KapsoClient(base_url=limited.api_base_url, api_key=TEST_API_KEY)
        report = sync_kapso(client=client, sleep=sleep)
    assert report.created == 350 and report.failed == 0
    assert report.rate_limit_waits >= 1 and all(1 <= w <= 60 for w in waits)


def test_unusable_sessions_are_counted_and_the_rest_kept(scripted):
    good = load_fixture("create_sandbox_session.response.json")["data"]
    bad = {**good, "id": "bad-one", "activation_link": "javascript:alert(1)"}
    scripted.reply = Reply(
        status=200,
        body={
            "data": [good, bad],
            "meta": {"page": 1, "per_page": 100, "total_pages": 1, "total_count": 2},
        },
    )
    # The scripted server answers every call with this page, so drive the page step
    # directly rather than the whole walk (which lists agents first).
    report = sync.SyncReport()
    page = KapsoClient(base_url=scripted.url, api_key=TEST_API_KEY).list_sessions()
    sync._store_page(page.items, {}, report)
    assert page.failures and "activation_link" in page.failures[0]
    assert report.created == 1
    assert SandboxSession.objects.get().kapso_id == good["id"]


def test_an_empty_page_ends_the_walk_whatever_meta_promised(scripted):
    agent = load_fixture("create_sandbox_session.response.json")["data"]["agent"]
    replies = iter(
        [
            Reply(status=200, body=[agent]),
            Reply(
                status=200,
                body={
                    "data": [],
                    "meta": {"page": 1, "per_page": 100, "total_pages": 9, "total_count": 900},
                },
            ),
        ]
    )
    client = KapsoClient(base_url=scripted.url, api_key=TEST_API_KEY)

    def next_reply(*args):
        scripted.reply = next(replies)

    next_reply()
    original = client.list_sessions

    def list_sessions(**kwargs):
        next_reply()
        return original(**kwargs)

    client.list_sessions = list_sessions
    report = sync_kapso(client=client)
    assert report.seen == 0
    assert [r.path.split("?")[0] for r in scripted.requests] == ["/agents", "/sandbox_sessions"]


def test_refresh_watches_only_sessions_that_may_still_change(kapso, alice):
    pending = make_session(alice, "+14155552671")
    active = make_session(alice, "+14155552672")
    active.status = "active"
    active.save()
    lapsed = make_session(alice, "+14155552673")
    lapsed.expires_at = timezone.now() - timedelta(minutes=1)
    lapsed.save()
    said_expired = make_session(alice, "+14155552674")
    said_expired.status = "expired"
    said_expired.save()
    for session in (pending, active, lapsed, said_expired):
        emulator_control(kapso, f"sessions/{session.kapso_id}/status", {"status": "active"})
    report = refresh_watched_sessions()
    assert (report.refreshed, report.failed) == (2, 0)
    lapsed.refresh_from_db()
    said_expired.refresh_from_db()
    assert (lapsed.status, said_expired.status) == ("pending_activation", "expired")


# --- a lost create's session goes to its teammate -------------------------------------
def test_lost_create_found_later_by_sync_goes_to_its_teammate(faulty, alice_client, alice, client):
    # Kapso makes the session but the answer is lost, and the look-up fails too.
    arm(faulty, "drop")
    arm(faulty, "status", path="/api/v1/sandbox_sessions", method="GET", status=503, times=3)
    response = alice_client.post(reverse("sandbox:create"), TYPED)
    assert "may still have made the session" in response.content.decode()
    attempt = FailedSessionAttempt.objects.get()
    assert attempt.outcome_unknown and attempt.session is None
    assert not SandboxSession.objects.exists()

    requests.delete(f"{faulty.url}/_emulator/faults", json={}, timeout=5)  # Kapso is well again
    sync_command()
    session = SandboxSession.objects.get()
    attempt.refresh_from_db()
    assert session.created_by == alice and attempt.session == session
    assert session.requested_agent_id == "agent-support-01"
    history = alice_client.get(reverse("sandbox:list"))
    assert list(history.context["page"].object_list) == [session]


def test_session_a_sync_stored_first_still_goes_to_its_teammate(faulty, alice, alice_client):
    # The sync runs while the create is in flight, so the session is stored unowned; then
    # the create's answer is lost and its look-up fails.
    emulator_control(
        faulty, "sessions", {"phone_number": "+14155552671", "agent_id": "agent-support-01"}
    )
    sync_command()
    orphan = SandboxSession.objects.get()
    assert orphan.created_by is None
    make_lost_attempt(alice)
    sync_command()
    orphan.refresh_from_db()
    assert orphan.created_by == alice
    assert FailedSessionAttempt.objects.get().session == orphan


def test_an_older_session_made_elsewhere_is_not_handed_to_a_teammate(faulty, alice):
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
    sync_command()
    assert SandboxSession.objects.get().created_by is None


def test_a_sync_never_takes_a_session_from_its_owner(kapso, alice, bob):
    bobs = make_session(bob, "+14155552671", agent_index=0)
    make_lost_attempt(alice, agent_id=bobs.requested_agent_id)
    sync_command()
    bobs.refresh_from_db()
    assert bobs.created_by == bob
    assert FailedSessionAttempt.objects.get().session is None
