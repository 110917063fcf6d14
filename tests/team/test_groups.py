"""sandbox/team/groups.py: making groups, adding and removing testers, the link's state,
calling codes, and the members' feed the group page polls."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sandbox.models import SandboxSession
from sandbox.team import groups, joining
from sandbox.team.models import GroupMember, TesterGroup
from tests.conftest import emulator_control

pytestmark = pytest.mark.django_db


def test_a_new_group_has_its_agents_and_its_link_off(charlie, agents):
    group = groups.group_create(user=charlie, name="Sales fair", agent_ids=[agents[1].kapso_id])
    assert group.agent_ids == [agents[1].kapso_id]
    assert [a.kapso_id for a in groups.group_agents(group)] == [agents[1].kapso_id]
    assert groups.link_state(group) == groups.CLOSED


def test_adding_testers_twice_adds_them_once(open_group, make_testers):
    testers = make_testers(3)
    assert groups.group_add_testers(open_group, testers[:2]) == 2
    assert groups.group_add_testers(open_group, testers) == 1
    assert set(groups.group_testers(open_group)) == set(testers)
    assert groups.group_remove_tester(open_group, testers[0].pk)
    assert not groups.group_remove_tester(open_group, testers[0].pk)
    assert groups.group_testers(open_group).count() == 2


def test_the_link_state(open_group):
    now = timezone.now()
    assert groups.link_state(open_group, now) == groups.OPEN
    open_group.join_ends_at = now
    assert groups.link_state(open_group, now) == groups.ENDED
    open_group.join_ends_at, open_group.joined_count = None, 20
    assert groups.link_state(open_group, now) == groups.FULL
    open_group.joined_count, open_group.agent_ids = 0, []
    assert groups.link_state(open_group, now) == groups.CLOSED
    open_group.agent_ids, open_group.join_ends_at = ["a"], now + timedelta(days=1)
    assert groups.link_state(open_group, now) == groups.OPEN


def test_calling_codes_are_read_and_wrong_ones_named():
    assert groups.parse_calling_codes("+44, 1 ;353") == [44, 1, 353]
    assert groups.parse_calling_codes("") == []
    with pytest.raises(ValueError, match="“UK” is not a country calling code"):
        groups.parse_calling_codes("44 UK")
    with pytest.raises(ValueError):
        groups.parse_calling_codes("4444")


def test_the_feed_shows_who_joined_when_and_whether_they_activated(open_group, kapso, charlie):
    made = joining.join(
        open_group, name="Ann", phone="+442079460958", email="", agent_id=open_group.agent_ids[0]
    )
    payload = groups.feed_payload(open_group)
    assert payload["state"] == "open"
    [row] = payload["members"]
    assert (row["name"], row["phone"], row["joined"], row["activated"]) == (
        "Ann",
        "+44 20 7946 0958",
        True,
        False,
    )
    emulator_control(kapso, f"sessions/{made.session.kapso_id}/status", {"status": "active"})
    assert groups.refresh_pending(open_group, charlie) is None
    assert SandboxSession.objects.get().status == "active"
    assert groups.feed_payload(open_group)["members"][0]["activated"] is True


def test_erasing_a_tester_takes_them_out_of_their_groups(open_group, make_testers):
    from sandbox.team.erasure import erase_tester

    [tester] = make_testers(1)
    groups.group_add_testers(open_group, [tester])
    erase_tester(tester)
    assert not GroupMember.objects.exists()
    assert TesterGroup.objects.filter(pk=open_group.pk).exists()
