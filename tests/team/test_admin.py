"""sandbox/team/admin.py: the roster in the admin, and erasing from there too."""

from __future__ import annotations

import pytest

from sandbox.models import SandboxSession
from sandbox.team import onboarding
from sandbox.team.models import ErasureLog, Tester

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_erase_action_erases_everywhere(root_client, root, agents, make_testers):
    testers = make_testers(2)
    batch = onboarding.batch_start(user=root, testers=testers, agent_ids=[agents[0].kapso_id])
    onboarding.batch_run(batch)
    page = root_client.get("/admin/team/tester/").content.decode()
    assert "Erase selected testers everywhere" in page
    response = root_client.post(
        "/admin/team/tester/",
        {"action": "erase", "_selected_action": [testers[0].pk]},
        follow=True,
    )
    assert b"Kapso keeps its own copy" in response.content
    assert list(Tester.objects.all()) == [testers[1]]
    assert not SandboxSession.objects.filter(phone_number=testers[0].phone_number).exists()
    assert ErasureLog.objects.get().by == root


@pytest.mark.parametrize(
    "url",
    [
        "/admin/team/onboardingbatch/",
        "/admin/team/reminder/",
        "/admin/team/erasurelog/",
        "/admin/team/erasedkapsosession/",
        "/admin/team/workerheartbeat/",
        "/admin/team/testergroup/",
    ],
)
def test_every_team_model_has_an_admin_page(root_client, url):
    assert root_client.get(url).status_code == 200


def test_a_group_s_admin_page_shows_members_not_the_link_secret(root_client, charlie):
    from sandbox.team.models import TesterGroup

    group = TesterGroup.objects.create(name="Pilot", agent_ids=["a"], created_by=charlie)
    group.members.create(tester=Tester.objects.create(name="Ann", phone_number="+442079460958"))
    page = root_client.get(f"/admin/team/testergroup/{group.pk}/change/").content.decode()
    assert "Pilot" in page and "Group members" in page
    assert group.join_secret not in page


def test_the_group_admin_saves_only_what_was_edited(root_client, charlie):
    """joined_count and join_secret are read-only there, and a join or a rotation landing
    while the admin page is open survives its save."""
    from django.db.models import F
    from django.db.models.signals import pre_save

    from sandbox.team.models import TesterGroup

    group = TesterGroup.objects.create(name="Pilot", agent_ids=["a"], created_by=charlie)
    path = f"/admin/team/testergroup/{group.pk}/change/"
    assert 'name="joined_count"' not in root_client.get(path).content.decode()

    def meanwhile(sender, instance, **kwargs):
        TesterGroup.objects.filter(pk=instance.pk).update(
            joined_count=F("joined_count") + 2, join_secret="rotated-meanwhile"
        )

    form = {
        "name": "Pilot renamed",
        "agent_ids": '["a"]',
        "created_by": charlie.pk,
        "created_at_0": "2026-01-01",
        "created_at_1": "10:00:00",
        "join_cap": "9",
        "join_calling_codes": "",
        "joined_count": "0",
        "members-TOTAL_FORMS": "0",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    }
    pre_save.connect(meanwhile, sender=TesterGroup)
    try:
        response = root_client.post(path, form)
    finally:
        pre_save.disconnect(meanwhile, sender=TesterGroup)
    assert response.status_code == 302, response.content.decode()[:2000]
    group.refresh_from_db()
    assert (group.name, group.join_cap) == ("Pilot renamed", 9)
    assert (group.joined_count, group.join_secret) == (2, "rotated-meanwhile")
