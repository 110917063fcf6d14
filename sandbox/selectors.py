"""Reads: which sessions a user may see, and the history's filters."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from sandbox.models import SandboxSession, status_label


def sessions_visible_to(user) -> QuerySet[SandboxSession]:
    """Staff see every session; a teammate sees the ones they created."""
    sessions = SandboxSession.objects.select_related("agent", "created_by")
    if user.is_staff:
        return sessions
    return sessions.filter(created_by=user)


def session_history(user, *, status: str = "", agent_id: str = "", phone: str = ""):
    """The history page's rows, newest first.

    `status=expired` also finds sessions whose expiry passed without Kapso saying so, and
    the other statuses leave those out, so the filter agrees with what each row shows.
    """
    sessions = sessions_visible_to(user)
    now = timezone.now()
    lapsed = Q(expires_at__lte=now) & ~Q(status=SandboxSession.EXPIRED)
    if status == SandboxSession.EXPIRED:
        sessions = sessions.filter(Q(status=SandboxSession.EXPIRED) | lapsed)
    elif status:
        sessions = sessions.filter(status=status).exclude(lapsed)
    if agent_id:
        sessions = sessions.filter(agent__kapso_id=agent_id)
    if phone:
        digits = "".join(ch for ch in phone if ch.isdigit())
        if digits:
            sessions = sessions.filter(phone_number__contains=digits)
    return sessions.order_by("-created_at", "-pk")


def statuses_in_history(user) -> list[tuple[str, str]]:
    """(value, label) of every status in the user's history, for the filter.

    Kapso may invent statuses; whatever it sent is offered next to the known three.
    """
    found = set(sessions_visible_to(user).values_list("status", flat=True).distinct())
    found |= {SandboxSession.PENDING, SandboxSession.ACTIVE, SandboxSession.EXPIRED}
    return [(value, status_label(value)) for value in sorted(found)]
