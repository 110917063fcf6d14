"""At most once per key: the guard against double submits (and the API's Idempotency-Key).

The protocol, in full:
1. `claim()` inserts an `IdempotencyRecord` (user, scope, key). The unique constraint lets
   exactly one request win; the winner gets a `Claim` and does the work.
2. The winner ends its claim with `complete(session)`, `release()` (it failed and nothing
   happened at Kapso: the next try starts afresh) or `mark_unknown(message)` (Kapso may
   have done it: repeats are refused for the window, so no second session is made).
3. A loser reads the row: done, it gets the same session; unknown, the same refusal;
   still pending, it polls the row until the winner ends (or gives up with a message).
   A key sent again with a different request (another fingerprint) is refused.
An expired row is deleted by the next claim of its key, so a crashed request holds its
key only until its pending row expires.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from sandbox.errors import CreateInProgress, CreateOutcomeUnknown, IdempotencyKeyReused
from sandbox.models import IdempotencyRecord, SandboxSession
from sandbox.privacy.keys import keyed_hash

POLL_SECONDS = 0.1


def fingerprint(*parts: object) -> str:
    # Keyed (HMAC): the parts include a phone number, whose plain SHA-256 anyone could
    # reverse by trying every number (sandbox/privacy/keys.py).
    return keyed_hash(*parts)


class RepeatOfUnknown(CreateOutcomeUnknown):
    """A repeat of a request whose outcome is unknown, refused for `retry_after` more seconds."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Prior:
    """A repeat of a finished request: its session and first HTTP status."""

    session: SandboxSession
    response_status: int | None


@dataclass(frozen=True)
class Claim:
    """This request won the key and must end the claim one of three ways."""

    record: IdempotencyRecord
    window: timedelta

    def complete(self, session: SandboxSession, *, response_status: int | None = None) -> None:
        IdempotencyRecord.objects.filter(pk=self.record.pk).update(
            state=IdempotencyRecord.DONE,
            session=session,
            response_status=response_status,
            expires_at=timezone.now() + self.window,
        )

    def release(self) -> None:
        IdempotencyRecord.objects.filter(pk=self.record.pk).delete()

    def mark_unknown(self, message: str, *, hold: timedelta | None = None) -> None:
        """Refuse repeats for `hold` (default: the window). The API answers finished requests
        for a day but holds an unknown outcome only as long as the form does."""
        IdempotencyRecord.objects.filter(pk=self.record.pk).update(
            state=IdempotencyRecord.UNKNOWN,
            error_message=message,
            expires_at=timezone.now() + (hold or self.window),
        )


def claim(
    *,
    user,
    scope: str,
    key: str,
    fingerprint: str,
    window: timedelta,
    pending_for: timedelta,
) -> Claim | Prior:
    """Win `key` for this request (a `Claim`), or get the finished request's `Prior`.

    `pending_for` is how long the winner can take at most; `window`, how long repeats
    are answered from the finished row. Raises `CreateOutcomeUnknown`, `CreateInProgress`
    or `IdempotencyKeyReused` when a repeat cannot be answered with a session.
    """
    give_up_at = time.monotonic() + pending_for.total_seconds()
    mine = IdempotencyRecord.objects.filter(user=user, scope=scope, key=key)
    while True:
        mine.filter(expires_at__lte=timezone.now()).delete()
        record = _insert(
            user=user, scope=scope, key=key, fingerprint=fingerprint, pending_for=pending_for
        )
        if record is not None:
            return Claim(record, window)
        record = mine.select_related("session").first()
        # None: ended and deleted between the insert and the read; wait, then try again.
        prior = _answer_repeat(record, fingerprint) if record is not None else None
        if prior is not None:
            return prior
        if time.monotonic() > give_up_at:
            raise CreateInProgress(
                "The same session is still being created in another tab or request; "
                "look in the history in a moment."
            )
        time.sleep(POLL_SECONDS)


def _insert(
    *, user, scope: str, key: str, fingerprint: str, pending_for: timedelta
) -> IdempotencyRecord | None:
    """This request's pending row if it wins the key; None if another request holds it."""
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                user=user,
                scope=scope,
                key=key,
                fingerprint=fingerprint,
                expires_at=timezone.now() + pending_for,
            )
    except IntegrityError:
        return None


def _answer_repeat(record: IdempotencyRecord, fingerprint: str) -> Prior | None:
    """A repeat's answer from the row that holds its key: the finished request's `Prior`,
    a refusal (raised), or None while that request is still pending."""
    if record.fingerprint != fingerprint:
        raise IdempotencyKeyReused(
            "This idempotency key was already used for a different request; use a new "
            "key for a new request."
        )
    if record.state == IdempotencyRecord.DONE and record.session:
        return Prior(record.session, record.response_status)
    if record.state == IdempotencyRecord.UNKNOWN:
        left = (record.expires_at - timezone.now()).total_seconds()
        seconds = max(1, math.ceil(left))
        raise RepeatOfUnknown(
            f"{record.error_message} Wait {seconds} s before asking again, so a second "
            "session is not made by mistake.",
            retry_after=seconds,
        )
    return None
