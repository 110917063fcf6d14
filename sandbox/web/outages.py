"""When the database or the shared cache is down: a 503 page that says which, not a 500.

Django hands every uncaught exception to `handler500`; this one looks at the exception
being handled. A database or cache that cannot be reached is an outage, not a bug: the
page says what is down and to try again in a minute, and nothing is retried behind the
person's back. The page is rendered without the request's context processors, which
would need the very database and cache that are down.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.templatetags.static import static

from sandbox.errors import KapsoBudgetUnavailable

logger = logging.getLogger(__name__)

CACHE_DOWN = (
    "The dashboard cannot reach its cache (Redis), so it cannot check limits; try again in a "
    "minute."
)
DATABASE_DOWN = (
    "The dashboard cannot reach its database, so nothing could be read or saved (what you "
    "typed included): go back and send it again in a minute."
)


def _cache_errors() -> tuple[type[BaseException], ...]:
    try:
        import redis
    except ImportError:  # the local-memory cache cannot be "down"
        return (KapsoBudgetUnavailable,)
    return (KapsoBudgetUnavailable, redis.exceptions.ConnectionError, redis.exceptions.TimeoutError)


def what_is_down(exc: BaseException | None) -> str | None:
    """ "database", "cache" or None for `exc` (or what caused it)."""
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, OperationalError | InterfaceError):
            return "database"
        if isinstance(exc, _cache_errors()):
            return "cache"
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def _stylesheet() -> str:
    """The dashboard's stylesheet, so the page looks like the dashboard: a static file,
    needing neither the database nor the cache. None if even that cannot be named (a
    missing manifest must not turn the error page itself into an error)."""
    try:
        return static("css/app.css")
    except Exception:
        logger.warning("stylesheet unavailable for the error page", exc_info=True)
        return ""


def server_error(request: HttpRequest) -> HttpResponse:
    down = what_is_down(sys.exception())
    if down is None:
        body = loader.get_template("500.html").render({"stylesheet": _stylesheet()})
        return HttpResponse(body, status=500)
    logger.error("%s unreachable while serving %s", down, request.path)
    message = CACHE_DOWN if down == "cache" else DATABASE_DOWN
    body = loader.get_template("outage.html").render(
        {"message": message, "stylesheet": _stylesheet()}
    )
    response = HttpResponse(body, status=503)
    response["Retry-After"] = "60"
    return response
