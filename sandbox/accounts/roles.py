"""Roles, mapped onto what already exists: a teammate is a plain account, a team manager
holds the `team.manage_team` permission, staff is `is_staff`, an admin is a superuser.
No new tier: everything else (access.py, team/access.py) keeps reading these flags."""

from __future__ import annotations

from django.contrib.auth.models import Permission

from sandbox.accounts.models import Invitation

ROLE_LABELS = {
    Invitation.TEAMMATE: "Teammate",
    Invitation.MANAGER: "Team manager",
    Invitation.STAFF: "Staff",
    "admin": "Admin",
}


def _manage_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="team", codename="manage_team")


def role_of(user) -> str:
    if user.is_superuser:
        return "admin"
    if user.is_staff:
        return Invitation.STAFF
    if user.has_perm("team.manage_team"):
        return Invitation.MANAGER
    return Invitation.TEAMMATE


def role_apply(user, role: str) -> None:
    """Give a new account its invited role (never takes rights away, never makes an admin)."""
    if role == Invitation.STAFF and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    if role == Invitation.MANAGER:
        user.user_permissions.add(_manage_permission())


def may_manage_members(user) -> bool:
    """Inviting people hands out access: staff only."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)
