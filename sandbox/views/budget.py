"""`/budget/`: staff see this minute's use of the team's Kapso budget."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sandbox.access import staff_required
from sandbox.gateway import Priority, quota


@staff_required
@never_cache
@require_GET
def budget(request: HttpRequest) -> HttpResponse:
    limiter = quota()
    usage = limiter.usage() if limiter is not None else None
    ceilings = (
        {p.name.lower(): limiter.policy.ceiling(p, usage.limit) for p in Priority}
        if limiter is not None
        else {}
    )
    return render(
        request,
        "sandbox/budget.html",
        {"usage": usage, "policy": limiter.policy if limiter else None, "ceilings": ceilings},
    )
