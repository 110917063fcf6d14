"""The account tables (allauth's and the invitations) in the personal-data declaration
(sandbox/privacy/), registered at start (AccountsConfig.ready). Erasing a person with an
account (`Person.user_ids`) runs `account_personal_data_erase`; invitations to a person's
addresses go with them; stale invitations go nightly with the retention job."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Q

from sandbox import privacy
from sandbox.accounts.erasure import (
    PERSONAL_DATA,
    account_personal_data_erase,
    stale_invitations_purge,
)
from sandbox.accounts.models import Invitation

COLUMNS = {
    "account_emailaddress": ("account.EmailAddress.email",),
    "account_emailconfirmation": ("account.EmailConfirmation.key",),
    "socialaccount_socialaccount": (
        "socialaccount.SocialAccount.extra_data",
        "socialaccount.SocialAccount.uid",
    ),
    "socialaccount_socialtoken": (
        "socialaccount.SocialToken.token",
        "socialaccount.SocialToken.token_secret",
    ),
    "mfa_authenticator": ("mfa.Authenticator.data",),
    "usersessions_usersession": (
        "usersessions.UserSession.data",
        "usersessions.UserSession.session_key",
        "usersessions.UserSession.user_agent",
    ),
    "accounts_invitation": ("accounts.Invitation.email",),
}


def _invitations(person: privacy.Person):
    addressed = Q(pk__in=[])
    for email in person.emails:
        addressed |= Q(email__iexact=email)
    return Invitation.objects.filter(addressed | Q(accepted_by__in=person.user_ids))


def erase_accounts(person: privacy.Person) -> int:
    """Everything allauth holds of the person's accounts, and invitations to their addresses."""
    changed = _invitations(person).delete()[0]
    for user in get_user_model().objects.filter(pk__in=person.user_ids):
        changed += sum(account_personal_data_erase(user).values())
    return changed


def export_invitations(person: privacy.Person) -> list[dict[str, Any]]:
    return list(_invitations(person).values("email", "created_at", "expires_at", "accepted_at"))


def retain_invitations(now: datetime) -> int:
    return stale_invitations_purge(now)


def _store(entry) -> privacy.Store:
    account_tables = entry.table != "accounts_invitation"
    return privacy.Store(
        name=f"accounts: {entry.table}",
        columns=COLUMNS[entry.table],
        holds=entry.holds,
        erased=entry.erased_by.replace("account_personal_data_erase", "erasing the account"),
        kept=entry.kept,
        erase=None if account_tables else erase_accounts,
        export=None if account_tables else export_invitations,
        retain=None if account_tables else retain_invitations,
    )


EXEMPT = {
    "accounts.Invitation.role": "a fixed list of roles",
    "accounts.Invitation.token_hash": "a hash of a random token",
    "mfa.Authenticator.type": "a fixed list of factor kinds",
    "socialaccount.SocialAccount.provider": "the provider's id (e.g. google)",
    "socialaccount.SocialApp.client_id": "the team's OAuth app, configured by admins",
    "socialaccount.SocialApp.key": "the team's OAuth app, configured by admins",
    "socialaccount.SocialApp.name": "the team's OAuth app, configured by admins",
    "socialaccount.SocialApp.provider": "the team's OAuth app, configured by admins",
    "socialaccount.SocialApp.provider_id": "the team's OAuth app, configured by admins",
    "socialaccount.SocialApp.secret": "the team's OAuth app secret (a credential, not a person)",
    "socialaccount.SocialApp.settings": "the team's OAuth app, configured by admins",
}


def declare() -> None:
    privacy.register(*(_store(entry) for entry in PERSONAL_DATA))
    for column, reason in EXEMPT.items():
        privacy.exempt(column, reason)
