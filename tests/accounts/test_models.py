"""sandbox/accounts/models.py: an invitation's state follows its times."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.utils import timezone

from sandbox.accounts.models import Invitation

pytestmark = pytest.mark.django_db


def make(**fields) -> Invitation:
    values = {"email": "a@example.com", "token_hash": "h", "expires_at": timezone.now()}
    return Invitation(**{**values, **fields})


def test_state():
    now = timezone.now()
    assert make(expires_at=now + timedelta(days=1)).state == "pending"
    assert make(expires_at=now - timedelta(seconds=1)).state == "expired"
    assert make(expires_at=now + timedelta(days=1), revoked_at=now).state == "revoked"
    # Accepted wins over everything that happened after.
    assert make(expires_at=now - timedelta(days=1), accepted_at=now).state == "accepted"


def test_a_link_secret_belongs_to_one_invitation():
    make().save()
    with pytest.raises(IntegrityError):
        make(email="b@example.com").save()
