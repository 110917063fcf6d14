"""What the API accepts and answers, as Pydantic models: django-ninja validates requests with
them and writes the OpenAPI schema (`/api/v1/openapi.json`) from them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import AfterValidator, ConfigDict, Field

# No control characters and no lone surrogates: a NUL cannot be stored by PostgreSQL and a
# lone surrogate by any database, so they are refused here, with a message, rather than
# failing deeper down. The pattern tells clients (and schemathesis) the same; surrogates
# are left out of it, as no UTF-8 text can carry one and generators stumble on them.
PRINTABLE = r"^[^\u0000-\u001f\u007f]*$"


def _printable(value: str) -> str:
    if any(ord(ch) < 32 or ord(ch) == 127 or 0xD800 <= ord(ch) <= 0xDFFF for ch in value):
        raise ValueError("Control characters are not allowed here.")
    return value


Text = Annotated[str, AfterValidator(_printable), Field(json_schema_extra={"pattern": PRINTABLE})]


class EnsureIn(Schema):
    model_config = ConfigDict(extra="forbid")

    phone_number: Text = Field(
        description="The phone that will scan the code, in any common format with its "
        "country code (`+1 415-555-2671`, `0044 20 7946 0958`); numbers without one are "
        "read in the dashboard's PHONE_DEFAULT_REGION, as on the form.",
        examples=["+1 415 555 2671"],
    )
    agent_id: Text = Field(
        min_length=1,
        max_length=255,
        description="The Kapso agent's id, as GET /api/v1/agents lists it.",
        examples=["agent-support-01"],
    )


class AgentRef(Schema):
    id: str = Field(description="Kapso's agent id.")
    name: str


class Links(Schema):
    self: str
    page: str = Field(description="The session's page on the dashboard (needs a login).")
    qr_svg: str
    qr_png: str
    qr_txt: str
    wait: str = Field(description="Long poll until the session is active.")
    renew: str


class SessionOut(Schema):
    id: int = Field(description="The dashboard's id of the session (used in these URLs).")
    kapso_id: str
    phone_number: str = Field(description="E.164, e.g. +14155552671.")
    agent: AgentRef
    status: str = Field(
        description="As shown on the dashboard: `pending_activation`, `active`, `expired` "
        "(also once `expires_at` has passed) or any other status Kapso sent, as sent."
    )
    kapso_status: str = Field(description="The status exactly as Kapso last sent it.")
    live: bool = Field(
        description="Active, or pending with enough time left to scan: what ensure reuses."
    )
    activation_code: str
    activation_message: str
    activation_link: str = Field(description="https://wa.me/… with the code prefilled.")
    activated_at: datetime | None
    expires_at: datetime | None
    created_at: datetime
    created_by: str | None = Field(description="Username; null if made outside the dashboard.")
    origin: str = Field(description="form, renew, bulk, api or sync.")
    token_name: str | None = Field(description="The API token that made it, if one did.")
    renewed_from: int | None
    last_synced_at: datetime | None
    kapso_error: str | None = Field(description="Why the last look at Kapso failed, if it did.")
    links: Links


class EnsureOut(SessionOut):
    outcome: Literal["created", "adopted", "reused"] = Field(
        description="created (201): Kapso made it now; adopted (201): Kapso made it but its "
        "answer was lost, and it was found there; reused (200): a live session was there, "
        "or the same request a moment ago made it."
    )


class SessionPage(Schema):
    items: list[SessionOut]
    page: int
    per_page: int
    total_pages: int
    total_count: int
    next: str | None
    previous: str | None


class WaitOut(Schema):
    done: bool = Field(description="True when the session is active.")
    call_again: bool = Field(description="True when the time ran out first: call again.")
    waited_seconds: float
    detail: str
    session: SessionOut


class AgentOut(Schema):
    id: str
    name: str
    description: str


class AgentList(Schema):
    items: list[AgentOut]
    warning: str | None = Field(
        description="Why Kapso's list could not be reloaded just now, if it could not: the "
        "items are then the last list the dashboard saw."
    )


class FieldError(Schema):
    field: str
    message: str


class Problem(Schema):
    """RFC 9457 problem details, with a stable `code` and, where they apply, extensions."""

    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str
    retry_after: int | None = Field(default=None, description="Seconds, as in Retry-After.")
    errors: list[FieldError] | None = Field(default=None, description="400: each problem.")
    kapso_kind: str | None = Field(default=None, description="502: what Kapso did.")
    outcome_unknown: bool | None = Field(
        default=None, description="502/504: Kapso may have made the session all the same."
    )
    whose: str | None = Field(
        default=None, description="429 quota: person, watcher or team: whose share is used up."
    )
    limit_bytes: int | None = Field(
        default=None, description="413: the largest body the dashboard reads, in bytes."
    )


class GroupJoinLink(Schema):
    state: str = Field(description="open, closed, ended or full: whether the link admits now.")
    cap: int = Field(description="The most testers the link may admit.")
    joined: int = Field(description="Places taken through the link so far.")
    ends_at: datetime | None


class GroupOut(Schema):
    id: int
    name: str
    agents: list[str] = Field(description="Kapso agent ids the group may try.")
    members: int
    join_link: GroupJoinLink


class GroupList(Schema):
    items: list[GroupOut]


class MemberOut(Schema):
    name: str
    phone_number: str = Field(description="E.164, as `ensure` takes it.")
    added_at: datetime
    joined: bool = Field(description="Came in through the join link (else added by staff).")
    session_id: int | None = Field(description="The session the join link showed them.")


class MemberList(Schema):
    items: list[MemberOut]
