"""sandbox/lost_creates.py: the one rule for finding the session a lost create made."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from sandbox import lost_creates, sessions
from sandbox.gateway import get_client
from sandbox.kapso.quota import BACKGROUND
from sandbox.lost_creates import CLOCK_SLACK, find_for_create, match
from tests.conftest import arm, emulator_control

PHONE, AGENT = "+14155552671", "agent-support-01"


def item(agent, phone=PHONE, created_at=None):
    return SimpleNamespace(agent=SimpleNamespace(id=agent), phone=phone, created_at=created_at)


def pick(candidates, agent_id, *, asked_from=None, asked_until=None):
    now = timezone.now()
    return match(
        candidates,
        phone_number=PHONE,
        agent_id=agent_id,
        asked_from=asked_from or now,
        asked_until=asked_until or now,
        describe=lambda i: (i.phone, i.agent.id, i.created_at),
    )


def test_lost_answer_with_another_agent_id_form_is_still_found():
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


def test_only_the_asked_phone_is_a_candidate():
    assert pick([item(AGENT, phone="+14155552672")], AGENT) is None
    ours = item(AGENT)
    assert pick([item(AGENT, phone="+14155552672"), ours], AGENT) is ours


def test_only_sessions_made_while_we_asked_are_candidates():
    now = timezone.now()
    asked = {"asked_from": now - timedelta(seconds=10), "asked_until": now}
    inside = item(AGENT, created_at=now - timedelta(seconds=10) - CLOCK_SLACK)
    assert pick([inside], AGENT, **asked) is inside  # the clock slack, exactly
    too_old = item(AGENT, created_at=now - timedelta(seconds=11) - CLOCK_SLACK)
    too_new = item(AGENT, created_at=now + CLOCK_SLACK + timedelta(seconds=1))
    assert pick([too_old], AGENT, **asked) is None
    assert pick([too_new], AGENT, **asked) is None
    undated = item(AGENT)  # Kapso gave no created_at: the time cannot rule it out
    assert pick([too_old, undated], AGENT, **asked) is undated


def test_of_several_for_the_same_agent_the_newest_listed_is_taken():
    first, second = item(AGENT), item(AGENT)
    assert pick([first, second], AGENT) is first  # Kapso lists newest first


# --- the look-up after a lost create ---------------------------------------------------


def made_at_kapso(emulator) -> str:
    data = emulator_control(emulator, "sessions", {"phone_number": PHONE, "agent_id": AGENT})
    return data["data"]["id"]


def look_up():
    now = timezone.now()
    return find_for_create(PHONE, AGENT, asked_from=now, asked_until=now, caller=BACKGROUND)


@pytest.mark.django_db
def test_the_session_kapso_made_is_found(kapso):
    kapso_id = made_at_kapso(kapso)
    assert look_up().id == kapso_id


@pytest.mark.django_db
def test_a_session_a_sync_stored_without_a_creator_is_still_a_candidate(kapso):
    kapso_id = made_at_kapso(kapso)
    sessions.sandbox_session_upsert(get_client().get_session(kapso_id))  # a sync's copy
    assert look_up().id == kapso_id


@pytest.mark.django_db
def test_a_session_a_teammate_owns_is_never_a_candidate(kapso, bob):
    kapso_id = made_at_kapso(kapso)
    sessions.sandbox_session_upsert(get_client().get_session(kapso_id), created_by=bob)
    assert look_up() is None


@pytest.mark.django_db
def test_an_owned_session_does_not_hide_the_one_kapso_made(kapso, bob):
    theirs = made_at_kapso(kapso)
    sessions.sandbox_session_upsert(get_client().get_session(theirs), created_by=bob)
    ours = made_at_kapso(kapso)
    assert look_up().id == ours


@pytest.mark.django_db
def test_a_failing_look_up_finds_nothing(faulty):
    made_at_kapso(faulty)
    arm(faulty, "status", path="/api/v1/sandbox_sessions", method="GET", status=503, times=3)
    assert look_up() is None


@pytest.mark.django_db
def test_the_look_up_has_its_own_short_budget(faulty, settings, monkeypatch):
    settings.KAPSO_TIMEOUT = 30.0
    seen = []
    real = lost_creates.get_client

    def recording(*, timeout=None):
        seen.append(timeout)
        return real(timeout=timeout)

    monkeypatch.setattr(lost_creates, "get_client", recording)
    look_up()
    assert seen == [lost_creates.LOOKUP_TIMEOUT_SECONDS]
    assert real(timeout=lost_creates.LOOKUP_TIMEOUT_SECONDS).timeout == 3.0
