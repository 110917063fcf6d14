"""A session's page, its live status, its state part, and its QR code as downloads."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sandbox import page_cache, qr, session_page, watching
from sandbox.access import sessions_visible_to
from sandbox.gateway import watcher
from sandbox.presenters import qr_label, status_payload
from sandbox.qr import qr_png, qr_svg
from sandbox.session_page import state_context


def _shown(request: HttpRequest):
    # Kapso's stored answer is never shown on the page: not read, not parsed.
    return sessions_visible_to(request.user).defer("raw_payload")


@never_cache  # a phone number and its code: kept by no proxy and no back button
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Before the session is read: a page made from data read before an erasure is then
    # sealed under the secret that erasure forgets (sandbox/page_cache.py).
    # Its code is asked for in the same round trip: a page made now needs it.
    kept = page_cache.lookup("session", (pk, request.user.pk), also=(qr.kept_key(pk),))
    html = session_page.kept_page(request, pk, kept)
    if html is None:
        session = session_page.read(request, pk)
        if session is None:
            raise Http404("No session matches the given query.")
        html = session_page.page(request, session, kept)
    return HttpResponse(html)


@never_cache
@require_GET
def session_state_part(request: HttpRequest, pk: int) -> HttpResponse:
    """The state part of the session page alone: the page swaps it in, whole, when the
    status endpoint says the state changed. Reads the database only (the poll refreshed it)."""
    session = get_object_or_404(_shown(request), pk=pk)
    return render(request, "sandbox/_session_state.html", state_context(request, session))


@never_cache
@require_GET
def session_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Polled by the session page while the session may still change."""
    session = get_object_or_404(sessions_visible_to(request.user), pk=pk)
    watched = watching.sandbox_session_refresh_throttled(session, caller=watcher(request.user))
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
