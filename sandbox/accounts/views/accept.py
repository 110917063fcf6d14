"""`/invitations/<token>/`: accept an invitation with a password, or through single sign-on.

Opened without a login (the person has no account yet). Choosing a single sign-on keeps the
link's secret in this browser's session so the sign-on may create the invited account.
"""

from __future__ import annotations

from allauth.account.utils import perform_login
from allauth.socialaccount.adapter import get_adapter
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sandbox.accounts import invitations
from sandbox.accounts.adapter import SESSION_INVITATION
from sandbox.accounts.forms import AcceptForm


def _gone(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "accounts/accept_gone.html", {"message": message}, status=410)


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = invitations.invitation_find(token)
    except invitations.InvitationGone as exc:
        return _gone(request, exc.message)
    if request.user.is_authenticated:
        return _gone(request, "You are signed in already. Sign out first to accept.")
    form = AcceptForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = invitations.invitation_accept(
                token, form.cleaned_data["username"], form.cleaned_data["password1"]
            )
        except (invitations.InvitationGone, invitations.AddressTaken) as exc:
            return _gone(request, exc.message)
        return perform_login(request, user, email_verification="none", redirect_url="/")
    request.session[SESSION_INVITATION] = token
    context = {
        "invitation": invitation,
        "form": form,
        "providers": get_adapter(request).list_providers(request),
    }
    return render(request, "accounts/accept.html", context)
