"""sandbox/api/tokens.py: a token's secret exists once, in its maker's hands; the database
keeps a hash; revoked, expired and deactivated tokens open nothing."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from sandbox.api.models import ApiToken
from sandbox.api.tokens import (
    TokenNameTaken,
    TokenRefused,
    token_authenticate,
    token_create,
    token_revoke,
)

pytestmark = pytest.mark.django_db


def every_stored_value() -> str:
    return " ".join(str(value) for row in ApiToken.objects.values() for value in row.values())


def test_a_token_is_32_random_bytes_and_only_its_hash_is_stored(alice):
    issued = token_create(user=alice, name="ci", expires_in=None)
    secret = issued.secret
    assert secret.startswith("kst_") and len(secret) == 4 + 43
    token = ApiToken.objects.get()
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert token.hint == secret[:8]
    assert secret[8:] not in every_stored_value()  # only the hint's few characters are kept
    assert token_create(user=alice, name="other", expires_in=None).secret != secret


def test_a_token_opens_as_its_owner_and_notes_its_use_once_a_minute(alice):
    secret = token_create(user=alice, name="ci", expires_in=timedelta(days=7)).secret
    token = token_authenticate(secret)
    assert token.user == alice and token.last_used_at is not None
    first_use = token.last_used_at
    assert token_authenticate(secret).last_used_at == first_use  # not written again at once
    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(minutes=2))
    assert token_authenticate(secret).last_used_at > first_use


@pytest.mark.parametrize(
    ("secret", "reason"),
    [
        ("", "token_missing"),
        ("not-a-token", "token_invalid"),
        ("kst_" + "x" * 200, "token_invalid"),
        ("kst_" + "A" * 43, "token_invalid"),
    ],
)
def test_what_is_not_a_token_is_refused_saying_so(alice, secret, reason):
    token_create(user=alice, name="ci", expires_in=None)
    with pytest.raises(TokenRefused) as refused:
        token_authenticate(secret)
    assert refused.value.reason == reason
    assert "/settings/tokens/" in refused.value.message


def test_revoked_expired_and_deactivated_tokens_open_nothing(alice, bob):
    revoked = token_create(user=alice, name="old", expires_in=None)
    assert token_revoke(revoked.token) is True
    assert token_revoke(revoked.token) is False  # already
    expired = token_create(user=alice, name="short", expires_in=timedelta(days=1))
    ApiToken.objects.filter(pk=expired.token.pk).update(expires_at=timezone.now())
    bobs = token_create(user=bob, name="ci", expires_in=None)
    bob.is_active = False
    bob.save()
    for issued, reason, words in (
        (revoked, "token_revoked", "“old” was revoked on"),
        (expired, "token_expired", "“short” expired on"),
        (bobs, "account_inactive", "deactivated"),
    ):
        with pytest.raises(TokenRefused) as refused:
            token_authenticate(issued.secret)
        assert refused.value.reason == reason
        assert words in refused.value.message


def test_names_are_unique_among_a_persons_unrevoked_tokens(alice, bob):
    first = token_create(user=alice, name="ci", expires_in=None)
    with pytest.raises(TokenNameTaken, match="already have a token named “ci”"):
        token_create(user=alice, name="ci", expires_in=None)
    token_create(user=bob, name="ci", expires_in=None)  # another person's namesake is fine
    token_revoke(first.token)
    token_create(user=alice, name="ci", expires_in=None)  # and so is a revoked one's


def test_state_reads_as_people_would(alice):
    token = token_create(user=alice, name="ci", expires_in=timedelta(days=1)).token
    assert token.state == "active" and token.can_create
    token.expires_at = timezone.now()
    assert token.state == "expired"
    token.revoked_at = timezone.now()
    assert token.state == "revoked"
    reader = token_create(user=alice, name="r", expires_in=None, access=ApiToken.READ).token
    assert not reader.can_create and str(reader).startswith("r (kst_")
