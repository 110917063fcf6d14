"""Endpoints under /_emulator that stand in for the outside world (a phone, a clock, the CLI).

They need no API key and are not rate limited: they are the test harness, not Kapso's API.
Every one that changes state must be sent as JSON (see `require_json`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from kapso_emulator.errors import ApiError, bad_request
from kapso_emulator.faults import parse_fault
from kapso_emulator.routing import Reply, Request, Route
from kapso_emulator.timeutil import parse_ts

if TYPE_CHECKING:
    from kapso_emulator.server import EmulatorServer

CONTROL_PREFIX = "/_emulator"
# Far enough for any expiry test, small enough that datetime arithmetic cannot overflow.
MAX_ADVANCE_SECONDS = 100 * 365 * 24 * 3600
MAX_BULK = 20_000
SAFE_METHODS = frozenset({"GET", "HEAD"})


def require_json(request: Request) -> None:
    """Refuse a state-changing control request unless it says `Content-Type: application/json`.

    A web page on another origin can make a browser send a "simple" POST (text/plain, a form)
    to localhost without asking first, and the emulator has no key to stop it arming faults or
    wiping sessions. application/json is not simple: the browser must ask first (a CORS
    preflight), the emulator never grants it, so the request is never sent. It applies to
    bodyless requests too (reset), because they change state just the same.
    """
    if request.method in SAFE_METHODS:
        return
    content_type = request.headers.get("Content-Type") or ""
    # Parameters such as charset are fine; the media type itself must be exactly JSON.
    if content_type.split(";", 1)[0].strip().lower() != "application/json":
        raise ApiError(
            415,
            "Unsupported media type",
            f"{request.method} {request.path} changes the emulator's state, so it must be sent "
            "with Content-Type: application/json (a cross-site form cannot send that)",
        )


def health(app: EmulatorServer, request: Request) -> Reply:
    sessions, agents = app.store.counts()
    return Reply(200, {"status": "ok", "sessions": sessions, "agents": agents})


def set_session_status(app: EmulatorServer, request: Request) -> Reply:
    status = request.json_object().get("status")
    if not isinstance(status, str) or not status.strip():
        raise bad_request("status must be a non-empty string")
    session = app.store.set_status(request.params["session_id"], status)
    return Reply(200, {"data": session})


def reset(app: EmulatorServer, request: Request) -> Reply:
    app.store.reset()
    app.reset_rate_limits()
    app.reset_call_counts()
    app.faults.clear()
    sessions, agents = app.store.counts()
    return Reply(200, {"status": "ok", "sessions": sessions, "agents": agents})


def advance_clock(app: EmulatorServer, request: Request) -> Reply:
    seconds = request.json_object().get("advance_seconds")
    valid_number = isinstance(seconds, int | float) and not isinstance(seconds, bool)
    if not valid_number or not math.isfinite(seconds) or not 0 <= seconds <= MAX_ADVANCE_SECONDS:
        raise bad_request(f"advance_seconds must be a number from 0 to {MAX_ADVANCE_SECONDS}")
    return Reply(200, {"now": app.store.advance_clock(seconds)})


def create_session(app: EmulatorServer, request: Request) -> Reply:
    """One session "outside the dashboard", or `count` of them (up to 20,000) at once."""
    payload = request.json_object()
    count = payload.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_BULK:
        raise bad_request(f"count must be an integer from 1 to {MAX_BULK}")
    created_at = None
    if payload.get("created_at") is not None:
        try:
            created_at = parse_ts(payload["created_at"])
        except ValueError as exc:
            raise bad_request(f"created_at must be an ISO-8601 timestamp: {exc}") from exc
    sessions = app.store.create_sessions(
        payload.get("phone_number"), payload.get("agent_id"), count=count, created_at=created_at
    )
    if "count" not in payload:
        return Reply(201, {"data": sessions[0]})
    return Reply(201, {"data": sessions})


def arm_fault(app: EmulatorServer, request: Request) -> Reply:
    """Make the next `times` calls to one endpoint misbehave (see faults.py)."""
    fault = parse_fault(request.json_object())
    app.faults.add(fault)
    return Reply(201, {"armed": app.faults.armed()})


def list_faults(app: EmulatorServer, request: Request) -> Reply:
    return Reply(200, {"armed": app.faults.armed()})


def clear_faults(app: EmulatorServer, request: Request) -> Reply:
    app.faults.clear()
    return Reply(200, {"armed": []})


def get_rate_limit(app: EmulatorServer, request: Request) -> Reply:
    return Reply(200, {"per_minute": app.limiter.limit})


def set_rate_limit(app: EmulatorServer, request: Request) -> Reply:
    """Change the per-key limit until the next reset; 0 or null turns limiting off."""
    payload = request.json_object()
    if "per_minute" not in payload:
        raise bad_request("per_minute is required: requests per minute, or 0 or null for none")
    per_minute = payload["per_minute"]
    if per_minute is not None and (
        isinstance(per_minute, bool) or not isinstance(per_minute, int) or per_minute < 0
    ):
        raise bad_request("per_minute must be a whole number of requests, or 0 or null for none")
    app.limiter.set_limit(per_minute or None)
    return Reply(200, {"per_minute": app.limiter.limit})


def calls(app: EmulatorServer, request: Request) -> Reply:
    """How many times each public endpoint was called since the last reset."""
    return Reply(200, {"calls": app.call_counts()})


ROUTES: tuple[Route, ...] = (
    ("GET", "/health", health),
    ("GET", "/calls", calls),
    ("POST", "/faults", arm_fault),
    ("GET", "/faults", list_faults),
    ("DELETE", "/faults", clear_faults),
    ("POST", "/reset", reset),
    ("POST", "/clock", advance_clock),
    ("GET", "/rate_limit", get_rate_limit),
    ("POST", "/rate_limit", set_rate_limit),
    ("POST", "/sessions", create_session),
    ("POST", "/sessions/{session_id}/status", set_session_status),
)
