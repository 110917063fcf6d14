"""Personal data in the account tables (allauth's and our invitations), declared and erased.

`account_personal_data_erase(user)` is the one call the personal-data erasure service makes
for an account: it signs the person out everywhere and deletes every allauth row that names
them, and the invitations sent to their addresses. The `auth_user` row itself (username,
e-mail, names) goes after, with the rest of the account (sandbox/privacy/'s accounts store).
`stale_invitations_purge()` deletes invitations nobody can use any more (a nightly job's).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sandbox.accounts.models import Invitation

# Invitations that were used, withdrawn or expired are kept this long (for "who invited
# whom" questions), then deleted.
STALE_INVITATION_DAYS = 30


@dataclass(frozen=True)
class PersonalStore:
    table: str
    holds: str
    erased_by: str
    kept: str


PERSONAL_DATA = [
    PersonalStore(
        "account_emailaddress",
        "the person's e-mail addresses, verified or not",
        "account_personal_data_erase; cascades when the user is deleted",
        "while the account exists",
    ),
    PersonalStore(
        "account_emailconfirmation",
        "a pending confirmation of an address (the address's row)",
        "cascades with account_emailaddress",
        "until confirmed or the address is deleted",
    ),
    PersonalStore(
        "socialaccount_socialaccount",
        "the provider's id for the person and its claims (extra_data: name, e-mail, picture)",
        "account_personal_data_erase; cascades when the user is deleted",
        "while the account exists",
    ),
    PersonalStore(
        "socialaccount_socialtoken",
        "the provider's access token for the person",
        "cascades with socialaccount_socialaccount",
        "while the account exists",
    ),
    PersonalStore(
        "mfa_authenticator",
        "TOTP secret, recovery-code seed, passkey public keys and their names",
        "account_personal_data_erase; cascades when the user is deleted",
        "while the account exists (or until the person removes the factor)",
    ),
    PersonalStore(
        "usersessions_usersession",
        "IP address and browser (user agent) of each signed-in session",
        "account_personal_data_erase (ends the sessions); allauth deletes ended ones",
        "while the session lasts",
    ),
    PersonalStore(
        "accounts_invitation",
        "the invited e-mail address, who invited, who accepted",
        "account_personal_data_erase (by address); stale_invitations_purge",
        f"pending: until it expires (INVITATION_DAYS); then {STALE_INVITATION_DAYS} days",
    ),
]


def _addresses(user) -> set[str]:
    found = set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
    if user.email:
        found.add(user.email)
    return {address.lower() for address in found}


@transaction.atomic
def account_personal_data_erase(user) -> dict[str, int]:
    """Sign `user` out everywhere and delete what the account tables hold of them."""
    ended = 0
    for session in UserSession.objects.filter(user=user):
        session.end()  # deletes Django's session row too: every browser is signed out
        ended += 1
    addresses = _addresses(user)
    invited = Q(accepted_by=user)
    for address in addresses:
        invited |= Q(email__iexact=address)
    return {
        "sessions_ended": ended,
        "invitations": Invitation.objects.filter(invited).delete()[0],
        "social_accounts": SocialAccount.objects.filter(user=user).delete()[0],
        "authenticators": Authenticator.objects.filter(user=user).delete()[0],
        "email_addresses": EmailAddress.objects.filter(user=user).delete()[0],
    }


def stale_invitations_purge(now=None) -> int:
    cutoff = (now or timezone.now()) - timedelta(days=STALE_INVITATION_DAYS)
    stale = Q(accepted_at__lt=cutoff) | Q(revoked_at__lt=cutoff) | Q(expires_at__lt=cutoff)
    return Invitation.objects.filter(stale).delete()[0]
