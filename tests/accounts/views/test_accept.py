"""sandbox/accounts/views/accept.py: the invited person opens the link, chooses a password
and is signed in; a used, expired or revoked link says so; nothing is lost on a mistake."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sandbox.accounts import invitations
from sandbox.accounts.models import Invitation
from tests.accounts.conftest import invitation_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def token(smtp):
    invitations.invitation_create("dana@example.com", Invitation.MANAGER, None)
    return invitation_token(smtp.bodies()[-1])


def accept(client, token, **data):
    fields = {
        "username": "dana",
        "password1": "a-long-passphrase-31",
        "password2": "a-long-passphrase-31",
    }
    return client.post(reverse("accounts:accept", args=[token]), {**fields, **data})


def test_the_page_opens_without_a_login_and_names_the_role(client, token):
    page = client.get(reverse("accounts:accept", args=[token]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "dana@example.com" in html and "Team manager" in html


def test_accepting_signs_in_and_the_link_then_says_it_was_used(client, token, django_user_model):
    response = accept(client, token)
    assert response.status_code == 302
    assert client.get(reverse("sandbox:create")).status_code == 200  # signed in
    client.logout()
    again = client.get(reverse("accounts:accept", args=[token]))
    assert again.status_code == 410 and "already used" in again.content.decode()
    assert django_user_model.objects.filter(email="dana@example.com").count() == 1


def test_a_mistake_keeps_what_was_typed(client, token, django_user_model):
    response = accept(client, token, password2="something-else-99")
    html = response.content.decode()
    assert response.status_code == 200 and "The two passwords differ" in html
    assert 'value="dana"' in html
    assert django_user_model.objects.count() == 0


def test_a_weak_password_is_refused_with_the_reason(client, token):
    html = accept(client, token, password1="password", password2="password").content.decode()
    assert "too common" in html


def test_a_made_up_link_is_refused(client, token):
    page = client.get(reverse("accounts:accept", args=["not-a-real-secret"]))
    assert page.status_code == 410 and "not valid" in page.content.decode()
