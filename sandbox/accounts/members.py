"""What the members page shows: every account with its role and second factor, and the
invitations still waiting."""

from __future__ import annotations

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model

from sandbox.accounts.invitations import pending_invitations
from sandbox.accounts.roles import ROLE_LABELS, role_of


@dataclass(frozen=True)
class Member:
    user: object
    role: str
    second_factor: bool


def members_list() -> list[Member]:
    users = get_user_model().objects.order_by("username").prefetch_related("user_permissions")
    with_factor = set(
        Authenticator.objects.filter(
            type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
        ).values_list("user_id", flat=True)
    )
    return [Member(u, ROLE_LABELS[role_of(u)], u.pk in with_factor) for u in users]


def invitations_waiting():
    return pending_invitations().select_related("invited_by").order_by("-created_at")
