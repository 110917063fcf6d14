"""The shared Kapso budget seen from the pages, over HTTP against the emulator: one person
cannot lock the team out, watching pages cannot starve the form, and Kapso's own limit wins."""

from __future__ import annotations

import time

import pytest
import requests
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from sandbox.models import FailedSessionAttempt, SandboxSession
from tests.conftest import emulator_control

pytestmark = pytest.mark.django_db
URL = reverse("sandbox:create")
AGENT = "agent-support-01"


@pytest.fixture(autouse=True)
def one_minute_window():
    """Budget windows (ours and the emulator's) are whole minutes of the clock: these tests
    count exact calls within one, so a test does not start in the last seconds of a minute."""
    left = 60 - time.time() % 60
    if left < 10:
        time.sleep(left + 0.05)


def calls(emulator) -> dict[str, int]:
    return requests.get(f"{emulator.url}/_emulator/calls", timeout=5).json()["calls"]


def post(client, phone: str):
    return client.post(URL, {"phone_number": phone, "agent_id": AGENT})


def test_one_persons_burst_gets_their_share_and_a_teammate_still_creates(
    kapso, alice_client, alice, bob
):
    alice_client.get(URL)  # the agent list, as a person's page loads it
    responses = [post(alice_client, f"+1415555{2600 + i}") for i in range(150)]
    made = [r for r in responses if r.status_code == 302]
    refused = [r for r in responses if r.status_code == 200]
    assert len(made) == 10 and len(refused) == 140
    assert calls(kapso)["POST /api/v1/sandbox_sessions"] == 10
    page = refused[-1].content.decode()
    assert "You have created 10 sessions this minute; try again in" in page
    assert 'value="+14155552749"' in page  # what was typed is kept
    attempts = FailedSessionAttempt.objects.filter(error_kind="quota")
    assert attempts.count() == 140
    assert {a.charged_to for a in attempts} == {None}  # refused before any call
    bob_client = Client()
    bob_client.force_login(bob)
    response = post(bob_client, "+14155559999")
    assert response.status_code == 302
    assert SandboxSession.objects.filter(created_by=bob, charged_to=bob).count() == 1


def test_the_team_limit_message_names_the_team(kapso, alice_client, settings):
    settings.KAPSO_RATE_LIMIT_PER_MINUTE = 4  # the agent list and three creates
    settings.KAPSO_RATE_LIMIT_RESERVE = 0
    alice_client.get(URL)
    assert [post(alice_client, f"+1415555{2600 + i}").status_code for i in range(3)] == [302] * 3
    response = post(alice_client, "+14155552700")
    assert "The team&#x27;s Kapso quota for this minute is used up; try again in" in (
        response.content.decode()
    )
    assert calls(kapso)["POST /api/v1/sandbox_sessions"] == 3


def test_a_hundred_watched_sessions_do_not_block_a_create(kapso, alice, alice_client):
    emulator_control(
        kapso, "sessions", {"phone_number": "+14155550000", "agent_id": AGENT, "count": 100}
    )
    call_command("sync_kapso", stdout=None, stderr=None)  # background: within its ceiling
    SandboxSession.objects.update(created_by=alice)
    before = calls(kapso)
    for session in SandboxSession.objects.all():
        state = alice_client.get(reverse("sandbox:status", args=[session.pk])).json()
        assert state["error"] is None  # backing off is quiet
    gets = sum(n for k, n in calls(kapso).items() if k.startswith("GET /api/v1/sandbox_sessions/"))
    gets -= sum(n for k, n in before.items() if k.startswith("GET /api/v1/sandbox_sessions/"))
    assert gets == 30  # one person's pages: their watcher share of the minute
    assert post(alice_client, "+14155552671").status_code == 302


def test_a_refused_poll_tells_the_page_when_to_ask_again(kapso, alice, alice_client, settings):
    settings.KAPSO_REFRESHES_PER_USER_PER_MINUTE = 2  # the agent list, then one status
    alice_client.get(URL)
    first, second = (
        SandboxSession.objects.get(pk=post(alice_client, p).url.split("/")[-2])
        for p in ("+14155552671", "+14155552672")
    )
    assert alice_client.get(reverse("sandbox:status", args=[first.pk])).json()["retry_in"] is None
    state = alice_client.get(reverse("sandbox:status", args=[second.pk])).json()
    assert 1 <= state["retry_in"] <= 60 and state["error"] is None


def test_kapsos_own_429_stops_everyone_without_more_calls(kapso, alice_client):
    from tests.conftest import TEST_API_KEY

    alice_client.get(URL)
    emulator_control(kapso, "rate_limit", {"per_minute": 3})
    # Kapso's CLI on the same key uses the whole minute behind the dashboard's back.
    for _ in range(3):
        requests.get(f"{kapso.api_base_url}/agents", headers={"X-API-Key": TEST_API_KEY}, timeout=5)
    refused = post(alice_client, "+14155552673")  # Kapso answers 429 and says how long
    assert "Kapso is rate-limiting this API key; try again in" in refused.content.decode()
    again = post(alice_client, "+14155552674")  # the budget remembers: no call at all
    assert "Kapso is rate-limiting this API key; try again in" in again.content.decode()
    kinds = dict(FailedSessionAttempt.objects.values_list("phone_number", "error_kind"))
    # The first reached Kapso and was refused there; the second never left the dashboard.
    assert kinds == {"+14155552673": "rate_limited", "+14155552674": "quota"}


def test_kapsos_smaller_limit_is_learned_from_its_headers(kapso, alice_client):
    alice_client.get(URL)
    emulator_control(kapso, "rate_limit", {"per_minute": 3})  # a fresh count at Kapso
    made = [post(alice_client, f"+1415555{2600 + i}").status_code for i in range(5)]
    # Ours counted the agent list too, so the learned limit of 3 leaves two creates, and
    # Kapso never had to refuse one.
    assert made == [302, 302, 200, 200, 200]
    assert calls(kapso)["POST /api/v1/sandbox_sessions"] == 2


def test_agent_reloads_are_one_call_however_many_clicks(kapso, alice_client):
    for _ in range(20):
        alice_client.post(URL, {"action": "reload_agents", "phone_number": "+1415"})
    assert calls(kapso)["GET /api/v1/agents"] == 1


def test_staff_see_this_minutes_use_and_teammates_do_not(kapso, alice_client, charlie, client):
    alice_client.get(URL)
    post(alice_client, "+14155552671")
    # The dashboard's own 403 page, not a redirect to the admin's login (issue 18).
    refused = alice_client.get(reverse("sandbox:budget"))
    assert refused.status_code == 403 and "Only staff see this page" in refused.content.decode()
    client.force_login(charlie)
    page = client.get(reverse("sandbox:budget")).content.decode()
    assert "Used this minute</dt><dd>2 of 100" in page
    assert "By people (create, renew)</dt><dd>1 (up to 100; 10 each)" in page
    assert "By pages watching sessions</dt><dd>1 (up to 90; 30 per person)" in page
