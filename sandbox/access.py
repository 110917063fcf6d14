"""Who may see or manage what.

A teammate sees the sessions they made, and the live sessions of the phones of testers
linked to their account (a tester's own account, `Tester.account` in the team app, read
here by its relation name so that sandbox/ imports nothing of the team app): they can
scan and reuse what is ready for their phone instead of making a second session.
docs/decisions.md says why only live ones.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
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


def can_manage(user, session: SandboxSession) -> bool:
    """Who may share or revoke a session: its creator and staff."""
    return user.is_staff or (session.created_by_id is not None and session.created_by_id == user.pk)
