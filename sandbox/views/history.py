"""The history page: every session the user may see, filtered and paged."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sandbox import history, page_cache
from sandbox.models import Agent

HISTORY_PAGE_SIZE = 25


@never_cache  # phone numbers and codes: kept by no proxy and no back button
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    filters = tuple(request.GET.get(name, "") for name in ("status", "agent", "phone", "page"))
    # Before any row is read (sandbox/page_cache.py says why), with the history version.
    kept = page_cache.lookup("history", (request.user.pk, *filters), also=(history.VERSION_KEY,))
    inputs = history.page_fingerprint(request, kept)
    html = kept.page(inputs) if inputs else None
    if html is None:
        one_time = page_cache.one_time_message(request)
        html, until = _made(request, *filters)
        if inputs and not one_time:
            kept.keep(html, inputs, until)
    return HttpResponse(page_cache.fill_csrf(request, html))


def _made(request: HttpRequest, status: str, agent_id: str, phone: str, number: str):
    """The page made from the database, and until when its words hold."""
    now = timezone.now()
    sessions = history.history_rows(  # "by API, token …" in the row too, no query each
        history.session_history(request.user, status=status, agent_id=agent_id, phone=phone)
    )
    paginator = Paginator(sessions, HISTORY_PAGE_SIZE)
    # Counting a large history costs more than the page; the count is cached until a write.
    paginator.count = history.history_count(request.user, sessions, (status, agent_id, phone))
    page = paginator.get_page(number)
    context = {
        "page": page,
        "status": status,
        "agent_id": agent_id,
        "phone": phone,
        "statuses": history.statuses_in_history(request.user),
        "agents": Agent.objects.only("kapso_id", "name"),
        "show_creator": request.user.is_staff,
        "csrf_token": page_cache.csrf_placeholder(),
    }
    html = render_to_string("sandbox/list.html", context, request)
    return html, history.page_valid_until(request.user, page.object_list, status, now)
