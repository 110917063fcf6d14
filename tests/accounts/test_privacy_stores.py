"""sandbox/accounts/privacy_stores.py: the account tables in the one declaration, and erased
through the one erasure: an account's allauth rows, and invitations to a tester's address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from sandbox import privacy
from sandbox.accounts.models import Invitation
from sandbox.privacy import registry
from sandbox.team.models import Tester

pytestmark = pytest.mark.django_db


def test_every_account_table_is_a_declared_store():
    names = {store.name for store in privacy.stores()}
    assert {"accounts: account_emailaddress", "accounts: accounts_invitation"} <= names
    assert (
        registry.declared_columns()["accounts.Invitation.email"] == "accounts: accounts_invitation"
    )


def test_erasing_a_tester_takes_invitations_to_their_address():
    soon = timezone.now() + timedelta(days=7)
    tester = Tester.objects.create(name="Ivy", phone_number="+14155552677", email="ivy@example.com")
    Invitation.objects.create(email="IVY@example.com", token_hash="a", expires_at=soon)
    Invitation.objects.create(email="other@example.com", token_hash="b", expires_at=soon)
    privacy.erase(privacy.Person(tester_ids={tester.pk}), door="test")
    assert list(Invitation.objects.values_list("email", flat=True)) == ["other@example.com"]


def test_erasing_an_account_through_the_extension_point(alice):
    EmailAddress.objects.create(user=alice, email="alice@example.com", verified=True)
    done = privacy.erase(privacy.Person(user_ids={alice.pk}), door="test")
    assert done["accounts: accounts_invitation"] >= 1
    assert not EmailAddress.objects.filter(user=alice).exists()
