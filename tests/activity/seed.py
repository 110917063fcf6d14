"""A small history whose figures are worked out by hand (see the comments).

Yesterday, noon: alice/Support activated after 60 s and after 120 s, bob/Support after
300 s, bob/Sales expired unused; one create of alice's on Support failed at Kapso.
Two days ago, noon: alice/Sales activated after 30 s, bob/Sales still pending,
alice/Support never activated and its expiry passed (expired unused).

All: 7 sessions, 4 activated (4/7 = 57.1 %), 2 expired unused, 1 pending, 1 failed.
Durations 30, 60, 120, 300 s: median (60 + 120) / 2 = 90 s; 90th percentile at rank
0.9 * 3 = 2.7: 120 + 0.7 * 180 = 246 s.
Support: 4 sessions, 3 activated (75.0 %), 60/120/300: median 120 s, p90 120 + 0.8 * 180
= 264 s. Sales: 3 sessions, 1 activated (33.3 %), 30 s.
alice: 4 sessions, 3 activated, 30/60/120: median 60 s, p90 60 + 0.8 * 60 = 108 s.
bob: 3 sessions, 1 activated after 300 s.
"""

from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta

from django.utils import timezone

from sandbox.models import Agent, FailedSessionAttempt, SandboxSession

_ids = itertools.count(1)


def _noon(days_ago: int) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return datetime.combine(day, time(12), tzinfo=timezone.get_current_timezone())


def _session(user, agent, days_ago, *, activated_after=None, status=None, expired=False):
    created = _noon(days_ago)
    n = next(_ids)
    activated = created + timedelta(seconds=activated_after) if activated_after else None
    return SandboxSession.objects.create(
        kapso_id=f"seed-{n}",
        agent=agent,
        phone_number=f"+1415555{n:04d}",
        status=status or (SandboxSession.ACTIVE if activated else SandboxSession.PENDING),
        activation_code=f"C{n}",
        activation_message="m",
        activation_link="https://wa.me/1",
        activated_at=activated,
        expires_at=timezone.now() + timedelta(days=-1 if expired else 1),
        raw_payload={},
        created_by=user,
        created_at=created,
    )


def seed(alice, bob) -> dict:
    support = Agent.objects.create(kapso_id="agent-support", name="Support")
    sales = Agent.objects.create(kapso_id="agent-sales", name="Sales")
    _session(alice, support, 1, activated_after=60)
    _session(alice, support, 1, activated_after=120)
    _session(bob, support, 1, activated_after=300)
    _session(bob, sales, 1, status=SandboxSession.EXPIRED)
    _session(alice, sales, 2, activated_after=30)
    _session(bob, sales, 2)
    matched = _session(alice, support, 2, expired=True)
    FailedSessionAttempt.objects.create(
        created_by=alice,
        phone_number="+14155550000",
        agent_id="agent-support",
        error_kind="server",
        error_message="Kapso failed",
        created_at=_noon(1),
    )
    # A lost answer later matched to its session: the session counts, not a failure.
    FailedSessionAttempt.objects.create(
        created_by=alice,
        phone_number=matched.phone_number,
        agent_id="agent-support",
        error_kind="timeout",
        error_message="lost",
        outcome_unknown=True,
        session=matched,
        created_at=_noon(2),
    )
    return {"support": support, "sales": sales, "yesterday": _noon(1).date()}
