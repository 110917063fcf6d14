"""`/privacy/`: what the dashboard keeps about people, for anyone (testers have no login)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sandbox.privacy import notice


@login_not_required
@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "sandbox/privacy.html", {"notice": notice.notice()})
