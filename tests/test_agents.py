"""sandbox/agents.py: Kapso's agents cached in the database for the form and the history."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sandbox import agents, sync
from sandbox.agents import agent_choices, agent_upsert
from sandbox.gateway import get_client
from sandbox.kapso.types import parse_agent, parse_session
from sandbox.models import Agent
from tests.conftest import load_fixture
from tests.scripted_server import Reply

pytestmark = pytest.mark.django_db
DOCUMENTED = load_fixture("create_sandbox_session.response.json")["data"]


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


def test_the_list_is_sorted_by_name_for_the_dropdown(scripted):
    scripted.reply = Reply(
        status=200,
        body=[
            {"id": "b", "name": "beta"},
            {"id": "a2", "name": "Alpha"},
            {"id": "a1", "name": "alpha"},
        ],
    )
    assert [a.kapso_id for a in agents.agent_list_refresh()] == ["a1", "a2", "b"]


def test_an_unchanged_agent_is_not_written_again(scripted):
    scripted.reply = Reply(status=200, body=[DOCUMENTED["agent"]])
    agents.agent_list_refresh()
    with CaptureQueriesContext(connection) as queries:
        agents.agent_list_refresh()
    assert not [q for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE")]


# --- an agent's copy inside a session --------------------------------------------------
def test_agents_kapso_dropped_stay_hidden_when_sessions_name_them():
    data = load_fixture("create_sandbox_session.response.json")["data"]
    Agent.objects.create(kapso_id=data["agent"]["id"], name="Old name", listed=False)
    item = parse_session(data)
    report = sync.SyncReport()
    sync._store_page([item], {}, report)
    agent = Agent.objects.get(kapso_id=data["agent"]["id"])
    assert agent.name == data["agent"]["name"]  # its details are refreshed
    assert agent.listed is False  # but it does not come back into the form
    assert data["agent"]["id"] not in {a.kapso_id for a in agent_choices().agents if a.listed}
    with CaptureQueriesContext(connection) as queries:
        sync._store_page([item], {}, sync.SyncReport())
    assert not [q for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE")]


def test_an_agent_first_seen_inside_a_session_is_not_offered():
    data = load_fixture("create_sandbox_session.response.json")["data"]
    sync._store_page([parse_session(data)], {}, sync.SyncReport())
    assert Agent.objects.get(kapso_id=data["agent"]["id"]).listed is False


def test_an_old_sessions_copy_of_its_agent_does_not_undo_a_rename():
    data = load_fixture("create_sandbox_session.response.json")["data"]
    renamed = {**data["agent"], "name": "Renamed agent", "updated_at": "2030-01-01T00:00:00Z"}
    agent_upsert(parse_agent(renamed), listed=True)  # Kapso's agent list, newer
    sync._store_page([parse_session(data)], {}, sync.SyncReport())  # an old session's copy
    assert Agent.objects.get(kapso_id=data["agent"]["id"]).name == "Renamed agent"


def test_agent_upsert_rules_directly():
    copy = parse_agent(DOCUMENTED["agent"])
    first = agent_upsert(copy)  # seen inside a session first
    assert first.listed is False
    listed = agent_upsert(copy, listed=True)  # then in Kapso's list
    assert listed.pk == first.pk and listed.listed is True
    assert agent_upsert(copy).listed is True  # a session's copy says nothing about the list


def test_a_sync_lists_the_agents_for_the_form(kapso):
    call_command("sync_kapso", stdout=StringIO(), stderr=StringIO())
    offered = {a.kapso_id for a in agent_choices().agents}
    assert offered == {a["id"] for a in kapso.store.list_agents()}
