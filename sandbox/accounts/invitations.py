"""Invitations: create, send, re-send, revoke, and accept, each a plain function.

The link's secret is random (32 bytes) and only its SHA-256 is kept. Acceptance is a
conditional UPDATE on a pending row, so a link works once even when two people press at
the same moment. An invitation never touches an existing account: an address that already
belongs to one is refused when inviting and again when accepting, so a link cannot be used
to take an account over.
"""

from __future__ import annotations

import hashlib
import secrets
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from sandbox.accounts.models import Invitation
from sandbox.accounts.roles import role_apply
from sandbox.errors import ServiceError


class InvitationGone(ServiceError):
    kind = "invitation_gone"


class AddressTaken(ServiceError):
    kind = "address_taken"


class MailFailed(ServiceError):
    kind = "mail_failed"


MAIL_FAILED = "the mail server did not take the invitation: nothing was saved, try again later"


@dataclass(frozen=True)
class InviteResult:
    email: str
    sent: bool
    message: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def address_has_account(email: str) -> bool:
    users = get_user_model().objects.filter(email__iexact=email)
    return users.exists() or EmailAddress.objects.filter(email__iexact=email).exists()


def pending_invitations() -> QuerySet[Invitation]:
    now = timezone.now()
    return Invitation.objects.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    )


def _send(invitation: Invitation, token: str) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse("accounts:accept", args=[token])
    context = {"invitation": invitation, "link": link, "days": settings.INVITATION_DAYS}
    send_mail(
        "You are invited to the Kapso sandbox dashboard",
        render_to_string("accounts/mail/invitation.txt", context),
        None,
        [invitation.email],
    )


def _issue(invitation: Invitation) -> str:
    """A fresh secret and expiry: any earlier link for this row stops working."""
    token = secrets.token_urlsafe(32)
    invitation.token_hash = _hash(token)
    invitation.expires_at = timezone.now() + timedelta(days=settings.INVITATION_DAYS)
    invitation.sent_at = timezone.now()
    return token


def invitation_create(email: str, role: str, by) -> InviteResult:
    email = email.strip().lower()
    if address_has_account(email):
        return InviteResult(email, False, "already has an account: nothing sent")
    if pending_invitations().filter(email__iexact=email).exists():
        return InviteResult(email, False, "already invited: re-send it from the list below")
    invitation = Invitation(email=email, role=role, invited_by=by)
    token = _issue(invitation)
    try:
        with transaction.atomic():
            invitation.save()
            _send(invitation, token)  # a refused mail rolls the row back: nothing half-done
    except (smtplib.SMTPException, OSError):
        return InviteResult(email, False, MAIL_FAILED)
    return InviteResult(email, True, "invitation sent")


def invitations_create(emails: list[str], role: str, by) -> list[InviteResult]:
    return [invitation_create(email, role, by) for email in emails]


def invitation_resend(invitation: Invitation) -> None:
    if invitation.accepted_at:
        raise InvitationGone("This invitation was already accepted.")
    invitation.revoked_at = None
    token = _issue(invitation)
    try:
        with transaction.atomic():
            fields = ["token_hash", "expires_at", "sent_at", "revoked_at"]
            invitation.save(update_fields=fields)
            _send(invitation, token)
    except (smtplib.SMTPException, OSError):
        raise MailFailed(
            "The mail server did not take the invitation; the earlier link still works. "
            "Try again later."
        ) from None


def invitation_revoke(invitation: Invitation) -> None:
    Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def invitation_find(token: str) -> Invitation:
    """The pending invitation behind a link, or InvitationGone saying why not."""
    invitation = Invitation.objects.filter(token_hash=_hash(token)).first()
    if invitation is None:
        raise InvitationGone("This invitation link is not valid. Ask for a new one.")
    messages = {
        "accepted": "This invitation was already used. Sign in instead.",
        "revoked": "This invitation was withdrawn. Ask the person who invited you.",
        "expired": "This invitation has expired. Ask for a new one.",
    }
    if invitation.state in messages:
        raise InvitationGone(messages[invitation.state])
    return invitation


def invitation_claim(invitation: Invitation, user) -> None:
    """Mark it used by `user` (once: a conditional UPDATE) and give the invited role."""
    claimed = (
        Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True)
        .filter(Q(revoked_at__isnull=True) & Q(expires_at__gt=timezone.now()))
        .update(accepted_at=timezone.now(), accepted_by=user)
    )
    if not claimed:
        raise InvitationGone("This invitation was already used or withdrawn.")
    role_apply(user, invitation.role)


@transaction.atomic
def invitation_accept(token: str, username: str, password: str):
    """A new account for the invited address, its address verified by the link itself."""
    invitation = invitation_find(token)
    if address_has_account(invitation.email):
        raise AddressTaken("An account with this address already exists. Sign in instead.")
    user = get_user_model().objects.create_user(username, invitation.email, password)
    EmailAddress.objects.create(user=user, email=invitation.email, verified=True, primary=True)
    invitation_claim(invitation, user)
    return user
