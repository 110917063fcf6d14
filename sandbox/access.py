"""Who may see or manage what."""

from __future__ import annotations

from django.db.models import QuerySet

from sandbox.models import SandboxSession


def sessions_visible_to(user) -> QuerySet[SandboxSession]:
    """Staff see every session; a teammate sees the ones they created."""
    sessions = SandboxSession.objects.select_related("agent", "created_by")
    if user.is_staff:
        return sessions
    return sessions.filter(created_by=user)


def can_manage(user, session: SandboxSession) -> bool:
    """Who may share or revoke a session: its creator and staff."""
    return user.is_staff or (session.created_by_id is not None and session.created_by_id == user.pk)
