"""Which sessions are "live": one rule, used by bulk onboarding, the team matrix and the
API's `ensure`, so that all three reuse the same sessions instead of making new ones.

A session is live when it is active (and has not lapsed), or pending activation with at
least SANDBOX_LIVE_MIN_REMAINING left: enough for a person to pick up the phone and scan.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from sandbox.models import SandboxSession


def min_remaining() -> timedelta:
    return timedelta(seconds=settings.SANDBOX_LIVE_MIN_REMAINING)


def live_filter(now: datetime | None = None) -> Q:
    """The rule as a query: for `.filter()` on SandboxSession."""
    now = now or timezone.now()
    not_lapsed = Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    active = Q(status=SandboxSession.ACTIVE) & not_lapsed
    # A pending session with no expiry from Kapso is taken at its word: still usable.
    pending = Q(status=SandboxSession.PENDING) & (
        Q(expires_at__isnull=True) | Q(expires_at__gte=now + min_remaining())
    )
    return active | pending


def is_live(session: SandboxSession, now: datetime | None = None) -> bool:
    """The rule for one session already in memory (same answer as `live_filter`)."""
    now = now or timezone.now()
    if session.status == SandboxSession.ACTIVE:
        return session.expires_at is None or session.expires_at > now
    if session.status == SandboxSession.PENDING:
        return session.expires_at is None or session.expires_at >= now + min_remaining()
    return False


def for_agent(agent_id: str) -> Q:
    """Sessions of `agent_id`, whichever id form Kapso or the teammate used."""
    return Q(agent__kapso_id=agent_id) | Q(requested_agent_id=agent_id)


def live_session(
    sessions: QuerySet[SandboxSession], *, phone_number: str, agent_id: str
) -> SandboxSession | None:
    """The live session of `phone_number` and `agent_id` among `sessions`, the newest first;
    callers pass what the person may see (`access.sessions_visible_to`)."""
    return (
        sessions.filter(live_filter(), for_agent(agent_id), phone_number=phone_number)
        .order_by("-created_at", "-pk")
        .first()
    )
