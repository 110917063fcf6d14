"""Sessions: ensure, read one, list (the history's rows and filters), renew."""

from __future__ import annotations

import math
from typing import Annotated
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Field, Header, Query, Router, Schema, Status
from pydantic import WithJsonSchema

from sandbox import history, sessions
from sandbox.api import idempotent
from sandbox.api.auth import require_write
from sandbox.api.models import ApiToken
from sandbox.api.origins import record_origin
from sandbox.api.present import session_out
from sandbox.api.problems import ApiProblem
from sandbox.api.schemas import EnsureIn, EnsureOut, SessionOut, SessionPage, Text
from sandbox.api.views.common import only_query, visible_session
from sandbox.api.views.problem_codes import problem_responses
from sandbox.ensure import ensure_session
from sandbox.phones import InvalidPhoneNumber, normalize_phone

router = Router(tags=["sessions"])

IDEMPOTENCY_KEY = Header(
    None,
    alias=idempotent.HEADER,
    description="Any unique string (a UUID, a CI run id): a repeat within 24 hours gets the "
    "first answer instead of doing the work again.",
)
# Checked by idempotent.py, which says what is wrong in words; the schema says it too. The
# header is optional (absent, not null: a header cannot be null), so the schema is the
# string's alone: declared nullable, generated clients sent or choked on "None".
OptionalIdempotencyKey = Annotated[
    str | None,
    WithJsonSchema({"type": "string", "pattern": idempotent.KEY_PATTERN.pattern, "maxLength": 255}),
]


@router.post(
    "/ensure",
    response={200: EnsureOut, 201: EnsureOut, **problem_responses("ensure_session")},
    url_name="ensure",
    operation_id="ensure_session",
    summary="The live session for a phone and an agent, made if there is none",
    description="A live session (active, or pending with enough time left to scan) for this "
    "phone and agent among the sessions your token may see is answered with 200 and no call "
    "to Kapso; otherwise Kapso makes one (201), charged to your share of the team's Kapso "
    "budget. The session shows in the history as made by API with the token's name.",
)
def ensure(
    request: HttpRequest,
    payload: EnsureIn,
    response: HttpResponse,
    idempotency_key: OptionalIdempotencyKey = IDEMPOTENCY_KEY,
):
    token = _writer(request)
    phone = _phone(payload.phone_number)

    def make():
        ensured = ensure_session(
            user=request.user, phone_number=phone, agent_id=payload.agent_id.strip()
        )
        return ensured.session, ensured.made, ensured.how

    return _made_once(request, response, idempotency_key, token, make)


@router.get(
    "/{int:session_id}",
    response={200: SessionOut, **problem_responses("get_session")},
    url_name="session",
    operation_id="get_session",
    summary="One session, as the dashboard last heard of it from Kapso",
)
def get_session(request: HttpRequest, session_id: int):
    only_query(request)
    return session_out(request, visible_session(request, session_id))


class Filters(Schema):
    phone: Text = Field("", description="Digits the phone number contains (any format).")
    agent: Text = Field("", description="Kapso's agent id.")
    status: Text = Field(
        "", description="As shown: pending_activation, active, expired, or another Kapso status."
    )
    page: int = Field(1, ge=1, le=1_000_000)
    per_page: int = Field(25, ge=1, le=100)


@router.get(
    "",
    response={200: SessionPage, **problem_responses("list_sessions")},
    url_name="sessions",
    operation_id="list_sessions",
    summary="The sessions your token may see, newest first, filtered as the history page is",
)
def list_sessions(request: HttpRequest, filters: Query[Filters]):
    only_query(request, *Filters.model_fields)
    found = history.session_history(
        request.user, status=filters.status, agent_id=filters.agent, phone=filters.phone
    ).select_related("api_origin")
    count = history.history_count(
        request.user, found, (filters.status, filters.agent, filters.phone)
    )
    start = (filters.page - 1) * filters.per_page
    rows = found[start : start + filters.per_page] if start < count else []
    total_pages = math.ceil(count / filters.per_page)

    def page_url(number: int) -> str | None:
        if not 1 <= number <= total_pages:
            return None
        query = {k: v for k, v in filters.dict().items() if v not in ("", None)}
        return request.build_absolute_uri(f"{request.path}?{urlencode({**query, 'page': number})}")

    return {
        "items": [session_out(request, session) for session in rows],
        "page": filters.page,
        "per_page": filters.per_page,
        "total_pages": total_pages,
        "total_count": count,
        "next": page_url(filters.page + 1),
        "previous": page_url(filters.page - 1),
    }


@router.post(
    "/{int:session_id}/renew",
    response={201: EnsureOut, 200: EnsureOut, **problem_responses("renew_session")},
    url_name="session_renew",
    operation_id="renew_session",
    summary="A fresh session for the same phone and agent (the old one stays in the history)",
)
def renew(
    request: HttpRequest,
    session_id: int,
    response: HttpResponse,
    idempotency_key: OptionalIdempotencyKey = IDEMPOTENCY_KEY,
):
    token = _writer(request)
    old = visible_session(request, session_id)

    def make():
        outcome = sessions.sandbox_session_renew(session=old, user=request.user)
        made = outcome.how != "duplicate"
        return outcome.session, made, outcome.how if made else "reused"

    return _made_once(request, response, idempotency_key, token, make)


def _writer(request: HttpRequest) -> ApiToken:
    """A write operation takes no query parameters and needs a token that may create."""
    only_query(request)
    return require_write(request)


def _made_once(request: HttpRequest, response: HttpResponse, idempotency_key, token, make):
    """`make()` at most once per key. A session it made (201) is recorded as the token's;
    one it found (200) keeps its own maker."""

    def work():
        session, made, how = make()
        if made:
            record_origin(session, token)
        return session, 201 if made else 200, how

    return _answer(request, response, idempotent.once(request, idempotency_key, work))


def _phone(raw: str) -> str:
    try:
        return normalize_phone(raw, settings.PHONE_DEFAULT_REGION)
    except InvalidPhoneNumber as exc:
        raise ApiProblem(
            "invalid_phone",
            exc.message,
            errors=[{"field": "phone_number", "message": exc.message}],
        ) from None


def _answer(request: HttpRequest, response: HttpResponse, answer: idempotent.Answer):
    # Read again through what the person may see now, with everything the body shows.
    session = visible_session(request, answer.session.pk)
    body = {**session_out(request, session), "outcome": answer.how}
    if answer.status == 201:
        response["Location"] = body["links"]["self"]
    if answer.replayed:
        response["Idempotent-Replayed"] = "true"
    return Status(answer.status, body)
