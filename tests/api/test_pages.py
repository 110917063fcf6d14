"""sandbox/api/pages.py: /settings/tokens/ makes, lists and revokes one's own tokens; the
secret is on the page that made it and nowhere after."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from sandbox.api.models import ApiToken
from sandbox.api.tokens import token_digest
from tests.api.conftest import make_token

pytestmark = pytest.mark.django_db
URL = reverse("api_tokens")


def secret_on(html: str) -> str | None:
    found = re.search(r'id="new-token" value="(kst_[A-Za-z0-9_-]+)"', html)
    return found.group(1) if found else None


def test_the_page_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_token_is_shown_once_and_stored_as_a_hash(alice_client, alice):
    made = alice_client.post(URL, {"name": "GitHub Actions", "expires": "30", "access": "write"})
    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"]
    secret = secret_on(made.content.decode())
    token = ApiToken.objects.get()
    assert secret and token.digest == token_digest(secret)
    assert token.user == alice and token.name == "GitHub Actions"
    assert 29 <= (token.expires_at - token.created_at).days <= 30
    assert "Copy it now" in made.content.decode()
    later = alice_client.get(URL).content.decode()
    assert secret_on(later) is None and secret not in later
    assert token.hint in later and "GitHub Actions" in later


def test_a_read_only_token_that_never_expires(alice_client):
    alice_client.post(URL, {"name": "dashboards", "expires": "never", "access": "read"})
    token = ApiToken.objects.get()
    assert token.expires_at is None and token.access == ApiToken.READ


def test_mistakes_keep_what_was_typed_and_say_what_to_fix(alice_client, alice):
    empty = alice_client.post(URL, {"name": "", "expires": "90", "access": "write"})
    assert "Name the token after the job" in empty.content.decode()
    make_token(alice, "ci")
    taken = alice_client.post(URL, {"name": "ci", "expires": "90", "access": "write"})
    html = taken.content.decode()
    assert "You already have a token named “ci”" in html
    assert 'value="ci"' in html and secret_on(html) is None
    assert ApiToken.objects.count() == 1


def test_revoke_ones_own_token_and_not_anothers(alice_client, alice, bob):
    make_token(alice, "ci")
    make_token(bob, "his")
    mine, his = ApiToken.objects.get(name="ci"), ApiToken.objects.get(name="his")
    response = alice_client.post(URL, {"action": "revoke", "token": his.pk})
    assert response.status_code == 404
    assert alice_client.post(URL, {"action": "revoke", "token": "x"}).status_code == 404
    his.refresh_from_db()
    assert his.revoked_at is None
    done = alice_client.post(URL, {"action": "revoke", "token": mine.pk}, follow=True)
    assert "revoked: it no longer opens anything" in done.content.decode()
    mine.refresh_from_db()
    assert mine.state == "revoked"
    assert "Revoke token ci" not in done.content.decode()


def test_only_ones_own_tokens_are_listed(alice_client, bob):
    make_token(bob, "bobs-secret-job")
    assert "bobs-secret-job" not in alice_client.get(URL).content.decode()


def test_the_nav_links_to_the_page(alice_client):
    assert f'href="{URL}"' in alice_client.get(reverse("sandbox:create")).content.decode()
