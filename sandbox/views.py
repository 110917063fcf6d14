"""Thin views: bind a form, call a service, redirect; or read and render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from sandbox import selectors, services
from sandbox.forms import SandboxSessionForm
from sandbox.kapso_errors import KapsoError
from sandbox.models import Agent
from sandbox.phones import format_phone
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
            session = services.sandbox_session_create(user=request.user, **form.cleaned_data)
        except KapsoError as exc:
            form.add_error(None, exc.message)
        else:
            return redirect(session)
    recent = selectors.sessions_visible_to(request.user).filter(created_by=request.user)[:5]
    return render(
        request,
        "sandbox/create.html",
        {"form": form, "agent_error": choices.error, "recent_sessions": recent},
    )


@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(selectors.sessions_visible_to(request.user), pk=pk)
    # The SVG is built by qrcode's XML writer from a link the parser has vetted.
    svg = mark_safe(qr_svg(session.activation_link, label=_qr_label(session)))  # noqa: S308
    return render(
        request,
        "sandbox/detail.html",
        {"session": session, "qr_svg": svg, "phone_display": format_phone(session.phone_number)},
    )


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
    page = Paginator(sessions, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
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
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # any database failure means "not healthy", whatever its type
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _qr_label(session) -> str:
    return f"QR code that opens WhatsApp with the activation code {session.activation_code}"


def _file_stem(session) -> str:
    code = "".join(ch for ch in session.activation_code if ch.isalnum())[:16]
    return f"kapso-sandbox-{code or session.pk}"


def _download(body: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
