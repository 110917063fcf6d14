"""Thin views: bind a form, call a service, redirect; or read and render."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sandbox import selectors, services, sharing
from sandbox.forms import SandboxSessionForm
from sandbox.kapso_errors import KapsoError
from sandbox.models import Agent
from sandbox.phones import format_phone
from sandbox.presenters import status_payload, status_text
from sandbox.qr import qr_png, qr_svg

HISTORY_PAGE_SIZE = 25


@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest) -> HttpResponse:
    reload_agents = request.POST.get("action") == "reload_agents"
    choices = services.agent_choices(force_refresh=reload_agents)
    if reload_agents:
        # The reload button sits in the create form so what was typed survives it.
        if choices.error is None:
            messages.success(request, f"Agent list reloaded from Kapso ({len(choices.agents)}).")
        form = SandboxSessionForm(initial=request.POST.dict(), agents=choices.agents)
    else:
        form = SandboxSessionForm(request.POST or None, agents=choices.agents)
    if request.method == "POST" and not reload_agents and form.is_valid():
        try:
            outcome = services.sandbox_session_create(user=request.user, **form.cleaned_data)
        except KapsoError as exc:
            form.add_error(None, exc.message)
        else:
            _say_how(request, outcome)
            return redirect(outcome.session)
    recent = selectors.sessions_visible_to(request.user).filter(created_by=request.user)[:5]
    return render(
        request,
        "sandbox/create.html",
        {"form": form, "agent_error": choices.error, "recent_sessions": recent},
    )


@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(selectors.sessions_visible_to(request.user), pk=pk)
    token = sharing.share_token(session)
    headline, detail = status_text(session)
    return render(
        request,
        "sandbox/detail.html",
        {
            "session": session,
            "qr_svg": _inline_qr(session),
            "phone_display": format_phone(session.phone_number),
            "status_headline": headline,
            "status_detail": detail,
            "share_url": request.build_absolute_uri(reverse("sandbox:shared", args=[token]))
            if token
            else None,
            "can_share": selectors.can_manage(request.user, session),
        },
    )


@never_cache
@require_GET
def session_status(request: HttpRequest, pk: int) -> JsonResponse:
    """Polled by the session page while the session may still change."""
    session = get_object_or_404(selectors.sessions_visible_to(request.user), pk=pk)
    session, error = services.sandbox_session_refresh_throttled(session)
    return JsonResponse(status_payload(session, error=error))


@require_POST
def session_renew(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(selectors.sessions_visible_to(request.user), pk=pk)
    try:
        outcome = services.sandbox_session_renew(session=session, user=request.user)
    except KapsoError as exc:
        messages.error(request, f"Could not renew: {exc.message}")
        return redirect(session)
    if outcome.how == "created":
        messages.success(request, "New session created for the same phone and agent.")
    _say_how(request, outcome)
    return redirect(outcome.session)


@require_POST
def session_share(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(selectors.sessions_visible_to(request.user), pk=pk)
    if not selectors.can_manage(request.user, session):
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
        return render(request, "sandbox/shared_gone.html", status=404)
    response = render(
        request, "sandbox/shared.html", {"session": session, "qr_svg": _inline_qr(session)}
    )
    # The token is the secret: keep it out of Referer headers sent to wa.me.
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_GET
def session_qr_svg(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(selectors.sessions_visible_to(request.user), pk=pk)
    svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + qr_svg(
        session.activation_link, label=_qr_label(session)
    )
    return _download(svg.encode(), "image/svg+xml", f"{_file_stem(session)}.svg")


@require_GET
def session_qr_png(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(selectors.sessions_visible_to(request.user), pk=pk)
    return _download(qr_png(session.activation_link), "image/png", f"{_file_stem(session)}.png")


@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    agent_id = request.GET.get("agent", "")
    phone = request.GET.get("phone", "")
    sessions = selectors.session_history(
        request.user, status=status, agent_id=agent_id, phone=phone
    )
    paginator = Paginator(sessions, HISTORY_PAGE_SIZE)
    # Counting a large history costs more than the page; the count is cached until a write.
    paginator.count = selectors.history_count(request.user, sessions, (status, agent_id, phone))
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "sandbox/list.html",
        {
            "page": page,
            "status": status,
            "agent_id": agent_id,
            "phone": phone,
            "statuses": selectors.statuses_in_history(request.user),
            "agents": Agent.objects.all(),
            "show_creator": request.user.is_staff,
        },
    )


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database and the cache both answer; 503 naming what is down."""
    checks = {"database": "ok", "cache": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "not healthy", whatever its type
        checks["database"] = "unavailable"
    try:  # a round trip through the shared cache (Redis in production)
        key, token = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
        cache.set(key, token, 10)
        if cache.get(key) != token:
            checks["cache"] = "unavailable"
        cache.delete(key)
    except Exception:  # a refused connection, a timeout, a full Redis: all "down"
        checks["cache"] = "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )


def _say_how(request: HttpRequest, outcome: services.CreateOutcome) -> None:
    if outcome.how == "adopted":
        messages.warning(
            request,
            "Kapso's answer was lost on the way, but Kapso had made the session: here it is.",
        )
    elif outcome.how == "duplicate":
        messages.info(request, "You asked for this a moment ago; here is that session.")


def _inline_qr(session) -> str:
    # The SVG is built by qrcode's XML writer from a link the parser has vetted.
    return mark_safe(qr_svg(session.activation_link, label=_qr_label(session)))  # noqa: S308


def _qr_label(session) -> str:
    return f"QR code that opens WhatsApp with the activation code {session.activation_code}"


def _file_stem(session) -> str:
    code = "".join(ch for ch in session.activation_code if ch.isalnum())[:16]
    return f"kapso-sandbox-{code or session.pk}"


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
