"""Handlers for the emulated public endpoints under /api/v1."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

from kapso_emulator.errors import ApiError, bad_request
from kapso_emulator.routing import Reply, Request, Route

if TYPE_CHECKING:
    from kapso_emulator.server import EmulatorServer

API_PREFIX = "/api/v1"
DEFAULT_PER_PAGE = 20
MAX_PER_PAGE = 100


def list_agents(app: EmulatorServer, request: Request) -> Reply:
    return Reply(200, {"data": app.store.list_agents()})


def get_agent(app: EmulatorServer, request: Request) -> Reply:
    return Reply(200, {"data": app.store.get_agent(request.params["agent_id"])})


def create_session(app: EmulatorServer, request: Request) -> Reply:
    payload = request.json_object()
    fields = payload.get("whatsapp_sandbox_session")
    if not isinstance(fields, dict):
        raise bad_request("Body must contain a whatsapp_sandbox_session object")
    session = app.store.create_session(fields.get("phone_number"), fields.get("agent_id"))
    return Reply(201, {"data": session})


def list_sessions(app: EmulatorServer, request: Request) -> Reply:
    page = _int_param(request, "page", default=1, minimum=1, maximum=None)
    per_page = _int_param(
        request, "per_page", default=DEFAULT_PER_PAGE, minimum=1, maximum=MAX_PER_PAGE
    )
    sessions, total = app.store.list_sessions(page, per_page)
    meta = {
        "page": page,
        "per_page": per_page,
        "total_pages": math.ceil(total / per_page),
        "total_count": total,
    }
    return Reply(200, {"data": sessions, "meta": meta})


def get_session(app: EmulatorServer, request: Request) -> Reply:
    return Reply(200, {"data": app.store.get_session(request.params["session_id"])})


def _int_param(
    request: Request, name: str, *, default: int, minimum: int, maximum: int | None
) -> int:
    raw = request.query_value(name)
    if raw is None:
        return default
    # Plain digits only: int() would also take "+3", " 3" and "3_0".
    if not re.fullmatch(r"[0-9]+", raw):
        raise _pagination_error(f"{name} must be an integer, got {raw[:40]!r}")
    try:
        value = int(raw)
    except ValueError as exc:  # more digits than Python converts
        raise _pagination_error(f"{name} is too large") from exc
    if value < minimum or (maximum is not None and value > maximum):
        bounds = f"between {minimum} and {maximum}" if maximum else f"at least {minimum}"
        raise _pagination_error(f"{name} must be {bounds}, got {value}")
    return value


def _pagination_error(message: str) -> ApiError:
    return ApiError(400, "Invalid pagination parameters", message)


ROUTES: tuple[Route, ...] = (
    ("GET", "/agents", list_agents),
    ("GET", "/agents/{agent_id}", get_agent),
    ("POST", "/sandbox_sessions", create_session),
    ("GET", "/sandbox_sessions", list_sessions),
    ("GET", "/sandbox_sessions/{session_id}", get_session),
)
