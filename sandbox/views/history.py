"""The history page: every session the user may see, filtered and paged."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sandbox import history
from sandbox.models import Agent

HISTORY_PAGE_SIZE = 25


@never_cache  # phone numbers and codes: kept by no proxy and no back button
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    agent_id = request.GET.get("agent", "")
    phone = request.GET.get("phone", "")
    sessions = history.history_rows(  # "by API, token …" in the row too, no query each
        history.session_history(request.user, status=status, agent_id=agent_id, phone=phone)
    )
    paginator = Paginator(sessions, HISTORY_PAGE_SIZE)
    # Counting a large history costs more than the page; the count is cached until a write.
    paginator.count = history.history_count(request.user, sessions, (status, agent_id, phone))
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "sandbox/list.html",
        {
            "page": page,
            "status": status,
            "agent_id": agent_id,
            "phone": phone,
            "statuses": history.statuses_in_history(request.user),
            "agents": Agent.objects.only("kapso_id", "name"),
            "show_creator": request.user.is_staff,
        },
    )
