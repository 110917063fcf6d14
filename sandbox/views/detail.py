"""A session's page, its live status, and its QR code as downloads."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sandbox import sessions, sharing
from sandbox.access import can_manage, sessions_visible_to
from sandbox.gateway import watcher
from sandbox.phones import format_phone
from sandbox.presenters import inline_qr, qr_label, status_payload, status_text
from sandbox.qr import qr_png, qr_svg


@never_cache  # a phone number and its code: kept by no proxy and no back button
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Kapso's stored answer is never shown here: not read, not parsed.
    session = get_object_or_404(sessions_visible_to(request.user).defer("raw_payload"), pk=pk)
    token = sharing.share_token(session)
    headline, detail = status_text(session)
    share_url = (
        request.build_absolute_uri(reverse("sandbox:shared", args=[token])) if token else None
    )
    return render(
        request,
        "sandbox/detail.html",
        {
            "session": session,
            "qr_svg": inline_qr(session),
            "phone_display": format_phone(session.phone_number),
            "status_headline": headline,
            "status_detail": detail,
            "share_url": share_url,
            "can_share": can_manage(request.user, session),
        },
    )


@never_cache
@require_GET
def session_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Polled by the session page while the session may still change."""
    session = get_object_or_404(sessions_visible_to(request.user), pk=pk)
    watched = sessions.sandbox_session_refresh_throttled(session, caller=watcher(request.user))
    payload = status_payload(watched.session, error=watched.error)
    payload["retry_in"] = watched.retry_in
    return JsonResponse(payload)


@never_cache
@require_GET
def session_qr_svg(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(sessions_visible_to(request.user), pk=pk)
    svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + qr_svg(
        session.activation_link, label=qr_label(session)
    )
    return _download(svg.encode(), "image/svg+xml", f"{_file_stem(session)}.svg")


@never_cache
@require_GET
def session_qr_png(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(sessions_visible_to(request.user), pk=pk)
    return _download(qr_png(session.activation_link), "image/png", f"{_file_stem(session)}.png")


def _file_stem(session) -> str:
    code = "".join(ch for ch in session.activation_code if ch.isalnum())[:16]
    return f"kapso-sandbox-{code or session.pk}"


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
