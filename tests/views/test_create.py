"""sandbox/views/create.py: the create form at `/`, and renew. The dashboard talks to the
emulator over real HTTP."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sandbox.models import FailedSessionAttempt, SandboxSession
from tests.factories import make_session
from tests.scripted_server import Reply

pytestmark = pytest.mark.django_db
URL = reverse("sandbox:create")


def agent_ids(response) -> list[str]:
    return [value for value, _ in response.context["form"].fields["agent_id"].choices if value]


def test_it_offers_kapsos_agents_in_a_dropdown(kapso, alice_client):
    response = alice_client.get(URL)
    assert response.status_code == 200
    ids = agent_ids(response)
    assert len(ids) >= 2
    html = response.content.decode()
    assert '<select name="agent_id"' in html
    assert 'name="phone_number"' in html
    for agent_id in ids:
        assert f'value="{agent_id}"' in html


def test_it_creates_a_session_and_redirects_to_it(kapso, alice_client, alice, settings):
    settings.PHONE_DEFAULT_REGION = "US"
    agent_id = agent_ids(alice_client.get(URL))[0]
    response = alice_client.post(URL, {"phone_number": "(415) 555 2671", "agent_id": agent_id})
    session = SandboxSession.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("sandbox:detail", args=[session.pk])
    assert session.phone_number == "+14155552671"
    assert session.created_by == alice
    assert session.agent.kapso_id == agent_id


def test_invalid_phone_keeps_typed_value(kapso, alice_client):
    agent_id = agent_ids(alice_client.get(URL))[0]
    response = alice_client.post(URL, {"phone_number": "+1 555 0000", "agent_id": agent_id})
    html = response.content.decode()
    assert response.status_code == 200
    assert "not a valid phone number" in html
    assert 'value="+1 555 0000"' in html
    assert f'<option value="{agent_id}" selected>' in html
    assert not SandboxSession.objects.exists()


def test_missing_fields_are_named(kapso, alice_client):
    response = alice_client.post(URL, {"phone_number": "", "agent_id": ""})
    assert response.status_code == 200
    assert "Enter the phone number" in response.content.decode()
    assert response.context["form"].errors["agent_id"]


def test_kapso_error_is_shown_and_nothing_typed_is_lost(kapso, alice_client, scripted, alice):
    # Agents loaded while Kapso was healthy; then Kapso starts failing.
    scripted.reply = Reply(status=200, body={"data": [{"id": "agent-x", "name": "X"}]})
    alice_client.get(URL)
    scripted.reply = Reply(status=500, body="<html>boom</html>")
    response = alice_client.post(URL, {"phone_number": "+1 415 555 2671", "agent_id": "agent-x"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Kapso had a problem on its side (HTTP 500)" in html
    assert 'value="+1 415 555 2671"' in html
    assert FailedSessionAttempt.objects.get().created_by == alice


def test_timeout_is_a_message_not_a_hang(scripted, alice_client, settings):
    settings.KAPSO_TIMEOUT = 0.5
    scripted.reply = Reply(status=200, body={"data": []}, delay=2)
    response = alice_client.post(URL, {"phone_number": "+14155552671", "agent_id": "agent-typed"})
    html = response.content.decode()
    assert "did not answer within 0.5 s" in html
    assert 'value="agent-typed"' in html


def test_unloadable_agent_list_accepts_a_typed_agent_id(kapso, alice_client, settings, refused_url):
    good_base = settings.KAPSO_API_BASE_URL
    settings.KAPSO_API_BASE_URL = refused_url + "/api/v1"  # nobody can answer there
    response = alice_client.get(URL)
    html = response.content.decode()
    assert "agent list could not be loaded" in html
    assert 'type="text" name="agent_id"' in html
    # Kapso is back for the create, but the form is the text one the teammate saw.
    settings.KAPSO_API_BASE_URL = good_base
    typed = kapso.store.list_agents()[-1]["id"]
    response = alice_client.post(URL, {"phone_number": "+14155552671", "agent_id": typed})
    assert response.status_code == 302
    assert SandboxSession.objects.get().agent.kapso_id == typed


def test_reload_agents_keeps_what_was_typed(kapso, alice_client):
    response = alice_client.post(
        URL, {"phone_number": "+44 20 7946 0958", "agent_id": "", "action": "reload_agents"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Agent list reloaded from Kapso" in html
    assert 'value="+44 20 7946 0958"' in html
    assert not SandboxSession.objects.exists()


def test_recent_sessions_are_listed_under_the_form(kapso, alice_client):
    agent_id = agent_ids(alice_client.get(URL))[0]
    alice_client.post(URL, {"phone_number": "+14155552671", "agent_id": agent_id})
    response = alice_client.get(URL)
    assert "Your recent sessions" in response.content.decode()
    assert len(response.context["recent_sessions"]) == 1


def test_any_length_of_phone_input_gets_our_message_and_is_kept(kapso, alice_client):
    typed = "+1 415 555 2671 " * 40
    response = alice_client.post(URL, {"phone_number": typed, "agent_id": "agent-support-01"})
    html = response.content.decode()
    assert "too long for a phone number" in html
    assert typed.strip() in html


# --- renew -----------------------------------------------------------------------------
def test_renew_creates_a_fresh_session_for_the_same_phone_and_agent(kapso, alice_client, alice):
    old = make_session(alice, "+447911123456", agent_index=1)
    response = alice_client.post(reverse("sandbox:renew", args=[old.pk]))
    fresh = SandboxSession.objects.exclude(pk=old.pk).get()
    assert response.status_code == 302 and response.url == fresh.get_absolute_url()
    assert (fresh.phone_number, fresh.agent, fresh.created_by) == (
        old.phone_number,
        old.agent,
        alice,
    )
    assert fresh.renewed_from == old
    assert fresh.kapso_id != old.kapso_id and fresh.activation_code
    assert "the session of" in alice_client.get(fresh.get_absolute_url()).content.decode()


def test_renew_failure_is_a_message_on_the_old_session(
    kapso, alice_client, alice, settings, refused_url
):
    old = make_session(alice)
    settings.KAPSO_API_BASE_URL = refused_url + "/api/v1"
    response = alice_client.post(reverse("sandbox:renew", args=[old.pk]), follow=True)
    assert response.redirect_chain[-1][0] == old.get_absolute_url()
    assert "Could not renew: Could not reach Kapso" in response.content.decode()
    assert SandboxSession.objects.count() == 1


def test_renew_is_post_only_and_private(kapso, client, alice, bob):
    old = make_session(alice)
    client.force_login(bob)
    assert client.post(reverse("sandbox:renew", args=[old.pk])).status_code == 404
    client.force_login(alice)
    assert client.get(reverse("sandbox:renew", args=[old.pk])).status_code == 405
