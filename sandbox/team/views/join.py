"""`/join/<secret>/`: the public page a tester group's link opens, on a phone, no login.

Thin: the form checks what was typed, joining.py decides (token, address, limits, session).
Every outcome is a page a person can read: a closed, ended or full link, a rotated URL, a
form sent without its page, the joins' budget used up. Never an error page.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sandbox.phones import format_phone
from sandbox.presenters import inline_qr
from sandbox.team import groups, joining
from sandbox.team.group_forms import JoinForm
from sandbox.team.models import TesterGroup
from sandbox.web.login_throttle import client_address

# Pages for a link that admits nobody now, and the HTTP status each is sent with.
STATE_PAGES = {
    groups.CLOSED: 200,
    groups.ENDED: 200,
    groups.FULL: 200,
    "gone": 404,
    "address": 429,
}


def _state_page(request: HttpRequest, state: str, group: TesterGroup | None) -> HttpResponse:
    return render(
        request,
        "team/join_closed.html",
        {"state": state, "group": group},
        status=STATE_PAGES[state],
    )


def _form_page(
    request: HttpRequest, group: TesterGroup, form: JoinForm, *, message: str = "", status=200
) -> HttpResponse:
    # A fresh page token every time the form is shown: what was typed is kept, the clock
    # for the minimum fill time restarts.
    data = form.data.copy() if form.is_bound else None
    if data is not None:
        data["page"] = joining.page_token(group)
        form.data = data
    else:
        form.initial["page"] = joining.page_token(group)
    context = {"group": group, "form": form, "message": message}
    return render(request, "team/join.html", context, status=status)


@login_not_required
@never_cache  # a code and a phone number: kept by no proxy and no back button
@require_http_methods(["GET", "POST"])
def join_page(request: HttpRequest, secret: str) -> HttpResponse:
    group = joining.find_link(secret)
    if group is None:
        return _state_page(request, "gone", None)
    state = groups.link_state(group)
    if state != groups.OPEN:
        return _state_page(request, state, group)
    agents = groups.group_agents(group)
    form = JoinForm(request.POST or None, group=group, agents=agents)
    if request.method != "POST":
        return _form_page(request, group, form)
    if not form.is_valid():
        return _form_page(request, group, form, status=400)
    refused = joining.check_page_token(group, form.cleaned_data["page"])
    if refused:
        return _form_page(request, group, form, message=refused, status=400)
    if not joining.address_allowed(group, client_address(request)):
        return _state_page(request, "address", group)
    return _joined(request, group, form)


def _joined(request: HttpRequest, group: TesterGroup, form: JoinForm) -> HttpResponse:
    data = form.cleaned_data
    outcome = joining.join(
        group, name=data["name"], phone=data["phone"], email=data["email"], agent_id=data["agent"]
    )
    if outcome.kind in STATE_PAGES:
        return _state_page(request, outcome.kind, group)
    if outcome.kind != joining.JOINED:
        # Busy (the joins' share of the budget) or Kapso said no: the form again, as typed.
        status = 429 if outcome.kind == joining.BUSY else 200
        return _form_page(request, group, form, message=outcome.message, status=status)
    session = outcome.session
    contact = settings.TEAM_JOIN_CONTACT_EMAIL or (group.created_by and group.created_by.email)
    context = {
        "group": group,
        "session": session,
        "qr_svg": inline_qr(session),
        "phone_display": format_phone(session.phone_number),
        "contact": contact,
    }
    return render(request, "team/join_done.html", context)
