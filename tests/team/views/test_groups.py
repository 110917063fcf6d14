"""sandbox/team/views/groups.py: managers make groups, add testers, set, rotate and close the
join link, watch joins in the feed, print the link's QR code; nobody else sees any of it.
Also the group as a selection: the matrix's filter and onboarding's ticks."""

from __future__ import annotations

import re

import pytest

from sandbox.team import joining
from sandbox.team.models import TesterGroup
from tests.qr_decode import decode_svg

pytestmark = pytest.mark.django_db


def test_a_manager_makes_a_group(manager_client, agents):
    response = manager_client.post(
        "/team/groups/", {"name": "Client pilot", "agents": [agents[0].kapso_id]}
    )
    group = TesterGroup.objects.get()
    assert response["Location"] == f"/team/groups/{group.pk}/"
    assert group.agent_ids == [agents[0].kapso_id]
    page = manager_client.get("/team/groups/").content.decode()
    assert "Client pilot" in page


def test_plain_accounts_see_no_group_page(alice_client, open_group):
    for path in (
        "/team/groups/",
        f"/team/groups/{open_group.pk}/",
        f"/team/groups/{open_group.pk}/feed.json",
        f"/team/groups/{open_group.pk}/sheet/",
    ):
        assert alice_client.get(path).status_code == 403
    assert (
        alice_client.post(f"/team/groups/{open_group.pk}/link/", {"action": "rotate"}).status_code
        == 403
    )


def test_testers_are_added_from_the_roster_and_a_pasted_list(
    manager_client, open_group, make_testers
):
    testers = make_testers(2)
    response = manager_client.post(
        f"/team/groups/{open_group.pk}/add/",
        {"testers": [testers[0].pk], "pasted": "Cy, +44 20 7946 0958"},
    )
    assert response.status_code == 302
    names = set(open_group.members.values_list("tester__name", flat=True))
    assert names == {"Tester 0", "Cy"}
    page = manager_client.get(f"/team/groups/{open_group.pk}/").content.decode()
    assert "Tester 0" in page and "+44 20 7946 0958" in page
    bad = manager_client.post(f"/team/groups/{open_group.pk}/add/", {"pasted": "Dan, nope"})
    assert bad.status_code == 400 and "Line 1" in bad.content.decode()


def test_link_settings_rotate_and_close(manager_client, open_group):
    path = f"/team/groups/{open_group.pk}/link/"
    bad = manager_client.post(
        path, {"join_enabled": "on", "join_cap": "5", "join_calling_codes": "UK"}
    )
    assert bad.status_code == 400 and "is not a country calling code" in bad.content.decode()
    manager_client.post(
        path,
        {
            "join_enabled": "on",
            "join_cap": "5",
            "join_ends_at": "2030-01-01T10:00",
            "join_calling_codes": "+44",
        },
    )
    open_group.refresh_from_db()
    assert (open_group.join_cap, open_group.join_calling_codes) == (5, "44")
    assert open_group.join_ends_at.year == 2030
    old = open_group.join_secret
    manager_client.post(path, {"action": "rotate"})
    open_group.refresh_from_db()
    assert open_group.join_secret != old and joining.find_link(old) is None
    page = manager_client.get(f"/team/groups/{open_group.pk}/").content.decode()
    assert f"/join/{open_group.join_secret}/" in page and old not in page
    manager_client.post(path, {"action": "close"})
    open_group.refresh_from_db()
    assert open_group.join_enabled is False


def test_the_feed_lists_joins(manager_client, open_group):
    joining.join(
        open_group, name="Ann", phone="+442079460958", email="", agent_id=open_group.agent_ids[0]
    )
    body = manager_client.get(f"/team/groups/{open_group.pk}/feed.json").json()
    assert body["joined_count"] == 1 and body["cap"] == 20
    assert [m["name"] for m in body["members"]] == ["Ann"]
    assert body["members"][0]["joined"] is True


def test_the_sheet_s_qr_code_is_the_join_link(manager_client, open_group):
    html = manager_client.get(f"/team/groups/{open_group.pk}/sheet/").content.decode()
    svg = html[html.index("<svg") : html.index("</svg>") + 6]
    assert decode_svg(svg) == [f"http://testserver/join/{open_group.join_secret}/"]


def test_the_matrix_shows_one_group(manager_client, open_group, make_testers):
    inside, outside = make_testers(2)
    open_group.members.create(tester=inside)
    page = manager_client.get(f"/team/?group={open_group.pk}").content.decode()
    assert inside.name in page and outside.name not in page
    assert f"matrix.json?group={open_group.pk}" in page
    cells = manager_client.get(f"/team/matrix.json?group={open_group.pk}").json()["cells"]
    assert all(key.startswith(f"{inside.pk}-") for key in cells)
    assert len(cells) == 2  # the group's two agents


def test_onboarding_ticks_the_group_s_testers_and_agents(manager_client, open_group, make_testers):
    inside, _outside = make_testers(2)
    open_group.members.create(tester=inside)
    page = manager_client.get(f"/onboard/?group={open_group.pk}").content.decode()
    ticked = re.findall(r'<input[^>]*name="(testers|agents)" value="([^"]+)"[^>]*checked', page)
    assert sorted(ticked) == sorted(
        [("testers", str(inside.pk))] + [("agents", a) for a in open_group.agent_ids]
    )


def test_renew_all_on_the_group_s_matrix_renews_only_the_group(
    manager_client, open_group, make_testers, charlie
):
    from datetime import timedelta

    from django.utils import timezone

    from sandbox.models import SandboxSession
    from sandbox.team import onboarding
    from sandbox.team.models import OnboardingBatch

    inside, outside = make_testers(2)
    open_group.members.create(tester=inside)
    batch = onboarding.batch_start(
        user=charlie, testers=[inside, outside], agent_ids=open_group.agent_ids[:1]
    )
    onboarding.batch_run(batch)
    SandboxSession.objects.update(expires_at=timezone.now() + timedelta(hours=3))
    page = manager_client.get(f"/team/?group={open_group.pk}").content.decode()
    assert f'action="/team/renew-expiring/?group={open_group.pk}"' in page
    manager_client.post(f"/team/renew-expiring/?group={open_group.pk}", {"hours": 4})
    renew = OnboardingBatch.objects.get(kind=OnboardingBatch.RENEW)
    assert [pair.tester for pair in renew.pairs.all()] == [inside]


def test_saving_link_settings_keeps_joins_and_a_rotation_that_land_meanwhile(
    manager_client, open_group
):
    """A join (joined_count) or a rotation (join_secret) landing between the page's load of
    the group and its save must survive: the settings form writes only its own fields."""
    from django.db.models import F
    from django.db.models.signals import pre_save

    manager_client.get(f"/team/groups/{open_group.pk}/")
    rotated = "rotated-meanwhile"

    def meanwhile(sender, instance, **kwargs):  # after the view loaded the row, before it writes
        TesterGroup.objects.filter(pk=instance.pk).update(
            joined_count=F("joined_count") + 3, join_secret=rotated
        )

    pre_save.connect(meanwhile, sender=TesterGroup)
    try:
        response = manager_client.post(
            f"/team/groups/{open_group.pk}/link/",
            {"join_enabled": "on", "join_cap": "7", "join_calling_codes": ""},
        )
    finally:
        pre_save.disconnect(meanwhile, sender=TesterGroup)
    assert response.status_code == 302
    open_group.refresh_from_db()
    assert open_group.join_cap == 7
    assert (open_group.joined_count, open_group.join_secret) == (3, rotated)
