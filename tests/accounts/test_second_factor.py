"""sandbox/accounts/second_factor.py and allauth's MFA as configured: TOTP set up and used
with codes computed from the shared secret, recovery codes that work once each."""

from __future__ import annotations

import re
from html import unescape

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Permission
from django.urls import reverse

from sandbox.accounts.second_factor import has_second_factor, must_have_second_factor
from tests.accounts.conftest import sign_in, totp_code

pytestmark = pytest.mark.django_db


def test_who_must_have_one(settings, alice, charlie, bob):
    bob.user_permissions.add(Permission.objects.get(codename="manage_team"))
    settings.MFA_REQUIRED_FOR_MANAGERS = True
    assert must_have_second_factor(charlie) and must_have_second_factor(bob)
    assert not must_have_second_factor(alice)
    settings.MFA_REQUIRED_FOR_MANAGERS = False
    assert not must_have_second_factor(charlie)


def test_recovery_codes_alone_are_not_a_second_factor(charlie):
    RecoveryCodes.activate(charlie)
    assert not has_second_factor(charlie)
    TOTP.activate(charlie, generate_totp_secret())
    assert has_second_factor(charlie)


def test_setting_up_totp_with_a_code_from_the_secret(client, charlie, mfa_required):
    assert sign_in(client, "charlie", "charlie-password-1").status_code == 302
    # allauth asks for the password again before a factor is added (the gate lets it).
    asked = client.get(reverse("mfa_activate_totp"))
    assert asked.url.startswith(reverse("account_reauthenticate"))
    client.post(asked.url, {"password": "charlie-password-1"})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    html = page.content.decode()
    secret = unescape(re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', html)[1])
    wrong = client.post(reverse("mfa_activate_totp"), {"code": "000000"})
    assert wrong.status_code == 200 and not has_second_factor(charlie)
    done = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert done.status_code == 302
    assert has_second_factor(charlie)
    # Recovery codes come with it, to get back in without the phone.
    assert Authenticator.objects.filter(
        user=charlie, type=Authenticator.Type.RECOVERY_CODES
    ).exists()
    assert client.get(reverse("sandbox:create")).status_code == 200  # the gate opens


@pytest.fixture
def charlie_secret(charlie) -> str:
    secret = generate_totp_secret()
    TOTP.activate(charlie, secret)
    RecoveryCodes.activate(charlie)
    return secret


def test_signing_in_asks_for_the_code(client, charlie, charlie_secret):
    first = sign_in(client, "charlie", "charlie-password-1")
    assert first.status_code == 302 and first.url == reverse("mfa_authenticate")
    assert client.get(reverse("sandbox:create")).status_code == 302  # not in yet
    wrong = client.post(reverse("mfa_authenticate"), {"code": "123456"})
    assert wrong.status_code == 200 and "Incorrect code" in wrong.content.decode()
    right = client.post(reverse("mfa_authenticate"), {"code": totp_code(charlie_secret)})
    assert right.status_code == 302
    assert client.get(reverse("sandbox:create")).status_code == 200


def test_a_totp_code_works_once(client, charlie, charlie_secret):
    code = totp_code(charlie_secret)
    sign_in(client, "charlie", "charlie-password-1")
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    client.logout()
    sign_in(client, "charlie", "charlie-password-1")
    replay = client.post(reverse("mfa_authenticate"), {"code": code})
    assert replay.status_code == 200  # refused: someone who saw it cannot use it again


def test_each_recovery_code_works_once(client, charlie, charlie_secret):
    codes = RecoveryCodes(
        Authenticator.objects.get(user=charlie, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    sign_in(client, "charlie", "charlie-password-1")
    assert client.post(reverse("mfa_authenticate"), {"code": codes[0]}).status_code == 302
    assert client.get(reverse("sandbox:create")).status_code == 200
    client.logout()
    sign_in(client, "charlie", "charlie-password-1")
    again = client.post(reverse("mfa_authenticate"), {"code": codes[0]})
    assert again.status_code == 200 and "Incorrect code" in again.content.decode()
    assert client.post(reverse("mfa_authenticate"), {"code": codes[1]}).status_code == 302


def test_guessing_codes_is_limited(client, charlie, charlie_secret, settings):
    sign_in(client, "charlie", "charlie-password-1")
    for _ in range(settings.LOGIN_THROTTLE_PER_ACCOUNT):
        client.post(reverse("mfa_authenticate"), {"code": "000000"})
    refused = client.post(reverse("mfa_authenticate"), {"code": totp_code(charlie_secret)})
    assert refused.status_code == 200
    assert "Too many failed login attempts" in refused.content.decode()


def test_an_unverified_address_can_be_verified_through_the_gate(
    client, charlie, smtp, mfa_required
):
    # allauth refuses to add a factor while an address is unverified: the gate
    # (sandbox/web/mfa_gate.py) keeps the way to verify it open.
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=charlie, email=charlie.email, verified=False, primary=True)
    sign_in(client, "charlie", "charlie-password-1")
    refused = client.get(reverse("mfa_activate_totp"))
    assert refused.url == reverse("mfa_index")
    assert client.get(reverse("account_email")).status_code == 200
    client.post(reverse("account_email"), {"action_send": "", "email": charlie.email})
    link = next(w for w in smtp.bodies()[-1].split() if "/accounts/confirm-email/" in w)
    key_path = "/" + link.split("/", 3)[3]
    assert client.post(key_path).status_code == 302
    assert EmailAddress.objects.get(user=charlie).verified
