"""Our rules for allauth: who may sign up, how a single sign-on finds its account.

- Open sign-up stays off (ACCOUNT_OPEN_SIGNUP) unless asked for.
- A single sign-on creates an account only for a provider-verified address that either
  has a pending invitation (opened in this browser) or sits in SSO_ALLOWED_DOMAINS; anyone
  else gets a page saying why.
- It signs in to an existing account only through an address verified on our side
  (allauth's EmailAddress), never through the bare `User.email` someone typed in the admin.
- Passwords are throttled by sandbox/web/login_throttle.py; allauth's own "login_failed"
  count is skipped for them (it still guards second-factor codes).
"""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.shortcuts import render

from sandbox.accounts import invitations
from sandbox.accounts.roles import role_apply

SESSION_INVITATION = "accounts_invitation_token"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        return settings.ACCOUNT_OPEN_SIGNUP

    def pre_authenticate(self, request, **credentials) -> None:
        # The password form's throttle already counted this try (one counter, one message).
        return None


def _verified_emails(sociallogin) -> list[str]:
    return [e.email.lower() for e in sociallogin.email_addresses if e.verified]


def _invitation_in_session(request, emails: list[str]):
    token = request.session.get(SESSION_INVITATION)
    if not token:
        return None
    try:
        invitation = invitations.invitation_find(token)
    except invitations.InvitationGone:
        return None
    return invitation if invitation.email.lower() in emails else None


def _refuse(request, reason: str):
    page = render(request, "accounts/sso_refused.html", {"reason": reason}, status=403)
    raise ImmediateHttpResponse(page)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def authenticate_by_email(self, sociallogin):
        for email in _verified_emails(sociallogin):
            if not self.can_authenticate_by_email(sociallogin, email):
                continue
            known = EmailAddress.objects.filter(email__iexact=email, verified=True).first()
            if known is not None:
                return known.user, email
        return None

    def is_open_for_signup(self, request, sociallogin) -> bool:
        emails = _verified_emails(sociallogin)
        if not emails:
            _refuse(request, "Your identity provider did not confirm your e-mail address.")
        if any(invitations.address_has_account(email) for email in emails):
            _refuse(
                request,
                "An account with this e-mail address already exists, but its address is not "
                "verified here yet. Sign in with your password, or ask an admin.",
            )
        if _invitation_in_session(request, emails) is not None:
            return True
        domains = {email.rpartition("@")[2] for email in emails}
        if domains & set(settings.SSO_ALLOWED_DOMAINS):
            return True
        _refuse(
            request,
            "Your e-mail domain is not allowed to join this dashboard. "
            "Ask someone on the team for an invitation.",
        )
        return False

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        invitation = _invitation_in_session(request, _verified_emails(sociallogin))
        if invitation is not None:
            invitations.invitation_claim(invitation, user)
            request.session.pop(SESSION_INVITATION, None)
        else:
            role_apply(user, settings.SSO_DEFAULT_ROLE)
        return user
