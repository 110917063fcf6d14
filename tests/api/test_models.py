"""sandbox/api/models.py: a token's state, and one unrevoked name per person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from sandbox.api.models import ApiSessionOrigin, ApiToken
from tests.factories import make_session

pytestmark = pytest.mark.django_db


def token(user, name="ci", n=0, **fields) -> ApiToken:
    return ApiToken.objects.create(
        user=user, name=name, digest=f"{n:064x}", hint="ksb_abc", **fields
    )


def test_a_token_is_active_then_expired_or_revoked(alice):
    now = timezone.now()
    assert token(alice, n=1).state == "active"
    assert token(alice, "old", n=2, expires_at=now - timedelta(seconds=1)).state == "expired"
    gone = token(alice, "gone", n=3, expires_at=now - timedelta(days=1), revoked_at=now)
    assert (gone.state, gone.is_revoked) == ("revoked", True)  # revoked says more than expired
    later = token(alice, "later", n=4, expires_at=now + timedelta(hours=1))
    assert not later.is_expired() and later.is_expired(now + timedelta(hours=2))


def test_only_a_write_token_may_create(alice):
    assert token(alice, n=1).can_create
    assert not token(alice, "r", n=2, access=ApiToken.READ).can_create


def test_one_unrevoked_token_per_name_and_person(alice, bob):
    token(alice, n=1)
    token(bob, n=2)  # another person's name is theirs
    with pytest.raises(IntegrityError), transaction.atomic():
        token(alice, n=3)
    ApiToken.objects.filter(user=alice).update(revoked_at=timezone.now())
    token(alice, n=4)  # a revoked token frees its name


def test_str_shows_the_hint_never_the_digest(alice, kapso):
    made = token(alice, n=5)
    assert str(made) == "ci (ksb_abc…)" and made.digest not in str(made)
    origin = ApiSessionOrigin.objects.create(
        session=make_session(alice), token=made, token_name="ci"
    )
    assert str(origin) == f"session {origin.session_id} by API token ci"
