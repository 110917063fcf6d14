"""sandbox/sessions.py: what happens when someone presses Create (and renew, refresh): against
the emulator over HTTP and the real database."""

from __future__ import annotations

import json

import pytest

from sandbox import lost_creates, sessions
from sandbox.errors import USER_FACING_ERRORS, CreateOutcomeUnknown, LostSessionTaken
from sandbox.gateway import get_client
from sandbox.kapso.errors import KapsoNotFoundError
from sandbox.models import FailedSessionAttempt, SandboxSession
from tests.conftest import arm, emulator_calls, emulator_control, load_fixture
from tests.scripted_server import Reply

pytestmark = pytest.mark.django_db
PHONE, AGENT = "+14155552671", "agent-support-01"


def first_agent_id() -> str:
    return get_client().list_agents()[0].id


def test_create_stores_every_documented_field(kapso, alice):
    agent_id = first_agent_id()
    session = sessions.sandbox_session_create(
        user=alice, phone_number="+14155552671", agent_id=agent_id
    ).session
    stored = SandboxSession.objects.get(pk=session.pk)
    remote = get_client().get_session(stored.kapso_id)
    assert stored.created_by == alice
    assert stored.agent.kapso_id == agent_id == stored.requested_agent_id
    assert stored.phone_number == remote.phone_number == "+14155552671"
    assert stored.status == "pending_activation"
    assert stored.activation_code == remote.activation_code
    assert stored.activation_message == remote.activation_message
    assert stored.activation_link == remote.activation_link
    assert stored.expires_at == remote.expires_at
    assert stored.kapso_created_at == remote.created_at
    assert stored.raw_payload["id"] == stored.kapso_id
    assert set(stored.raw_payload) >= {"activation_code", "agent", "expires_at"}


def test_failed_create_records_the_attempt_and_reraises(kapso, alice):
    with pytest.raises(KapsoNotFoundError):
        sessions.sandbox_session_create(user=alice, phone_number="+14155552671", agent_id="ghost")
    attempt = FailedSessionAttempt.objects.get()
    assert (attempt.created_by, attempt.phone_number, attempt.agent_id) == (
        alice,
        "+14155552671",
        "ghost",
    )
    assert attempt.error_kind == "not_found"
    assert attempt.http_status == 404
    assert "Agent not found" in attempt.error_message
    assert not SandboxSession.objects.exists()


def test_upsert_by_kapso_id_keeps_the_creator(kapso, alice):
    created = sessions.sandbox_session_create(
        user=alice, phone_number="+14155552671", agent_id=first_agent_id()
    ).session
    data = get_client().get_session(created.kapso_id)
    again, was_created = sessions.sandbox_session_upsert(data, created_by=None)
    assert not was_created
    assert again.pk == created.pk and again.created_by == alice
    assert SandboxSession.objects.count() == 1


def test_upsert_never_replaces_a_creator_but_fills_a_missing_one(kapso, alice, bob):
    data = get_client().get_session(
        emulator_control(kapso, "sessions", {"phone_number": PHONE, "agent_id": AGENT})["data"][
            "id"
        ]
    )
    stored, created = sessions.sandbox_session_upsert(data)  # a sync: nobody's yet
    assert created and stored.created_by is None
    mine, _ = sessions.sandbox_session_upsert(data, created_by=alice, requested_agent_id=AGENT)
    assert mine.pk == stored.pk and mine.created_by == alice and mine.requested_agent_id == AGENT
    theirs, _ = sessions.sandbox_session_upsert(data, created_by=bob)
    assert theirs.created_by == alice  # a later claim does not take it over


def test_every_kapso_failure_is_an_error_the_form_shows(scripted, alice):
    replies = (Reply(status=500), Reply(status=201, body="garbage"), Reply(status=410))
    # Distinct phones: a repeat of a create whose outcome is unknown is held back on purpose.
    for i, reply in enumerate(replies):
        scripted.reply = reply
        with pytest.raises(USER_FACING_ERRORS):
            sessions.sandbox_session_create(
                user=alice, phone_number=f"+1415555267{i}", agent_id="a"
            )
    assert FailedSessionAttempt.objects.count() == 3


def test_a_repeat_after_an_unknown_outcome_is_held_back(scripted, alice):
    scripted.reply = Reply(status=201, body="garbage")  # Kapso probably made it
    with pytest.raises(CreateOutcomeUnknown):
        sessions.sandbox_session_create(user=alice, phone_number="+14155552671", agent_id="a")
    scripted.reply = Reply(status=201, body=load_fixture("create_sandbox_session.response.json"))
    with pytest.raises(CreateOutcomeUnknown, match="before asking again"):
        sessions.sandbox_session_create(user=alice, phone_number="+14155552671", agent_id="a")
    assert [r.method for r in scripted.requests].count("POST") == 1


def test_a_repeat_by_the_same_teammate_gets_the_first_session(kapso, alice):
    first = sessions.sandbox_session_create(user=alice, phone_number=PHONE, agent_id=AGENT)
    again = sessions.sandbox_session_create(user=alice, phone_number=PHONE, agent_id=AGENT)
    assert (first.how, again.how) == ("created", "duplicate")
    assert again.session == first.session
    assert emulator_calls(kapso)["POST /api/v1/sandbox_sessions"] == 1


def test_another_teammate_asking_for_the_same_phone_and_agent_gets_their_own_session(
    kapso, alice, bob
):
    """The double-submit guard is per teammate: bob's create is not answered with alice's."""
    hers = sessions.sandbox_session_create(user=alice, phone_number=PHONE, agent_id=AGENT)
    his = sessions.sandbox_session_create(user=bob, phone_number=PHONE, agent_id=AGENT)
    assert his.how == "created"
    assert his.session.pk != hers.session.pk
    assert (hers.session.created_by, his.session.created_by) == (alice, bob)
    assert his.session.kapso_id != hers.session.kapso_id
    assert emulator_calls(kapso)["POST /api/v1/sandbox_sessions"] == 2


def test_a_failed_create_does_not_hold_back_the_next_try(scripted, alice):
    scripted.reply = Reply(status=422, body={"error": "phone_number is invalid"})
    with pytest.raises(USER_FACING_ERRORS):
        sessions.sandbox_session_create(user=alice, phone_number=PHONE, agent_id="a")
    scripted.reply = Reply(status=201, body=load_fixture("create_sandbox_session.response.json"))
    outcome = sessions.sandbox_session_create(user=alice, phone_number=PHONE, agent_id="a")
    assert outcome.how == "created"
    assert [r.method for r in scripted.requests].count("POST") == 2


# --- a lost answer: adopt what Kapso made, never someone else's -----------------------------
def test_a_lost_answer_is_adopted(faulty, alice):
    arm(faulty, "drop")  # Kapso makes the session; its answer never arrives
    outcome = sessions.sandbox_session_create(user=alice, phone_number=PHONE, agent_id=AGENT)
    assert outcome.how == "adopted"
    assert outcome.session.created_by == alice and outcome.session.requested_agent_id == AGENT
    assert emulator_calls(faulty)["POST /api/v1/sandbox_sessions"] == 1


def test_a_lost_create_never_takes_a_teammates_session(faulty, alice, bob):
    """Bob made a session for this phone and agent a moment ago. Alice's create meets a
    gateway error (Kapso made nothing); the look-up sees only bob's session, which must not
    become hers, and she must not be told it belongs to someone else either: as far as
    anyone knows, Kapso may still have made hers."""
    bobs = sessions.sandbox_session_create(user=bob, phone_number=PHONE, agent_id=AGENT).session
    arm(faulty, "status", status=502)
    with pytest.raises(CreateOutcomeUnknown, match="may still have made the session"):
        sessions.sandbox_session_create(user=alice, phone_number=PHONE, agent_id=AGENT)
    bobs.refresh_from_db()
    assert bobs.created_by == bob
    assert SandboxSession.objects.count() == 1
    assert not SandboxSession.objects.filter(created_by=alice).exists()
    attempt = FailedSessionAttempt.objects.get(created_by=alice)
    assert attempt.outcome_unknown and attempt.error_kind == "server"


def test_a_session_another_teammate_adopted_first_is_not_handed_over(
    faulty, alice, bob, monkeypatch
):
    """The race the ownership guard is for: between alice's look-up and her upsert, bob's
    own lost create adopts the same session. It stays his, and alice is told."""
    real_find = lost_creates.find_for_create

    def bob_gets_there_first(*args, **kwargs):
        found = real_find(*args, **kwargs)
        assert found is not None  # the look-up did find the session Kapso made
        sessions.sandbox_session_upsert(found, created_by=bob)
        return found

    monkeypatch.setattr(lost_creates, "find_for_create", bob_gets_there_first)
    arm(faulty, "drop")
    with pytest.raises(LostSessionTaken, match="belongs to someone else"):
        sessions.sandbox_session_create(user=alice, phone_number=PHONE, agent_id=AGENT)
    assert SandboxSession.objects.get().created_by == bob
    attempt = FailedSessionAttempt.objects.get()
    assert (attempt.created_by, attempt.error_kind) == (alice, "taken")


# --- renew and refresh ----------------------------------------------------------------------
def test_renew_asks_again_with_the_agent_id_the_teammate_picked(scripted, alice):
    documented = load_fixture("create_sandbox_session.response.json")
    scripted.reply = Reply(status=201, body=documented)
    old = sessions.sandbox_session_create(
        user=alice, phone_number="+12345678901", agent_id="123e4567-uuid-form"
    ).session
    assert old.agent.kapso_id == "agent-123abc"  # Kapso answered with another id form
    fresh = {**documented["data"], "id": "renewed-1"}
    scripted.reply = Reply(status=201, body={"data": fresh})
    outcome = sessions.sandbox_session_renew(session=old, user=alice)
    sent = json.loads(scripted.requests[-1].body)["whatsapp_sandbox_session"]
    assert sent == {"phone_number": "+12345678901", "agent_id": "123e4567-uuid-form"}
    assert outcome.session.renewed_from == old and outcome.session.kapso_id == "renewed-1"


def test_refresh_stores_kapsos_answer_and_keeps_a_failure_on_the_session(kapso, alice, settings):
    session = sessions.sandbox_session_create(
        user=alice, phone_number=PHONE, agent_id=AGENT
    ).session
    emulator_control(kapso, f"sessions/{session.kapso_id}/status", {"status": "active"})
    refreshed = sessions.sandbox_session_refresh(session)
    assert refreshed.status == "active" and refreshed.last_sync_error == ""
    settings.KAPSO_API_KEY = "wrong-key"
    with pytest.raises(USER_FACING_ERRORS):
        sessions.sandbox_session_refresh(refreshed)
    refreshed.refresh_from_db()
    assert "KAPSO_API_KEY" in refreshed.last_sync_error
    assert refreshed.status == "active"  # what Kapso said last is kept
