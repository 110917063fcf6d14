"""Turns whatever an API request raises into a problem+json answer (problems.py).

Installed on the NinjaAPI in api.py: our own `ApiProblem`, a refused token, the services'
errors, django-ninja's validation and parse errors, a body over the size limit (413), and,
last, anything unexpected (a 500 that says nothing of the code, or a 503 when the database
or the cache is down).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError

from sandbox.api import problems
from sandbox.api.problems import ApiProblem
from sandbox.api.tokens import TokenRefused
from sandbox.errors import KapsoError, ServiceError
from sandbox.web.outages import CACHE_DOWN, DATABASE_DOWN, what_is_down

logger = logging.getLogger(__name__)

# Pydantic's words for the commonest mistakes, said plainly.
PLAIN_WORDS = {
    "missing": "This field is required.",
    "extra_forbidden": "There is no such field.",
    "string_type": "This must be a string.",
    "int_type": "This must be a whole number.",
    "int_parsing": "This must be a whole number.",
    "int_from_float": "This must be a whole number.",
    "model_type": "The body must be a JSON object.",
    "model_attributes_type": "The body must be a JSON object.",
    "dict_type": "The body must be a JSON object.",
    "json_invalid": "The body is not valid JSON.",
}
# Errors listed in a 400's `detail`; all of them are in `errors`.
DETAIL_ERRORS = 3


def install(api: NinjaAPI) -> None:
    api.add_exception_handler(ApiProblem, problems.response)
    api.add_exception_handler(TokenRefused, _token_refused)
    api.add_exception_handler(KapsoError, _service_error)
    api.add_exception_handler(ServiceError, _service_error)
    api.add_exception_handler(ValidationError, _invalid)
    api.add_exception_handler(HttpError, _http_error)
    api.add_exception_handler(Http404, _not_found)
    api.add_exception_handler(RequestDataTooBig, _too_big)
    api.add_exception_handler(Exception, _unexpected)


def _token_refused(request: HttpRequest, exc: TokenRefused) -> HttpResponse:
    # RFC 6750: a refused bearer token says so in WWW-Authenticate too.
    error = "" if exc.reason == "token_missing" else ', error="invalid_token"'
    challenge = f'Bearer realm="api"{error}'
    return problems.response(
        request, ApiProblem(exc.reason, exc.message, headers={"WWW-Authenticate": challenge})
    )


def _service_error(request: HttpRequest, exc: KapsoError | ServiceError) -> HttpResponse:
    return problems.response(request, problems.problem_for(exc))


def field_errors(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    """django-ninja's validation errors as [{field, message}], in plain words."""
    found = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        if loc[:1] == ["body"]:
            # ("body", <the view's parameter>, field...): the parameter's name means nothing
            # to the caller.
            loc = loc[2:] or ["body"]
        elif loc[:1] in (["query"], ["path"], ["header"]):
            loc = loc[1:] or loc
        message = PLAIN_WORDS.get(error.get("type", ""), error.get("msg", "Not valid."))
        found.append({"field": ".".join(loc) or "body", "message": message})
    return found


def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = field_errors(exc.errors)
    said = " ".join(f"{e['field']}: {e['message']}" for e in errors[:DETAIL_ERRORS])
    more = f" (and {len(errors) - DETAIL_ERRORS} more)" if len(errors) > DETAIL_ERRORS else ""
    detail = f"{said}{more}" or "The request is not valid."
    return problems.response(request, ApiProblem("invalid_request", detail, errors=errors))


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # django-ninja could not parse the body
        detail = (
            "The body is not valid JSON: send a JSON object with Content-Type: application/json."
        )
        return problems.response(request, ApiProblem("invalid_request", detail))
    if exc.status_code == 401:
        return _token_refused(request, TokenRefused("token_missing", str(exc)))
    logger.error("API: unexpected HttpError %s %s", exc.status_code, exc)
    return problems.response(request, ApiProblem("internal_error", "Something went wrong."))


def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE; the catch-all below
    # would call that a bug (500). Outside the API Django's own 400 page stays.
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    detail = (
        f"The request body is over the dashboard's limit of {limit:,} bytes; nothing was "
        "done. An ensure body is a phone number and an agent id."
    )
    return problems.response(request, ApiProblem("body_too_large", detail, limit_bytes=limit))


def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problems.response(request, not_found())


def not_found() -> ApiProblem:
    return ApiProblem(
        "not_found",
        "There is no such session among the sessions your token may see (another person's "
        "sessions are only visible to staff).",
    )


def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    down = what_is_down(exc)
    if down is not None:
        logger.warning("API: the %s is unreachable: %s", down, exc)
        detail = DATABASE_DOWN if down == "database" else CACHE_DOWN
        return problems.response(
            request,
            ApiProblem("service_unavailable", detail, retry_after=problems.OUTAGE_RETRY_SECONDS),
        )
    logger.error("API: unexpected error", exc_info=exc)
    request_id = getattr(request, "request_id", "")
    return problems.response(
        request,
        ApiProblem(
            "internal_error",
            f"Something went wrong in the dashboard; it is logged under request id "
            f"{request_id}. Nothing of this request can be assumed done.",
        ),
    )
