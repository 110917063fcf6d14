"""API tokens: made, found, revoked. The secret is shown once and only its hash is kept.

A token is `kst_` and 32 random bytes in URL-safe base64 (43 characters). Its SHA-256 is
stored; a request's token is hashed and looked up through the unique index. A slow,
salted hash (as for passwords) is not needed: nobody can guess 256 random bits, and a
leaked table of hashes opens nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.views.decorators.debug import sensitive_variables

from sandbox.api.models import ApiToken

PREFIX = "kst_"
SECRET_BYTES = 32
HINT_LENGTH = 8  # "kst_" and 4 characters of the secret: tells tokens apart, reveals nothing
# Longer than any token we issue: anything longer is refused before hashing.
MAX_LENGTH = 128
# `last_used_at` is written at most this often per token, not on every request.
LAST_USED_EVERY = timedelta(minutes=1)


class TokenNameTaken(ValueError):
    """The owner already has an unrevoked token of that name."""


class TokenRefused(Exception):
    """The request's token opens nothing; `reason` is a short code, `message` says what to do."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    # The only time the secret exists outside the caller's hands: show it once, keep it nowhere.
    secret: str


@sensitive_variables("secret")
def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@sensitive_variables("secret")
def token_create(
    *, user, name: str, expires_in: timedelta | None, access: str = ApiToken.WRITE
) -> IssuedToken:
    """A new token for `user`; raises TokenNameTaken if an unrevoked one has the name."""
    secret = PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    now = timezone.now()
    try:
        with transaction.atomic():
            token = ApiToken.objects.create(
                user=user,
                name=name,
                digest=token_digest(secret),
                hint=secret[:HINT_LENGTH],
                access=access,
                created_at=now,
                expires_at=now + expires_in if expires_in else None,
            )
    except IntegrityError:
        # The unique digest cannot collide (256 random bits): it is the name.
        raise TokenNameTaken(
            f"You already have a token named “{name}”. Pick another name, or revoke that one first."
        ) from None
    return IssuedToken(token, secret)


def tokens_of(user) -> QuerySet[ApiToken]:
    """A person's own tokens, newest first (staff see everyone's in the admin)."""
    return ApiToken.objects.filter(user=user)


def token_revoke(token: ApiToken) -> bool:
    """Revoke `token` at once; False if it already was. The row stays for the history."""
    revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token.refresh_from_db(fields=["revoked_at"])
    return bool(revoked)


@sensitive_variables("secret")
def token_authenticate(secret: str) -> ApiToken:
    """The token `secret` opens, with its owner; raises TokenRefused saying why not."""
    if not secret:
        raise TokenRefused(
            "token_missing",
            "Send an API token as `Authorization: Bearer <token>`. Make one on the "
            "dashboard's API tokens page (/settings/tokens/).",
        )
    if not secret.startswith(PREFIX) or len(secret) > MAX_LENGTH:
        raise TokenRefused(
            "token_invalid",
            "That is not an API token of this dashboard (they start with “kst_”). Make one on "
            "the API tokens page (/settings/tokens/).",
        )
    token = ApiToken.objects.select_related("user").filter(digest=token_digest(secret)).first()
    if token is None:
        raise TokenRefused(
            "token_invalid",
            "This API token is not known here: it may be mistyped or from another dashboard. "
            "Make one on the API tokens page (/settings/tokens/).",
        )
    now = timezone.now()
    if token.is_revoked:
        raise TokenRefused(
            "token_revoked",
            f"The API token “{token.name}” was revoked on {token.revoked_at:%Y-%m-%d %H:%M} "
            "UTC. Make a new one on the API tokens page (/settings/tokens/).",
        )
    if token.is_expired(now):
        raise TokenRefused(
            "token_expired",
            f"The API token “{token.name}” expired on {token.expires_at:%Y-%m-%d %H:%M} UTC. "
            "Make a new one on the API tokens page (/settings/tokens/).",
        )
    if not token.user.is_active:
        raise TokenRefused(
            "account_inactive",
            "The account this API token belongs to is deactivated, so the token no longer works.",
        )
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
