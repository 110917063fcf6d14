"""One create at a time per phone and agent, whoever asks, and what a crash leaves behind.

The per-user guard (idempotency.py) folds a person's double click into one create; it
cannot see two people, or a batch and a person, asking for the same pair at once. This
one can: `held()` inserts a `PairClaim` row, and the unique (phone, agent) lets one
request in while the others wait for it and then find its session live (ensure.py).

A row outlives its holder only when the holder died (SIGKILL, a machine lost) while Kapso
was answering: the create's outcome is unknown. Whoever takes the pair next is told so
(`Held.abandoned`) and looks for that session in Kapso before asking again (`adopt_lost`),
so a crash never makes a second session. `release_abandoned()` does the same for pairs
nobody asks for again (the periodic resume job), so the rows, which hold a phone number,
do not stay.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from sandbox import lost_creates
from sandbox.errors import CreateInProgress
from sandbox.kapso.quota import BACKGROUND
from sandbox.models import PairClaim, SandboxSession
from sandbox.sessions import sandbox_session_upsert

POLL_SECONDS = 0.1


def create_budget() -> timedelta:
    """How long one create can last at most: the call, the look-up after a lost answer."""
    return timedelta(seconds=settings.KAPSO_TIMEOUT + lost_creates.LOOKUP_TIMEOUT_SECONDS + 5)


def me() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def holder_is_dead(holder: str) -> bool:
    """True when `holder` ("host:pid[:...]") was a process on this host that no longer runs.
    Another host's holder is never judged here: its row expires instead."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # another user's live process
        return False
    return False


def _abandoned(claim: PairClaim) -> bool:
    return claim.expires_at <= timezone.now() or holder_is_dead(claim.holder)


@dataclass(frozen=True)
class Held:
    claim: PairClaim
    # The row a dead holder left (its create may have reached Kapso), or None.
    abandoned: PairClaim | None = None


@contextmanager
def held(phone_number: str, agent_id: str, *, user=None, origin: str = "") -> Iterator[Held]:
    """Hold the pair while its session is looked for and made; waits for another holder
    for at most one create's budget, then raises `CreateInProgress`."""
    taken = _take(phone_number, agent_id, user=user, origin=origin)
    try:
        yield taken
    finally:
        PairClaim.objects.filter(pk=taken.claim.pk, holder=taken.claim.holder).delete()


def _take(phone_number: str, agent_id: str, *, user, origin: str) -> Held:
    give_up_at = time.monotonic() + create_budget().total_seconds()
    mine = {"holder": me(), "user": user, "origin": origin or "form"}
    while True:
        now = timezone.now()
        try:
            with transaction.atomic():
                claim = PairClaim.objects.create(
                    phone_number=phone_number,
                    agent_id=agent_id,
                    claimed_at=now,
                    expires_at=now + create_budget(),
                    **mine,
                )
            return Held(claim)
        except IntegrityError:
            other = PairClaim.objects.filter(phone_number=phone_number, agent_id=agent_id).first()
        if other is not None and _abandoned(other):
            # The conditional UPDATE decides which of several waiters takes it over.
            won = PairClaim.objects.filter(pk=other.pk, holder=other.holder).update(
                claimed_at=now, expires_at=now + create_budget(), **mine
            )
            if won:
                return Held(PairClaim.objects.get(pk=other.pk), abandoned=other)
        if time.monotonic() > give_up_at:
            raise CreateInProgress(
                "A session for this phone and agent is being created by another request "
                "right now; look at the history in a moment."
            )
        time.sleep(POLL_SECONDS)


def adopt_lost(abandoned: PairClaim) -> SandboxSession | None:
    """The session a dead holder's create made in Kapso, stored as that holder's; or None.

    The lost-create matcher never offers a session a teammate already owns, so one the
    holder stored before it died is not taken twice.
    """
    data = lost_creates.find_for_create(
        abandoned.phone_number,
        abandoned.agent_id,
        asked_from=abandoned.claimed_at,
        asked_until=max(abandoned.expires_at, timezone.now()),
        caller=BACKGROUND,
    )
    if data is None:
        return None
    session, _ = sandbox_session_upsert(
        data,
        created_by=abandoned.user,
        requested_agent_id=abandoned.agent_id,
        origin=abandoned.origin,
    )
    return session


def release_abandoned() -> int:
    """Adopt the sessions of creates whose holder died, then drop their rows; how many."""
    released = 0
    for claim in PairClaim.objects.order_by("pk"):
        if not _abandoned(claim):
            continue
        # Take it over first, so a person asking at this moment waits instead of racing.
        now = timezone.now()
        if not PairClaim.objects.filter(pk=claim.pk, holder=claim.holder).update(
            holder=me(), claimed_at=now, expires_at=now + create_budget()
        ):
            continue
        try:
            adopt_lost(claim)
        finally:
            PairClaim.objects.filter(pk=claim.pk, holder=me()).delete()
        released += 1
    return released
