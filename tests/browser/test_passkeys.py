"""Passkeys (WebAuthn, allauth's MFA) in Chromium with its virtual authenticator (DevTools
protocol): staff held by the second-factor gate add one, then sign in with it alone."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator

from tests.browser.conftest import BROWSER_TEST_TIMEOUT, log_in

pytestmark = [pytest.mark.django_db(transaction=True), BROWSER_TEST_TIMEOUT]


@pytest.fixture
def passkey_settings(settings):
    settings.MFA_REQUIRED_FOR_MANAGERS = True
    # The live server speaks http://localhost (a secure context for the browser); production
    # is https and keeps the origin check.
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True


def virtual_authenticator(page) -> None:
    """A platform authenticator that holds passkeys and approves every request."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )


def test_staff_add_a_passkey_then_sign_in_with_it_alone(
    open_page, passkey_settings, charlie, live_server
):
    opened = open_page()
    page = opened.page
    virtual_authenticator(page)
    log_in(page, "charlie", "charlie-password-1")
    # The gate holds them at the second-factor page, whatever they open.
    page.goto("/team/")
    assert page.url.endswith("/accounts/2fa/")
    assert "needs a second factor" in page.content()
    page.goto("/accounts/2fa/webauthn/add/")
    page.get_by_label("Password").fill("charlie-password-1")  # allauth asks again first
    page.get_by_role("button", name="Confirm").click()
    page.get_by_label("Name").fill("laptop")
    page.get_by_label("Passwordless").check()
    page.get_by_role("button", name="Add").click()
    page.wait_for_url(lambda url: "/webauthn/add/" not in url)
    key = Authenticator.objects.get(user=charlie, type=Authenticator.Type.WEBAUTHN)
    assert key.wrap().is_passwordless
    page.goto("/team/")
    assert page.url == live_server.url + "/team/"  # the gate opened
    assert opened.problems.of(page) == []

    page.get_by_role("button", name="Log out charlie").click()
    page.wait_for_url("**/accounts/login/")
    page.get_by_role("button", name="Log in with a passkey").click()
    page.wait_for_url(live_server.url + "/")
    assert "Log out charlie" in page.content()
    assert opened.problems.of(page) == []
