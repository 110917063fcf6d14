"""Share links: start or revoke one (the session's manager), and the public page it opens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from sandbox import sharing
from sandbox.access import can_manage, sessions_visible_to
from sandbox.presenters import inline_qr


@require_POST
def session_share(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(sessions_visible_to(request.user), pk=pk)
    if not can_manage(request.user, session):
        raise Http404
    if request.POST.get("action") == "revoke":
        sharing.share_link_revoke(session)
        messages.success(request, "Share link revoked: it no longer opens anything.")
    elif session.is_expired():
        messages.error(request, "This session has expired: renew it, then share the new one.")
    else:
        sharing.share_link_create(session)
        messages.success(
            request,
            "Share link ready. Anyone with it can see the QR code until the session expires.",
        )
    return redirect(session)


@login_not_required
@never_cache
@require_GET
def shared_session(request: HttpRequest, token: str) -> HttpResponse:
    session = sharing.shared_session(token)
    if session is None:
        response = render(request, "sandbox/shared_gone.html", status=404)
    else:
        context = {"session": session, "qr_svg": inline_qr(session)}
        response = render(request, "sandbox/shared.html", context)
    # The token is the secret: keep it out of Referer headers sent to wa.me, and the page
    # (a phone number's activation code) out of search engines that find the link.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response
