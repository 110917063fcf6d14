"""Reads: which sessions a user may see, and the history's filters."""

from __future__ import annotations

import time

from django.db.models import Q, QuerySet
from django.utils import timezone

from sandbox import history_cache
from sandbox.models import SandboxSession, status_label


def sessions_visible_to(user) -> QuerySet[SandboxSession]:
    """Staff see every session; a teammate sees the ones they created."""
    sessions = SandboxSession.objects.select_related("agent", "created_by")
    if user.is_staff:
        return sessions
    return sessions.filter(created_by=user)


def can_manage(user, session: SandboxSession) -> bool:
    """Who may share or revoke a session: its creator and staff."""
    return user.is_staff or (session.created_by_id is not None and session.created_by_id == user.pk)


def session_history(user, *, status: str = "", agent_id: str = "", phone: str = ""):
    """The history page's rows, newest first, filtered as each row is shown."""
    sessions = filter_by_status(sessions_visible_to(user), status)
    if agent_id:
        sessions = sessions.filter(agent__kapso_id=agent_id)
    if phone:
        digits = "".join(ch for ch in phone if ch.isdigit())
        if digits:
            sessions = sessions.filter(phone_number__contains=digits)
    return sessions.order_by("-created_at", "-pk")


def filter_by_status(sessions: QuerySet[SandboxSession], status: str) -> QuerySet[SandboxSession]:
    """Sessions whose *shown* status is `status`: a lapsed session counts as expired."""
    if not status:
        return sessions
    lapsed = Q(expires_at__lte=timezone.now()) & ~Q(status=SandboxSession.EXPIRED)
    if status == SandboxSession.EXPIRED:
        return sessions.filter(Q(status=SandboxSession.EXPIRED) | lapsed)
    return sessions.filter(status=status).exclude(lapsed)


def statuses_in_history(user) -> list[tuple[str, str]]:
    """(value, label) of every status in the user's history, for the filter.

    Kapso may invent statuses; whatever it sent is offered next to the known three.
    """
    scope = "all" if user.is_staff else user.pk
    return history_cache.cached(
        "statuses", (scope,), lambda: status_choices(sessions_visible_to(user))
    )


def history_count(user, sessions: QuerySet[SandboxSession], filters: tuple) -> int:
    """The number of rows the history's filters match, cached until sessions change."""
    scope = "all" if user.is_staff else user.pk
    # Status filters move with the clock (a session lapses into "expired" without any
    # write), so those counts are recomputed at least once a minute.
    minute = int(time.time() // 60) if filters and filters[0] else 0
    return history_cache.cached("count", (scope, minute, *filters), sessions.count)


def status_choices(sessions: QuerySet[SandboxSession]) -> list[tuple[str, str]]:
    found = set(sessions.order_by().values_list("status", flat=True).distinct())
    found |= {SandboxSession.PENDING, SandboxSession.ACTIVE, SandboxSession.EXPIRED}
    return [(value, status_label(value)) for value in sorted(found)]
