"""`GET /api/v1/sessions/<id>/wait`: a long poll that answers when the session turns active.

Kapso documents no webhook for activation, so the dashboard asks Kapso, but no more often
than a watching page would: through `sandbox_session_refresh_throttled` (once per
KAPSO_REFRESH_SECONDS per session, whoever asks, within the owner's share of the budget
for watching). Between those calls it only reads the database, where another worker's
refresh (or the session page's) shows up too. It holds its worker at most
API_WAIT_MAX_SECONDS (25 s, below gunicorn's 30 s timeout), then says to call again.
"""

from __future__ import annotations

import time
from typing import Literal

from django.conf import settings
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from sandbox.api.present import session_out
from sandbox.api.problems import ApiProblem
from sandbox.api.schemas import WaitOut
from sandbox.api.views.common import only_query, visible_session
from sandbox.api.views.problem_codes import problem_responses
from sandbox.gateway import watcher
from sandbox.models import SandboxSession
from sandbox.watching import sandbox_session_refresh_throttled

# How often the database is read while waiting: the answer comes at most this late.
POLL_SECONDS = 1.0
LONGEST = 25

router = Router(tags=["sessions"])


class WaitParams(Schema):
    until: Literal["active"] = Field("active", description="What to wait for.")
    timeout: float = Field(
        20,
        ge=0,
        le=LONGEST,
        description=f"Seconds to wait at most (0 to {LONGEST}); the server may answer sooner.",
    )


@router.get(
    "/{int:session_id}/wait",
    response={200: WaitOut, **problem_responses("wait_for_session")},
    url_name="session_wait",
    operation_id="wait_for_session",
    summary="Wait until the session is active, or the timeout passes (then call again)",
    description="200 with `done: true` when active; 200 with `done: false, call_again: true` "
    "when the time ran out first; 409 `session_expired` when it can no longer become active.",
)
def wait(request: HttpRequest, session_id: int, params: Query[WaitParams]):
    only_query(request, *WaitParams.model_fields)
    session = visible_session(request, session_id)
    started = time.monotonic()
    deadline = started + min(params.timeout, settings.API_WAIT_MAX_SECONDS)
    ask_from = started  # the budget may say when Kapso may be asked again
    error: str | None = None
    while True:
        if session.display_status == SandboxSession.ACTIVE:
            return _answer(request, session, started, done=True, error=None)
        if session.is_expired():
            raise ApiProblem(
                "session_expired",
                "This session has expired, so it can no longer become active. Renew it "
                f"(POST {session_out(request, session)['links']['renew']}) for a fresh code.",
            )
        now = time.monotonic()
        if now >= ask_from:
            watched = sandbox_session_refresh_throttled(session, caller=watcher(request.user))
            session, error = watched.session, watched.error
            if watched.retry_in:
                ask_from = now + watched.retry_in
            if session.display_status == SandboxSession.ACTIVE or session.is_expired():
                continue
        left = deadline - time.monotonic()
        if left <= 0:
            return _answer(request, session, started, done=False, error=error)
        time.sleep(min(POLL_SECONDS, left))
        session = visible_session(request, session_id)


def _answer(request, session, started: float, *, done: bool, error: str | None) -> dict:
    waited = round(time.monotonic() - started, 3)
    if done:
        detail = "The session is active: the phone can talk to the agent."
    else:
        detail = f"Still {session.status_label.lower()} after {waited:g} s: call again."
        if error:
            detail += f" Kapso could not be asked just now: {error}"
    return {
        "done": done,
        "call_again": not done,
        "waited_seconds": waited,
        "detail": detail,
        "session": session_out(request, session),
    }
