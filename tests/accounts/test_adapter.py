"""sandbox/accounts/adapter.py, the parts a browser is not needed for: open sign-up stays
off unless asked for. (Single sign-on: tests/browser/test_single_sign_on.py; passwords
counted by our throttle alone: tests/web/test_login_throttle.py, where a success clearing
the account's count fails if allauth's count runs too.)"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db

SIGN_UP = {
    "email": "mallory@example.com",
    "username": "mallory",
    "password1": "a-long-passphrase-31",
    "password2": "a-long-passphrase-31",
}


def test_open_sign_up_is_off_by_default(client):
    page = client.get(reverse("account_signup"))
    assert "Sign Up Closed" in page.content.decode()
    client.post(reverse("account_signup"), SIGN_UP)
    assert not get_user_model().objects.filter(username="mallory").exists()


def test_open_sign_up_can_be_turned_on(client, settings):
    settings.ACCOUNT_OPEN_SIGNUP = True
    assert client.post(reverse("account_signup"), SIGN_UP).status_code == 302
    assert get_user_model().objects.filter(username="mallory").exists()
