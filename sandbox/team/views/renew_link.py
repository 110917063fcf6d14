"""`/renew/<token>/`: the reminder's renew link. No login: the tester may have no account.

GET only shows a confirm button, so a mail scanner that follows the link renews nothing.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sandbox.errors import USER_FACING_ERRORS
from sandbox.presenters import inline_qr
from sandbox.team import reminders


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def renew_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        reminder = reminders.reminder_for_token(token)
    except reminders.LinkDead as exc:
        return render(request, "team/renew_gone.html", {"message": exc.message}, status=410)
    session = reminder.session
    if request.method == "POST":
        try:
            new = reminders.renew_from_link(token)
        except reminders.LinkDead as exc:
            return render(request, "team/renew_gone.html", {"message": exc.message}, status=410)
        except USER_FACING_ERRORS as exc:
            return render(
                request, "team/renew_confirm.html", {"session": session, "error": exc.message}
            )
        return render(
            request,
            "team/renew_done.html",
            {"session": new, "qr_svg": inline_qr(new), "mailed_to": reminder.recipient},
        )
    return render(request, "team/renew_confirm.html", {"session": session})
