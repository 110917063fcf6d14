"""The door: `GET /metrics` for Prometheus (no login; a bearer token or an allowed address)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from sandbox.metrics import access
from sandbox.metrics.exposition import scrape


@login_not_required
@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not access.enabled():
        raise Http404("Metrics are off")
    if not access.allowed(request):
        response = HttpResponse("A valid bearer token is required.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body, content_type = scrape()
    return HttpResponse(body, content_type=content_type)
