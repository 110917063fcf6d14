"""sandbox/team/views/join.py: the public join page. No login; every outcome is a page a
person can read; a post without the page's token gets nothing; a member joining again gets
the very same page as a new joiner."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from sandbox.models import SandboxSession
from sandbox.team import joining
from sandbox.team.models import GroupMember, Tester, TesterGroup

pytestmark = pytest.mark.django_db

PHONE = "+44 20 7946 0958"


def url(group) -> str:
    return f"/join/{group.join_secret}/"


def page_token(client, group) -> str:
    page = client.get(url(group))
    assert page.status_code == 200
    return re.search(r'name="page" value="([^"]+)"', page.content.decode()).group(1)


def post(client, group, token=None, **fields):
    data = {
        "name": "Ann",
        "phone": PHONE,
        "email": "",
        "agent": group.agent_ids[0],
        "consent": "on",
        "page": page_token(client, group) if token is None else token,
        **fields,
    }
    return client.post(url(group), data)


def test_the_form_needs_no_login_and_links_the_privacy_page(open_group):
    page = Client().get(url(open_group))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'href="/privacy/"' in html and "Client pilot" in html
    assert page["Cache-Control"].startswith("max-age=0")


def test_joining_leads_with_open_in_whatsapp_and_says_how_to_be_removed(open_group):
    response = post(Client(), open_group)
    html = response.content.decode()
    assert response.status_code == 200
    session = SandboxSession.objects.get()
    assert html.index("Open in WhatsApp") < html.index(f">{session.activation_code}<")
    assert session.activation_link in html
    assert "To be removed" in html and "charlie@example.com" in html
    assert 'href="/privacy/"' in html


def test_a_member_joining_again_sees_exactly_the_page_a_new_joiner_sees(open_group):
    first = post(Client(), open_group).content
    again = post(Client(), open_group, name="Mallory").content
    assert again == first
    assert GroupMember.objects.count() == 1


def test_a_member_whose_session_is_still_pending_looks_like_a_new_joiner(open_group):
    """The member's live session is reused: an answer showing its (older) expiry next to a
    new joiner's fresh one would tell whoever types a number that it already joined."""
    first = post(Client(), open_group).content
    # Time passes: the member's session is still pending but older than a new joiner's.
    session = SandboxSession.objects.get()
    older = session.expires_at - timedelta(minutes=20)
    SandboxSession.objects.filter(pk=session.pk).update(expires_at=older)
    again = post(Client(), open_group, name="Mallory").content
    assert SandboxSession.objects.get().pk == session.pk  # the live session was reused
    assert again == first


def test_a_post_without_the_page_token_gets_nothing(open_group):
    response = post(Client(), open_group, token="")
    assert response.status_code == 400
    assert joining.REFUSED in response.content.decode()
    assert not Tester.objects.exists() and not SandboxSession.objects.exists()
    # What was typed is kept, and the page carries a fresh token.
    assert 'value="Ann"' in response.content.decode()
    assert 'name="page" value="' in response.content.decode()


def test_a_post_faster_than_a_person_gets_nothing(open_group, settings):
    client = Client()
    token = page_token(client, open_group)
    settings.TEAM_JOIN_MIN_FILL_SECONDS = 30
    response = post(client, open_group, token=token)
    assert response.status_code == 400 and joining.TOO_FAST in response.content.decode()
    assert not Tester.objects.exists()


def test_bad_input_is_said_and_kept(open_group):
    TesterGroup.objects.filter(pk=open_group.pk).update(join_calling_codes="1")
    response = post(Client(), open_group, consent="")
    html = response.content.decode()
    assert response.status_code == 400
    assert "This group is for phone numbers starting +1." in html
    assert "Tick the box to join" in html
    assert 'value="Ann"' in html
    assert not Tester.objects.exists()


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"join_enabled": False}, "Joining is closed"),
        ({"join_ends_at": timezone.now() - timedelta(minutes=1)}, "Joining has ended"),
        ({"join_cap": 0}, "This group is full"),
    ],
)
def test_closed_ended_and_full_links_show_a_clear_page(open_group, change, words):
    TesterGroup.objects.filter(pk=open_group.pk).update(**change)
    for response in (Client().get(url(open_group)), post_blind(open_group)):
        assert response.status_code == 200
        assert words in response.content.decode()
    assert not Tester.objects.exists()


def post_blind(group):
    return Client().post(url(group), {"name": "Ann", "phone": PHONE, "consent": "on"})


def test_the_group_filling_between_page_and_post_says_full(open_group):
    client = Client()
    token = page_token(client, open_group)
    TesterGroup.objects.filter(pk=open_group.pk).update(joined_count=20)
    assert "This group is full" in post(client, open_group, token=token).content.decode()


def test_a_rotated_url_is_a_clear_page(open_group):
    old = url(open_group)
    joining.rotate_link(open_group)
    response = Client().get(old)
    assert response.status_code == 404
    assert "This link no longer works" in response.content.decode()


def test_the_per_address_limit_shows_a_clear_page(open_group, settings):
    settings.TEAM_JOINS_PER_ADDRESS = 1
    client = Client()
    assert post(client, open_group).status_code == 200
    response = post(client, open_group, phone="+44 20 7946 0959")
    assert response.status_code == 429
    assert "Too many joins from this network" in response.content.decode()
    assert Tester.objects.count() == 1


def test_a_busy_budget_share_keeps_the_form(open_group, settings):
    settings.KAPSO_JOINS_PER_MINUTE = 1
    post(Client(), open_group)
    response = post(Client(), open_group, phone="+44 20 7946 0959", name="Ben")
    html = response.content.decode()
    assert response.status_code == 429
    assert "Many people are joining right now" in html and 'value="Ben"' in html
