"""sandbox/team/joining.py: the join link's limits (cap, end date, switch, rotation), the
page token, the per-address count, the joins' budget share, and a member joining again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sandbox.models import Origin, SandboxSession
from sandbox.team import joining
from sandbox.team.groups import CLOSED, ENDED, FULL
from sandbox.team.models import GroupMember, Tester, TesterGroup
from tests.conftest import emulator_calls

pytestmark = pytest.mark.django_db

PHONE = "+442079460958"


def join(group, phone=PHONE, name="Ann", email="", agent=None):
    group.refresh_from_db()
    return joining.join(
        group, name=name, phone=phone, email=email, agent_id=agent or group.agent_ids[0]
    )


def test_a_join_adds_the_tester_and_shows_a_session_made_by_the_join_door(open_group):
    outcome = join(open_group, email="ann@example.com")
    assert outcome.kind == joining.JOINED
    session = outcome.session
    assert (session.phone_number, session.origin) == (PHONE, Origin.JOIN)
    assert session.created_by == open_group.created_by
    assert session.charged_to is None  # not the maker's own share: the joins' share
    member = GroupMember.objects.get()
    assert (member.tester.name, member.tester.email, member.joined) == (
        "Ann",
        "ann@example.com",
        True,
    )
    assert member.session == session
    open_group.refresh_from_db()
    assert open_group.joined_count == 1


def test_a_member_joining_again_gets_the_same_answer_and_takes_no_place(open_group, kapso):
    first = join(open_group)
    calls = emulator_calls(kapso)
    again = join(open_group, name="Someone typing Ann's number")
    assert (again.kind, again.session) == (first.kind, first.session)
    assert emulator_calls(kapso) == calls  # the live session is reused: Kapso not asked
    open_group.refresh_from_db()
    assert open_group.joined_count == 1
    assert Tester.objects.get().name == "Ann"  # a stranger's form changes nobody's data


def test_a_roster_tester_keeps_their_name_and_e_mail(open_group):
    Tester.objects.create(name="Ann Roster", phone_number=PHONE, email="ann@roster.example")
    assert join(open_group, name="Mallory", email="mallory@example.com").kind == joining.JOINED
    tester = Tester.objects.get()
    assert (tester.name, tester.email) == ("Ann Roster", "ann@roster.example")


def test_the_cap_admits_no_more_and_a_refused_joiner_leaves_nothing(open_group):
    TesterGroup.objects.filter(pk=open_group.pk).update(join_cap=1)
    assert join(open_group).kind == joining.JOINED
    assert join(open_group, phone="+442079460959").kind == FULL
    assert not Tester.objects.filter(phone_number="+442079460959").exists()
    assert SandboxSession.objects.count() == 1
    # A request that read the group while a place was free is refused by the UPDATE itself.
    stale = TesterGroup.objects.get(pk=open_group.pk)
    stale.joined_count = 0
    assert joining._admit(stale, name="B", phone="+442079460959", email="") == FULL


def test_the_end_date_and_the_switch_hold_at_the_moment_of_joining(open_group):
    stale = TesterGroup.objects.get(pk=open_group.pk)  # read before the change
    TesterGroup.objects.filter(pk=open_group.pk).update(
        join_ends_at=timezone.now() - timedelta(seconds=1)
    )
    assert joining._admit(stale, name="A", phone=PHONE, email="") == ENDED
    TesterGroup.objects.filter(pk=open_group.pk).update(join_ends_at=None, join_enabled=False)
    assert joining._admit(stale, name="A", phone=PHONE, email="") == CLOSED
    assert join(open_group).kind == CLOSED
    assert not Tester.objects.exists()


def test_a_rotation_kills_the_old_url_and_its_loaded_pages_at_once(open_group):
    old_secret = open_group.join_secret
    token = joining.page_token(open_group)
    stale = TesterGroup.objects.get(pk=open_group.pk)
    joining.rotate_link(open_group)
    assert joining.find_link(old_secret) is None
    assert joining.find_link(open_group.join_secret) == open_group
    assert joining.check_page_token(open_group, token) == joining.REFUSED
    # A join that read the group before the rotation is refused by the UPDATE itself.
    assert joining._admit(stale, name="A", phone=PHONE, email="") != joining.JOINED
    assert not GroupMember.objects.exists()


def test_close_switches_the_link_off(open_group):
    joining.close_link(open_group)
    open_group.refresh_from_db()
    assert open_group.join_enabled is False


def test_the_page_token_is_needed_once_from_this_link_and_not_too_fast(
    open_group, charlie, settings
):
    assert joining.check_page_token(open_group, "") == joining.REFUSED
    assert joining.check_page_token(open_group, "forged:token") == joining.REFUSED
    other = TesterGroup.objects.create(name="Other", agent_ids=["x"], created_by=charlie)
    assert joining.check_page_token(open_group, joining.page_token(other)) == joining.REFUSED
    token = joining.page_token(open_group)
    assert joining.check_page_token(open_group, token) is None
    assert joining.check_page_token(open_group, token) == joining.USED
    settings.TEAM_JOIN_MIN_FILL_SECONDS = 60
    assert joining.check_page_token(open_group, joining.page_token(open_group)) == joining.TOO_FAST
    settings.TEAM_JOIN_MIN_FILL_SECONDS = 0
    settings.TEAM_JOIN_PAGE_MAX_AGE = -1
    assert joining.check_page_token(open_group, joining.page_token(open_group)) == joining.EXPIRED


def test_the_address_limit_counts_per_link(open_group, settings):
    settings.TEAM_JOINS_PER_ADDRESS = 2
    assert joining.address_allowed(open_group, "203.0.113.9")
    assert joining.address_allowed(open_group, "203.0.113.9")
    assert not joining.address_allowed(open_group, "203.0.113.9")
    assert joining.address_allowed(open_group, "203.0.113.10")  # another address
    joining.rotate_link(open_group)
    assert joining.address_allowed(open_group, "203.0.113.9")  # a new link counts anew


def test_joins_have_their_own_budget_share(open_group, settings, charlie):
    from sandbox.sessions import sandbox_session_create

    settings.KAPSO_JOINS_PER_MINUTE = 1
    assert join(open_group).kind == joining.JOINED
    busy = join(open_group, phone="+442079460959", name="Ben")
    assert busy.kind == joining.BUSY
    assert "Many people are joining" in busy.message and busy.retry_after >= 1
    # Ben is in (his place is kept): sending the form again takes no second place.
    open_group.refresh_from_db()
    assert open_group.joined_count == 2
    # People at the form are not touched by the crowd's share.
    made = sandbox_session_create(
        user=charlie, phone_number="+14155550100", agent_id=open_group.agent_ids[0]
    )
    assert made.how == "created"


def test_an_agent_outside_the_group_gets_nothing(open_group):
    group = TesterGroup.objects.get(pk=open_group.pk)
    assert join(group, agent="agent-not-in-group").kind == CLOSED
    assert not SandboxSession.objects.exists()
