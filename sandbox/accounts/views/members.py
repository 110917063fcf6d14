"""`/team/members/`: accounts, roles, second factor, and invitations (staff only)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from sandbox.accounts import invitations
from sandbox.accounts.forms import InviteForm
from sandbox.accounts.members import invitations_waiting, members_list
from sandbox.accounts.models import Invitation
from sandbox.accounts.roles import may_manage_members


def _require_staff(user) -> None:
    if not may_manage_members(user):
        raise PermissionDenied("Only staff invite people and see the members. Ask an admin.")


@never_cache
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest) -> HttpResponse:
    _require_staff(request.user)
    form = InviteForm(request.POST or None)
    results = []
    if request.method == "POST" and form.is_valid():
        results = invitations.invitations_create(
            form.cleaned_data["emails"], form.cleaned_data["role"], request.user
        )
        form = InviteForm()
    context = {
        "form": form,
        "results": results,
        "members": members_list(),
        "invitations": invitations_waiting(),
    }
    return render(request, "accounts/members.html", context)


@require_POST
def invitation_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require_staff(request.user)
    if action not in ("revoke", "resend"):
        raise Http404("No such action.")
    invitation = get_object_or_404(Invitation, pk=pk)
    if action == "revoke":
        invitations.invitation_revoke(invitation)
        messages.success(request, f"Invitation for {invitation.email} withdrawn.")
    else:
        try:
            invitations.invitation_resend(invitation)
            messages.success(request, f"Invitation for {invitation.email} sent again.")
        except (invitations.InvitationGone, invitations.MailFailed) as exc:
            messages.error(request, exc.message)
    return redirect("accounts:members")
