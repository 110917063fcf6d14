"""Login throttling: too many failed logins for one account or from one address are
refused for a while, with a message that says so. Counters live in the shared cache,
so every worker sees them.

It guards allauth's sign-in form, the only password form there is: the admin's login sends
people to it (allauth's secure_admin_login). allauth's own "login_failed" limit is skipped
for passwords (sandbox/accounts/adapter.py) and still guards second-factor codes."""

from __future__ import annotations

import contextlib
import unicodedata

from allauth.account.forms import LoginForm
from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Q
from django.http import HttpRequest

from sandbox.counters import count_up
from sandbox.privacy.keys import keyed_hash


def client_address(request: HttpRequest) -> str:
    if settings.CLIENT_IP_HEADER:
        forwarded = request.META.get(settings.CLIENT_IP_HEADER, "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def _key(kind: str, value: str) -> str:
    # Django compares usernames after NFKC: a fullwidth "alice" must count against "alice".
    # Keyed: what is typed here is often an e-mail address (personal data, kept in the cache).
    folded = unicodedata.normalize("NFKC", value).strip().casefold()
    return f"login-attempts:{kind}:{keyed_hash('login-attempts', kind, folded)}"


def account_name(typed: str) -> str:
    """One name per account, whichever of its names was typed: allauth signs in by user name
    or by any of the account's e-mail addresses, and a count per typed text would give a
    guesser five tries per name. Text that names no one account is counted as typed."""
    folded = unicodedata.normalize("NFKC", typed).strip()
    if not folded:
        return typed
    users = get_user_model().objects.filter(
        Q(username__iexact=folded)
        | Q(email__iexact=folded)
        | Q(pk__in=EmailAddress.objects.filter(email__iexact=folded).values("user_id"))
    )
    found = list(users.values_list("pk", flat=True)[:2])
    return f"account #{found[0]}" if len(found) == 1 else typed


def _unbump(key: str) -> None:
    with contextlib.suppress(ValueError):  # already expired
        cache.decr(key)


class ThrottledLoginMixin:
    """For a sign-in form: refuse early when throttled, count failures."""

    login_field = "login"

    def clean(self):
        username = self.data.get(self.login_field, "")
        address = client_address(self.request) if self.request else "unknown"
        account_key = _key("account", account_name(username))
        address_key = _key("address", address)
        minutes = max(1, settings.LOGIN_THROTTLE_WINDOW // 60)
        # Counted before the password is checked, so parallel guesses cannot all slip in
        # under the limit; a success takes its count back.
        window = settings.LOGIN_THROTTLE_WINDOW
        account_tries = count_up(account_key, window)
        address_tries = count_up(address_key, window)
        if account_tries > settings.LOGIN_THROTTLE_PER_ACCOUNT:
            raise forms.ValidationError(
                f"Too many failed logins for this account. Wait up to {minutes} minutes, "
                "or ask an admin to reset your password.",
                code="throttled",
            )
        if address_tries > settings.LOGIN_THROTTLE_PER_ADDRESS:
            raise forms.ValidationError(
                f"Too many failed logins from this network address. Wait up to {minutes} "
                "minutes before trying again.",
                code="throttled",
            )
        cleaned = super().clean()  # raises on a wrong password: the counts stand
        cache.delete(account_key)
        _unbump(address_key)
        return cleaned


class ThrottledLoginForm(ThrottledLoginMixin, LoginForm):
    """allauth's sign-in form (username or e-mail address), throttled."""
