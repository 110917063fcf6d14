"""sandbox/api/views/groups.py: groups and their members for CI, read-only; a token sees
what its owner sees on the pages (managers every group, everyone else none)."""

from __future__ import annotations

import pytest

from sandbox.team import joining
from sandbox.team.models import Tester, TesterGroup
from tests.api.conftest import Api, problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_group(kapso, charlie, settings):
    from sandbox.agents import agent_list_refresh

    settings.TEAM_JOIN_MIN_FILL_SECONDS = 0
    agents = agent_list_refresh()
    return TesterGroup.objects.create(
        name="Client pilot",
        agent_ids=[agents[0].kapso_id, agents[1].kapso_id],
        created_by=charlie,
        join_enabled=True,
        join_cap=20,
    )


def test_a_manager_s_token_lists_groups_and_members(charlie_api, open_group):
    tester = Tester.objects.create(name="Tester 0", phone_number="+14155552671")
    open_group.members.create(tester=tester)
    made = joining.join(
        open_group, name="Ann", phone="+442079460958", email="", agent_id=open_group.agent_ids[0]
    )
    [group] = charlie_api.get("/api/v1/groups").json()["items"]
    assert group == {
        "id": open_group.pk,
        "name": "Client pilot",
        "agents": open_group.agent_ids,
        "members": 2,
        "join_link": {"state": "open", "cap": 20, "joined": 1, "ends_at": None},
    }
    members = charlie_api.get(f"/api/v1/groups/{open_group.pk}/members").json()["items"]
    assert [(m["name"], m["phone_number"], m["joined"], m["session_id"]) for m in members] == [
        ("Ann", "+442079460958", True, made.session.pk),
        ("Tester 0", tester.phone_number, False, None),
    ]


def test_other_tokens_see_no_group(alice_api, reader_api, open_group):
    assert alice_api.get("/api/v1/groups").json() == {"items": []}
    problem(alice_api.get(f"/api/v1/groups/{open_group.pk}/members"), 404, "not_found")
    assert reader_api.get("/api/v1/groups").json() == {"items": []}


def test_no_token_no_groups(open_group):
    problem(Api(None).get("/api/v1/groups"), 401, "token_missing")


def test_unknown_groups_and_parameters_are_said(charlie_api):
    problem(charlie_api.get("/api/v1/groups/999/members"), 404, "not_found")
    problem(charlie_api.get("/api/v1/groups", {"limit": 5}), 400, "invalid_request")
    assert TesterGroup.objects.count() == 0
