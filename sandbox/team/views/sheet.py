"""`/onboard/<batch>/sheet/`: one printable page, a card per tester and agent."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from sandbox.phones import format_phone
from sandbox.presenters import inline_qr
from sandbox.team.access import batches_visible_to, manager_page
from sandbox.team.models import DONE_STATES


@manager_page("GET")  # phone numbers and codes
def batch_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(batches_visible_to(request.user), pk=pk)
    pairs = (
        batch.pairs.filter(state__in=DONE_STATES, session__isnull=False, tester__isnull=False)
        .select_related("tester", "session__agent")
        .order_by("tester__name", "tester__pk", "pk")
    )
    cards = [
        {
            "tester": pair.tester,
            "phone": format_phone(pair.tester.phone_number),
            "session": pair.session,
            "qr": inline_qr(pair.session),
        }
        for pair in pairs
        if not pair.session.is_expired()
    ]
    return render(
        request,
        "team/sheet.html",
        {"batch": batch, "cards": cards, "missing": batch.pairs.count() - len(cards)},
    )
