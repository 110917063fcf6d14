"""Finding the session Kapso made for a create whose answer never came back.

A create whose answer was lost (timeout, dropped connection, gateway error, garbage after
a 2xx) may have been carried out. Two places look for the session it made, with the one
rule below: the create itself, at once (`find_for_create`), and a later sync, for creates
recorded as `FailedSessionAttempt(outcome_unknown=True)` (sync.py calls `match`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import TypeVar

from sandbox.gateway import get_client
from sandbox.kapso import KapsoError, types
from sandbox.kapso.quota import Caller
from sandbox.models import SandboxSession

T = TypeVar("T")

# The look-up after a lost answer gets its own short budget, on top of KAPSO_TIMEOUT.
LOOKUP_TIMEOUT_SECONDS = 3.0
# Kapso's clock and ours differ; a minute each side of "while we were asking" is plenty.
CLOCK_SLACK = timedelta(seconds=60)
# Kapso lists newest first; a lost create is among the newest few.
LOOKUP_PAGE_SIZE = 20


def match(
    items: Iterable[T],
    *,
    phone_number: str,
    agent_id: str,
    asked_from: datetime,
    asked_until: datetime,
    describe: Callable[[T], tuple[str, str, datetime | None]],
) -> T | None:
    """The item Kapso made for a create of `phone_number` and `agent_id` sent between
    `asked_from` and `asked_until`, or None when no single item is clearly it.

    `describe(item)` gives its (phone number, agent id, created at). Kapso may name the
    agent by another id form than the one we sent (its own documented example does), so
    the only candidate for the phone is taken even with another agent id; but of two
    strangers for the same phone neither is guessed, which could hand over someone else's.
    """
    earliest, latest = asked_from - CLOCK_SLACK, asked_until + CLOCK_SLACK
    candidates = []
    for item in items:
        phone, _, created_at = describe(item)
        if phone == phone_number and (created_at is None or earliest <= created_at <= latest):
            candidates.append(item)
    same_agent = [item for item in candidates if describe(item)[1] == agent_id]
    if same_agent:
        return same_agent[0]
    return candidates[0] if len(candidates) == 1 else None


def find_for_create(
    phone_number: str,
    agent_id: str,
    *,
    asked_from: datetime,
    asked_until: datetime,
    caller: Caller,
) -> types.SandboxSession | None:
    """Ask Kapso for its newest sessions and return the one our lost create made, if any.

    A session a teammate already owns is never a candidate; one a sync stored without a
    creator (it got there first) is.
    """
    try:
        client = get_client(timeout=LOOKUP_TIMEOUT_SECONDS)
        page = client.list_sessions(page=1, per_page=LOOKUP_PAGE_SIZE, caller=caller)
    except KapsoError:
        return None
    owned = set(
        SandboxSession.objects.filter(
            kapso_id__in=[item.id for item in page.items], created_by__isnull=False
        ).values_list("kapso_id", flat=True)
    )
    return match(
        (item for item in page.items if item.id not in owned),
        phone_number=phone_number,
        agent_id=agent_id,
        asked_from=asked_from,
        asked_until=asked_until,
        describe=lambda item: (item.phone_number, item.agent.id, item.created_at),
    )
