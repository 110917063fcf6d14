"""Who may see or manage what.

A teammate sees the sessions they made, and the live sessions of the phones of testers
linked to their account (a tester's own account, `Tester.account` in the team app, read
here by its relation name so that sandbox/ imports nothing of the team app): they can
scan and reuse what is ready for their phone instead of making a second session.
docs/decisions.md says why only live ones.
"""

from __future__ import annotations

import functools

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from sandbox.live import live_filter
from sandbox.models import SandboxSession

# The reverse name of the team app's Tester.account: the phones linked to a user.
LINKED_PHONES = "testers__phone_number"


def sessions_visible_to(user) -> QuerySet[SandboxSession]:
    """Staff see every session; a teammate sees theirs and their linked phones' live ones."""
    sessions = SandboxSession.objects.select_related("agent", "created_by")
    if user.is_staff:
        return sessions
    return sessions.filter(visible_filter(user))


def visible_filter(user) -> Q:
    linked = (
        get_user_model()
        .objects.filter(pk=user.pk, **{f"{LINKED_PHONES}__isnull": False})
        .values(LINKED_PHONES)
    )
    return Q(created_by=user) | (Q(phone_number__in=linked) & live_filter())


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
