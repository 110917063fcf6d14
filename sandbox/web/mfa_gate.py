"""The second-factor gate: someone who must have one (sandbox/accounts/second_factor.py)
reaches nothing but the pages that set one up, sign out or re-authenticate, until they
have one. It covers every page, the admin and the API-token page; the JSON API itself
answers to bearer tokens, never to the browser's session, so its rules are untouched."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect

from sandbox.accounts.second_factor import second_factor_missing

# allauth adds no factor while an address of the account is unverified, so the pages that
# verify one stay open too.
OPEN_URL_NAMES = {
    "account_logout",
    "account_login",
    "account_reauthenticate",
    "account_email",
    "account_confirm_email",
    "account_email_verification_sent",
    "healthz",
}
SETUP_MESSAGE = (
    "Your account can manage the team, so it needs a second factor: set up an "
    "authenticator app or a passkey before anything else."
)


def _open(request) -> bool:
    match = request.resolver_match
    name = match.url_name if match else ""
    return bool(name and (name.startswith("mfa_") or name in OPEN_URL_NAMES))


class SecondFactorGateMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/") or _open(request):
            return None
        if not second_factor_missing(request.user):
            return None
        if request.method == "GET":
            messages.warning(request, SETUP_MESSAGE)
        return redirect("mfa_index")
