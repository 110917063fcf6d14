"""sandbox/accounts/members.py: every account with its role and whether it has a second
factor (recovery codes alone do not count), and the invitations still waiting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.mfa.models import Authenticator
from django.utils import timezone

from sandbox.accounts.members import invitations_waiting, members_list
from sandbox.accounts.models import Invitation

pytestmark = pytest.mark.django_db


def test_members_with_roles_and_second_factor(alice, bob, charlie):
    Authenticator.objects.create(user=bob, type=Authenticator.Type.RECOVERY_CODES, data={})
    Authenticator.objects.create(user=charlie, type=Authenticator.Type.WEBAUTHN, data={})
    found = [(m.user.username, m.role, m.second_factor) for m in members_list()]
    assert found == [
        ("alice", "Teammate", False),
        ("bob", "Teammate", False),
        ("charlie", "Staff", True),
    ]


def test_only_pending_invitations_wait():
    now = timezone.now()
    later = now + timedelta(days=1)
    Invitation.objects.create(email="p@example.com", token_hash="p", expires_at=later)
    Invitation.objects.create(email="e@example.com", token_hash="e", expires_at=now)
    Invitation.objects.create(
        email="r@example.com", token_hash="r", expires_at=later, revoked_at=now
    )
    Invitation.objects.create(
        email="a@example.com", token_hash="a", expires_at=later, accepted_at=now
    )
    assert [i.email for i in invitations_waiting()] == ["p@example.com"]
