"""sandbox/team/views/matrix.py: the page, its one JSON request, one-click create/renew."""

from __future__ import annotations

import pytest

from sandbox.models import SandboxSession
from sandbox.team import onboarding
from sandbox.team.models import OnboardingBatch, Tester
from tests.conftest import TEST_API_KEY, emulator_control

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def team(kapso, agents, make_testers, charlie, alice):
    testers = make_testers(3)
    Tester.objects.filter(pk=testers[0].pk).update(account=alice)
    batch = onboarding.batch_start(user=charlie, testers=testers, agent_ids=[agents[0].kapso_id])
    onboarding.batch_run(batch)
    return testers, agents


def test_a_manager_sees_every_tester_and_agent(team, manager_client):
    testers, agents = team
    page = manager_client.get("/team/").content.decode()
    for tester in testers:
        assert tester.name in page
    for agent in agents:
        assert agent.name in page
    assert page.count('class="cell cell-pending"') == 3
    assert "Renew them all" in page
    assert TEST_API_KEY not in page


def test_a_plain_account_sees_only_its_own_row_with_its_phones_live_sessions(team, client, alice):
    testers, agents = team
    client.force_login(alice)
    page = client.get("/team/").content.decode()
    assert testers[0].name in page
    assert testers[1].name not in page and testers[2].name not in page
    # charlie made the session of alice's phone; it is live, and alice is linked to that
    # tester: her row shows it as the manager's does (docs/decisions.md, issue 20).
    assert 'class="cell cell-pending"' in page
    data = client.get("/team/matrix.json").json()
    assert set(data["cells"]) == {f"{testers[0].pk}-{a.pk}" for a in agents}
    assert "Renew them all" not in page


def test_one_json_request_has_the_whole_matrix_and_follows_kapso(team, manager_client, kapso):
    testers, agents = team
    session = SandboxSession.objects.get(phone_number=testers[0].phone_number)
    emulator_control(kapso, f"sessions/{session.kapso_id}/status", {"status": "active"})
    states = {}
    for _ in range(3):  # two cells refreshed per request, the longest-unchecked first
        states = {
            k: v["state"]
            for k, v in manager_client.get("/team/matrix.json").json()["cells"].items()
        }
    assert len(states) == 3 * len(agents)
    assert states[f"{testers[0].pk}-{agents[0].pk}"] == "active"


def test_one_click_makes_a_session_for_an_empty_cell(team, manager_client, charlie):
    testers, agents = team
    response = manager_client.post("/team/cell/", {"cell": f"{testers[1].pk}-{agents[1].pk}"})
    session = SandboxSession.objects.get(
        phone_number=testers[1].phone_number, agent__kapso_id=agents[1].kapso_id
    )
    assert response.status_code == 302 and response.url == session.get_absolute_url()
    assert session.created_by == charlie and session.charged_to == charlie  # a person's create


def test_one_click_renews_a_full_cell(team, manager_client):
    testers, agents = team
    old = SandboxSession.objects.get(phone_number=testers[1].phone_number)
    manager_client.post("/team/cell/", {"cell": f"{testers[1].pk}-{agents[0].pk}"})
    new = SandboxSession.objects.exclude(pk=old.pk).get(phone_number=testers[1].phone_number)
    assert new.renewed_from == old


def test_a_plain_account_cannot_click_someone_elses_cell(team, client, alice):
    testers, agents = team
    client.force_login(alice)
    response = client.post("/team/cell/", {"cell": f"{testers[1].pk}-{agents[0].pk}"})
    assert response.status_code == 404
    # Its own row works, and the session is its own.
    client.post("/team/cell/", {"cell": f"{testers[0].pk}-{agents[1].pk}"})
    assert SandboxSession.objects.filter(created_by=alice).count() == 1


def test_a_malformed_cell_is_not_found(team, manager_client):
    for cell in ("", "1", "a-b", "1-"):
        assert manager_client.post("/team/cell/", {"cell": cell}).status_code == 404


def test_renew_expiring_starts_one_batch(team, manager_client):
    from datetime import timedelta

    from django.utils import timezone

    SandboxSession.objects.update(expires_at=timezone.now() + timedelta(hours=3))
    response = manager_client.post("/team/renew-expiring/", {"hours": 4})
    batch = OnboardingBatch.objects.get(kind=OnboardingBatch.RENEW)
    assert response.url == f"/onboard/{batch.pk}/"
    assert batch.pairs.count() == 3


def test_renew_expiring_with_nothing_to_do_says_so(team, manager_client):
    response = manager_client.post("/team/renew-expiring/", {"hours": 1}, follow=True)
    assert b"Nothing on the team expires in the next 1 hours" in response.content


def test_bad_hours_say_what_is_allowed(team, manager_client):
    response = manager_client.post("/team/renew-expiring/", {"hours": "lots"}, follow=True)
    assert b"from 1 to 48" in response.content
