"""Who must have a second factor, and who has one.

allauth offers TOTP, recovery codes and passkeys but no "required" switch. Staff and
anyone who may manage the team (bulk onboarding spends the Kapso quota, erasure removes
people) must have one when MFA_REQUIRED_FOR_MANAGERS is on; recovery codes alone do not
count, they are the way back in, not a factor of their own.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.conf import settings


def must_have_second_factor(user) -> bool:
    if not (settings.MFA_REQUIRED_FOR_MANAGERS and user.is_authenticated):
        return False
    return bool(user.is_staff or user.has_perm("team.manage_team"))


def has_second_factor(user) -> bool:
    kinds = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    return Authenticator.objects.filter(user=user, type__in=kinds).exists()


def second_factor_missing(user) -> bool:
    return must_have_second_factor(user) and not has_second_factor(user)
