"""Business steps against the emulator over HTTP and the real database."""

from __future__ import annotations

import pytest

from sandbox import agents, sessions
from sandbox.errors import USER_FACING_ERRORS, CreateOutcomeUnknown
from sandbox.gateway import get_client
from sandbox.kapso.errors import KapsoNotFoundError
from sandbox.models import Agent, FailedSessionAttempt, SandboxSession
from tests.conftest import load_fixture
from tests.scripted_server import Reply

pytestmark = pytest.mark.django_db


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


def test_agent_choices_caches_kapsos_list(kapso):
    choices = agents.agent_choices()
    assert choices.error is None
    assert {a.kapso_id for a in choices.agents} == {a.id for a in get_client().list_agents()}
    # A second look within the cache window does not ask Kapso again.
    Agent.objects.filter(kapso_id=choices.agents[0].kapso_id).update(name="Renamed locally")
    assert "Renamed locally" in {a.name for a in agents.agent_choices().agents}
    # A forced reload does.
    assert "Renamed locally" not in {
        a.name for a in agents.agent_choices(force_refresh=True).agents
    }


def test_agent_choices_falls_back_to_last_list_with_the_reason(kapso, scripted):
    # Seed the cache from the emulator, then point the dashboard at a failing Kapso.
    Agent.objects.create(kapso_id="agent-old", name="Old agent")
    scripted.reply = Reply(status=503, body="<html>down</html>")
    choices = agents.agent_choices(force_refresh=True)
    assert "HTTP 503" in choices.error
    assert [a.kapso_id for a in choices.agents] == ["agent-old"]


def test_agents_no_longer_listed_are_hidden_but_kept(kapso):
    Agent.objects.create(kapso_id="agent-retired", name="Retired")
    agents.agent_list_refresh()
    retired = Agent.objects.get(kapso_id="agent-retired")
    assert retired.listed is False
    assert "agent-retired" not in {a.kapso_id for a in agents.agent_choices().agents}


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
