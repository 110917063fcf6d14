"""Every API error as `application/problem+json` (RFC 9457), in the form's own words.

Each problem has a `code` (one of `KINDS`, stable for scripts), a `title` (the same for
every problem of that code), a `detail` (what happened and what to do: the message the
form would show), and a `type` URI pointing at its entry on the API's docs page.
`problem_for` is the one place where a service's error becomes an HTTP status
(docs/decisions.md, "JSON API").
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from sandbox.errors import (
    CreateInProgress,
    CreateOutcomeUnknown,
    KapsoBudgetUnavailable,
    KapsoError,
    KapsoQuotaError,
    KapsoRateLimitedError,
    KapsoTimeoutError,
    ServiceError,
)
from sandbox.sessions import DUPLICATE_WINDOW_SECONDS

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/problem+json"
# How long to come back after the budget's cache was unreachable (the page says "a minute").
OUTAGE_RETRY_SECONDS = 60


@dataclass(frozen=True)
class Kind:
    status: int
    title: str
    # For the docs page: when it happens and what to do.
    about: str
    # Whether its answer may carry Retry-After (the schema declares the header from this).
    retry_after: bool = False


KINDS: dict[str, Kind] = {
    "invalid_request": Kind(
        400,
        "The request is not valid",
        "A field or parameter is missing, of the wrong type or out of range, or the body is "
        "not JSON. `errors` lists each problem as {field, message}. Fix it and send again.",
    ),
    "invalid_phone": Kind(
        400,
        "That is not a phone number WhatsApp can use",
        "The phone number could not be read (any human format works, with its country "
        "code). The detail says why, as the form does.",
    ),
    "unknown_agent": Kind(
        400,
        "Unknown agent",
        "Kapso's agent list has no agent of that id. GET /api/v1/agents lists them.",
    ),
    "token_missing": Kind(401, "No API token", "Send `Authorization: Bearer <token>`."),
    "token_invalid": Kind(
        401, "Unknown API token", "The token is mistyped or not from this dashboard."
    ),
    "token_revoked": Kind(401, "API token revoked", "Make a new token on /settings/tokens/."),
    "token_expired": Kind(401, "API token expired", "Make a new token on /settings/tokens/."),
    "account_inactive": Kind(
        401, "Account deactivated", "The token's owner can no longer log in, nor use tokens."
    ),
    "read_only_token": Kind(
        403,
        "This token is read-only",
        "Creating and renewing sessions needs a token made with “read and create sessions”.",
    ),
    "not_found": Kind(
        404,
        "Not found",
        "No such address, or no session of that id among those the token's owner may see "
        "(another person's session is not found, not forbidden).",
    ),
    "method_not_allowed": Kind(405, "Method not allowed", "The `Allow` header lists the methods."),
    "body_too_large": Kind(
        413,
        "The request body is too large",
        "The body is over the dashboard's limit (Django's DATA_UPLOAD_MAX_MEMORY_SIZE, "
        "2.5 MB unless changed); an ensure body is a few hundred bytes. Nothing was done.",
    ),
    "in_progress": Kind(
        409,
        "The same request is still running",
        "Another request with the same Idempotency-Key (or the same phone and agent) is still "
        "waiting for Kapso. Send it again after `Retry-After` seconds for its answer.",
        retry_after=True,
    ),
    "outcome_unknown": Kind(
        409,
        "Kapso may have made it already",
        "A moment ago the same request lost Kapso's answer, so whether Kapso made the "
        "session is unknown. It is not asked again until `Retry-After` seconds have passed, "
        "so no second session is made by mistake.",
        retry_after=True,
    ),
    "session_taken": Kind(
        409,
        "The session belongs to someone else",
        "Kapso's answer was lost and the only matching session is another teammate's. Try again.",
    ),
    "session_expired": Kind(
        409,
        "The session has expired",
        "It can no longer become active: renew it (POST …/renew) for a fresh code.",
    ),
    "idempotency_key_reused": Kind(
        422,
        "Idempotency-Key reused for another request",
        "The key was used in the last 24 hours for a request with another method, path or "
        "body. Use a new key for a new request.",
    ),
    "quota": Kind(
        429,
        "Kapso budget used up",
        "Your share of the team's Kapso calls this minute, or the team's, is used up. "
        "Nothing was sent to Kapso. Wait `Retry-After` seconds.",
        retry_after=True,
    ),
    "kapso_rate_limited": Kind(
        429,
        "Kapso is rate-limiting the dashboard",
        "Kapso refused the call with its own 429. Wait `Retry-After` seconds.",
        retry_after=True,
    ),
    "internal_error": Kind(
        500,
        "Something went wrong in the dashboard",
        "A bug: it is logged under the response's X-Request-ID. Nothing of your request "
        "can be assumed done.",
    ),
    "kapso_error": Kind(
        502,
        "Kapso failed",
        "Kapso refused the dashboard's key, refused the request, had a server error, sent "
        "an answer that makes no sense, or could not be reached. `kapso_kind` says which; "
        "the detail says what to do. With `outcome_unknown: true`, Kapso may have made the "
        "session: it appears in the history after the next sync.",
        retry_after=True,
    ),
    "budget_unavailable": Kind(
        503,
        "Limits cannot be checked",
        "The dashboard cannot reach its cache (Redis), so it refuses to call Kapso "
        "unchecked. Try again after `Retry-After` seconds.",
        retry_after=True,
    ),
    "service_unavailable": Kind(
        503,
        "The dashboard cannot reach its database or cache",
        "Nothing was done. Try again after `Retry-After` seconds.",
        retry_after=True,
    ),
    "kapso_timeout": Kind(
        504,
        "Kapso did not answer in time",
        "With `outcome_unknown: true` Kapso may still have made the session; ensure again "
        "(after `Retry-After` if given) and it is found if the next sync brought it in.",
        retry_after=True,
    ),
}


class ApiProblem(Exception):
    """Raised anywhere under the API; answered as problem+json by `response`."""

    def __init__(
        self,
        code: str,
        detail: str,
        *,
        retry_after: int | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.kind = KINDS[code]
        self.code = code
        self.detail = detail
        self.retry_after = retry_after
        self.headers = dict(headers or {})
        self.extra = extra

    @property
    def status(self) -> int:
        return self.kind.status


def type_uri(code: str) -> str:
    return f"{reverse('api:docs')}#problem-{code}"


def response(request: HttpRequest, problem: ApiProblem) -> HttpResponse:
    body: dict[str, Any] = {
        "type": type_uri(problem.code),
        "title": problem.kind.title,
        "status": problem.status,
        "detail": problem.detail,
        "code": problem.code,
        "instance": request.path,
    }
    if problem.retry_after is not None:
        body["retry_after"] = problem.retry_after
    body.update(problem.extra)
    answer = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=problem.status, content_type=CONTENT_TYPE
    )
    if problem.retry_after is not None:
        answer["Retry-After"] = str(problem.retry_after)
    for name, value in problem.headers.items():
        answer[name] = value
    # An answer about one request and one token: no cache may keep it.
    answer["Cache-Control"] = "no-store"
    return answer


def problem_for(exc: KapsoError | ServiceError) -> ApiProblem:
    """The problem for a service's error; its message is the detail, as on the form."""
    if isinstance(exc, KapsoQuotaError):
        return ApiProblem("quota", exc.message, retry_after=exc.retry_after, whose=exc.whose)
    if isinstance(exc, KapsoRateLimitedError):
        return ApiProblem("kapso_rate_limited", exc.message, retry_after=exc.retry_after)
    if isinstance(exc, KapsoBudgetUnavailable):
        return ApiProblem("budget_unavailable", exc.message, retry_after=OUTAGE_RETRY_SECONDS)
    if isinstance(exc, KapsoTimeoutError):
        return ApiProblem("kapso_timeout", exc.message, outcome_unknown=exc.maybe_sent)
    if isinstance(exc, KapsoError):
        return ApiProblem(
            "kapso_error", exc.message, kapso_kind=exc.kind, outcome_unknown=exc.maybe_sent
        )
    if isinstance(exc, CreateOutcomeUnknown):
        if exc.cause is None:  # a repeat, refused while the first one's outcome is unknown
            return ApiProblem(
                "outcome_unknown", exc.message, retry_after=getattr(exc, "retry_after", None)
            )
        # The create's own guard refuses the same phone and agent for this long, so no
        # second session is made while Kapso may still have the first.
        held = DUPLICATE_WINDOW_SECONDS
        if isinstance(exc.cause, KapsoTimeoutError):
            return ApiProblem("kapso_timeout", exc.message, retry_after=held, outcome_unknown=True)
        return ApiProblem(
            "kapso_error",
            exc.message,
            retry_after=held,
            kapso_kind=exc.cause.kind,
            outcome_unknown=True,
        )
    if isinstance(exc, CreateInProgress):
        return ApiProblem("in_progress", exc.message, retry_after=1)
    code = {
        "key_reused": "idempotency_key_reused",
        "taken": "session_taken",
        "unknown_agent": "unknown_agent",
    }.get(exc.kind)
    if code is None:  # a service error this table does not know yet: still a clear answer
        logger.error("API: no problem code for service error kind %r", exc.kind)
        return ApiProblem("internal_error", exc.message)
    return ApiProblem(code, exc.message)
