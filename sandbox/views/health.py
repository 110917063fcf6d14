"""`/healthz`: is this instance able to serve? For load balancers and monitors."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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
