"""sandbox/team/matrix_page.py, through the team page and its poll: paged, searchable by
name, phone, agent and state; an unchanged poll answered by an empty 304."""

from __future__ import annotations

import pytest

from sandbox.models import SandboxSession
from sandbox.sessions import sandbox_session_refresh
from sandbox.team import matrix_page, onboarding
from sandbox.team.models import Tester
from tests.conftest import emulator_control

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def roster(db):
    """120 testers, named so that the order by name is the order made."""
    Tester.objects.bulk_create(
        Tester(name=f"Tester {n:03d}", phone_number=f"+1415555{n:04d}") for n in range(120)
    )
    return list(Tester.objects.order_by("name"))


def _names(response) -> list[str]:
    return [row[0].tester.name for row in response.context["rows"]]


def test_the_matrix_is_paged_by_name(roster, manager_client, kapso, agents):
    first = manager_client.get("/team/")
    assert _names(first) == [f"Tester {n:03d}" for n in range(matrix_page.PAGE_SIZE)]
    assert "Page 1 of 3 · 120 testers" in first.content.decode()
    last = manager_client.get("/team/", {"page": 3})
    assert len(_names(last)) == 120 - 2 * matrix_page.PAGE_SIZE
    data = manager_client.get("/team/matrix.json", {"page": 3}).json()
    assert len(data["cells"]) == (120 - 2 * matrix_page.PAGE_SIZE) * len(agents)
    assert manager_client.get("/team/", {"page": "junk"}).status_code == 200  # page 1


def test_search_by_name_or_phone_keeps_what_was_typed(roster, manager_client, kapso, agents):
    by_name = manager_client.get("/team/", {"q": "tester 10"})
    assert _names(by_name) == [f"Tester {n:03d}" for n in range(100, 110)]
    assert 'value="tester 10"' in by_name.content.decode()
    by_phone = manager_client.get("/team/", {"q": "(415) 555-0042"})
    assert _names(by_phone) == ["Tester 042"]
    nobody = manager_client.get("/team/", {"q": "zz"}).content.decode()
    assert "No tester matches" in nobody


def test_one_agent_and_a_state_narrow_the_page(roster, manager_client, kapso, agents, charlie):
    batch = onboarding.batch_start(
        user=charlie, testers=roster[5:8], agent_ids=[agents[1].kapso_id]
    )
    onboarding.batch_run(batch)
    active = SandboxSession.objects.filter(phone_number=roster[6].phone_number).get()
    emulator_control(kapso, f"sessions/{active.kapso_id}/status", {"status": "active"})
    sandbox_session_refresh(active)
    one = manager_client.get("/team/", {"agent": agents[1].kapso_id})
    assert [cell.agent for cell in one.context["rows"][0]] == [agents[1]]
    pending = manager_client.get("/team/", {"agent": agents[1].kapso_id, "state": "pending"})
    assert _names(pending) == ["Tester 005", "Tester 007"]
    assert _names(manager_client.get("/team/", {"state": "active"})) == ["Tester 006"]
    # No session with the first agent: everyone; with the second, all but three.
    none = manager_client.get("/team/", {"agent": agents[1].kapso_id, "state": "none"})
    assert none.context["page"].paginator.count == 117
    assert manager_client.get("/team/", {"state": "bogus"}).context["page"].paginator.count == 120


def test_an_unchanged_poll_is_an_empty_304_and_a_change_sends_the_cells(
    roster, manager_client, kapso, agents, charlie
):
    onboarding.batch_run(
        onboarding.batch_start(user=charlie, testers=roster[:1], agent_ids=[agents[0].kapso_id])
    )
    session = SandboxSession.objects.get()
    SandboxSession.objects.filter(pk=session.pk).update(status="active")  # nothing to refresh
    first = manager_client.get("/team/matrix.json")
    tag = first["ETag"]
    again = manager_client.get("/team/matrix.json", headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == tag
    SandboxSession.objects.filter(pk=session.pk).update(status="expired")
    changed = manager_client.get("/team/matrix.json", headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed["ETag"] != tag
    key = f"{roster[0].pk}-{agents[0].pk}"
    assert changed.json()["cells"][key]["state"] == "expired"


def test_the_testers_list_is_paged_and_searchable(roster, manager_client):
    page = manager_client.get("/team/testers/")
    assert "Roster (120)" in page.content.decode()
    assert len(page.context["page"].object_list) == matrix_page.PAGE_SIZE
    found = manager_client.get("/team/testers/", {"q": "Tester 11"})
    assert [t.name for t in found.context["page"].object_list] == [
        f"Tester {n:03d}" for n in range(110, 120)
    ]
