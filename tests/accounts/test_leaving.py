"""Leaving: deactivating an account ends its signed-in browsers (allauth's sign-in and its
passkey or single sign-on backends included) and its API tokens at once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import sign_in
from tests.api.conftest import Api, make_token, problem

pytestmark = pytest.mark.django_db


def test_deactivating_ends_browser_sessions_and_tokens(kapso, alice):
    browsers = [Client(), Client()]
    for browser in browsers:
        assert sign_in(browser, "alice", "alice-password-1").status_code == 302
        assert browser.get(reverse("sandbox:create")).status_code == 200
    secret = make_token(alice)
    assert Api(secret).get("/api/v1/agents").status_code == 200
    alice.is_active = False
    alice.save()
    for browser in browsers:
        response = browser.get(reverse("sandbox:create"))
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    problem(Api(secret).get("/api/v1/agents"), 401, "account_inactive")
    # And the password no longer opens a new session.
    again = sign_in(Client(), "alice", "alice-password-1")
    assert again.url == reverse("account_inactive")
