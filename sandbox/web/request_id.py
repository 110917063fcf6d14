"""A request id on every log line of a request, and on its response.

`RequestIdMiddleware` takes the caller's `X-Request-ID` when it is safe to log (a proxy or
load balancer usually sets one) or makes a new one, keeps it in a context variable for the
length of the request and returns it in the response's `X-Request-ID` header.
`RequestIdFilter`, on the log handler, copies it onto every record, so the Kapso client's
`kapso METHOD PATH -> STATUS` lines name the request that made them. `JsonFormatter` writes
one JSON object per line for `LOG_FORMAT=json`.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import uuid
from datetime import UTC, datetime

HEADER = "X-Request-ID"
NO_REQUEST = "-"
# Ids from outside are logged as they are, so only plain, short ones are taken: letters,
# digits and -_.:=+/ (UUIDs, hex, base64, `Root=1-...` trace ids); no spaces or newlines.
_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:=+/-]{0,127}")

_current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default=NO_REQUEST)


def safe_request_id(value: str | None) -> str | None:
    return value if value and _SAFE.fullmatch(value) else None


class RequestIdMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        request_id = safe_request_id(request.headers.get(HEADER)) or uuid.uuid4().hex
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            # Lines logged after the response (by the server, say) belong to no request.
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `record.request_id` (the current request's id, or "-") to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            request_id = _current.get()
            if request_id == NO_REQUEST:
                # Django logs 4xx/5xx answers ("Not Found: /x") after the middleware has
                # returned; those records carry the request itself.
                request_id = getattr(getattr(record, "request", None), "request_id", NO_REQUEST)
            record.request_id = request_id
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, request_id, message (and exception)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", NO_REQUEST),
            "message": record.getMessage(),
        }
        # exc_text may already be set, and redacted, by the RedactKapsoKey filter.
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)
