"""sandbox/accounts/erasure.py: what the account tables hold of a person is erased, and the
person is signed out everywhere; nobody else's rows are touched."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sandbox.accounts.erasure import (
    PERSONAL_DATA,
    account_personal_data_erase,
    stale_invitations_purge,
)
from sandbox.accounts.models import Invitation
from tests.accounts.conftest import sign_in

pytestmark = pytest.mark.django_db


def soon(days=7):
    return timezone.now() + timedelta(days=days)


def test_erasing_signs_out_and_deletes_every_account_row(alice, bob):
    browser = Client()
    sign_in(browser, "alice", "alice-password-1")
    sign_in(Client(), "bob", "bob-password-1")
    for user in (alice, bob):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        SocialAccount.objects.create(user=user, provider="corp", uid=user.username)
        TOTP.activate(user, generate_totp_secret())
    Invitation.objects.create(email="ALICE@example.com", token_hash="a", expires_at=soon())
    Invitation.objects.create(email="bob@example.com", token_hash="b", expires_at=soon())

    counts = account_personal_data_erase(alice)

    assert counts == {
        "sessions_ended": 1,
        "invitations": 1,
        "social_accounts": 1,
        "authenticators": 1,
        "email_addresses": 1,
    }
    assert browser.get(reverse("sandbox:create")).status_code == 302  # signed out
    for model in (EmailAddress, SocialAccount, Authenticator, UserSession):
        assert not model.objects.filter(user=alice).exists(), model
        assert model.objects.filter(user=bob).exists(), model
    assert list(Invitation.objects.values_list("email", flat=True)) == ["bob@example.com"]


def test_stale_invitations_are_purged_pending_ones_kept():
    old = timezone.now() - timedelta(days=31)
    Invitation.objects.create(email="a@example.com", token_hash="a", expires_at=old)
    Invitation.objects.create(
        email="b@example.com", token_hash="b", expires_at=soon(), revoked_at=old
    )
    Invitation.objects.create(email="c@example.com", token_hash="c", expires_at=soon())
    assert stale_invitations_purge() == 2
    assert list(Invitation.objects.values_list("email", flat=True)) == ["c@example.com"]


def test_every_new_table_with_personal_data_is_declared():
    from django.apps import apps

    declared = {store.table for store in PERSONAL_DATA}
    tables = {
        model._meta.db_table
        for label in ("account", "socialaccount", "mfa", "usersessions", "accounts")
        for model in apps.get_app_config(label).get_models()
    }
    # Provider apps are configuration (client ids), not personal data.
    assert tables - declared == {"socialaccount_socialapp"}
