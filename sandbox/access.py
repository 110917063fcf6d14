"""Who may see or manage what."""

from __future__ import annotations

import functools

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from sandbox.models import SandboxSession


def sessions_visible_to(user) -> QuerySet[SandboxSession]:
    """Staff see every session; a teammate sees the ones they created."""
    sessions = SandboxSession.objects.select_related("agent", "created_by")
    if user.is_staff:
        return sessions
    return sessions.filter(created_by=user)


def staff_required(view):
    """Staff only, with the dashboard's own 403 page for anyone else signed in (Django's
    staff_member_required would send them to the admin's login, which cannot help them).
    Signed-out people never get here: LoginRequiredMiddleware sends them to log in."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_staff:
            raise PermissionDenied("Only staff see this page. Ask an admin if you need it.")
        return view(request, *args, **kwargs)

    return wrapped


def can_manage(user, session: SandboxSession) -> bool:
    """Who may share or revoke a session: its creator and staff."""
    return user.is_staff or (session.created_by_id is not None and session.created_by_id == user.pk)
