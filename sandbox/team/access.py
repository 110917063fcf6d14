"""Who may see what in the team pages.

The matrix and the sheets show other people's phone numbers and codes, so they and bulk
onboarding are for managers: staff, or accounts given the `team.manage_team` permission.
Everyone else sees only the testers linked to their own account, with the sessions they
may see anyway (`sandbox.access.sessions_visible_to`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sandbox.team.models import OnboardingBatch, Tester, TesterGroup

MANAGE_PERMISSION = "team.manage_team"


def can_manage_team(user) -> bool:
    return bool(user.is_authenticated and (user.is_staff or user.has_perm(MANAGE_PERMISSION)))


def require_manager(user) -> None:
    if not can_manage_team(user):
        raise PermissionDenied(
            "Only staff and people allowed to manage the team see this page. Ask an admin."
        )


def manager_page(*methods: str) -> Callable[[Callable], Callable]:
    """A page for managers only, answering `methods`: kept by no proxy and no back button
    (phone numbers, codes), the method checked first (405), then the person (403)."""

    def wrap(view: Callable) -> Callable:
        @functools.wraps(view)
        def checked(request, *args, **kwargs):
            require_manager(request.user)
            return view(request, *args, **kwargs)

        return never_cache(require_http_methods(list(methods))(checked))

    return wrap


def testers_visible_to(user) -> QuerySet[Tester]:
    if can_manage_team(user):
        return Tester.objects.all()
    return Tester.objects.filter(account=user)


def batches_visible_to(user) -> QuerySet[OnboardingBatch]:
    if can_manage_team(user):
        return OnboardingBatch.objects.all()
    return OnboardingBatch.objects.none()


def groups_visible_to(user) -> QuerySet[TesterGroup]:
    """Groups list other people's phones: managers see them all, everyone else none."""
    if can_manage_team(user):
        return TesterGroup.objects.all()
    return TesterGroup.objects.none()
