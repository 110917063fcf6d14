"""`Idempotency-Key` on the API's POSTs, built on the form's double-submit guard
(`sandbox/idempotency.py`, scope "api"): the first request with a key does the work and
every repeat within 24 hours gets its answer; the key is the person's own.

- A repeat (same key, same method, path and JSON body) gets the first answer's status and
  session (as the session is now), marked `Idempotent-Replayed: true`. Two at once make
  one session: the second waits for the first.
- The same key with another request is a 422 (`idempotency_key_reused`).
- Only answers that did something are kept: a failure that changed nothing (Kapso refused,
  the budget said wait) frees the key, so retrying with it is what the caller should do.
- When Kapso's answer was lost (the outcome is unknown), repeats are refused for as long as
  the form refuses them (30 s), not for a day: after that, ensure looks again.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.http import HttpRequest

from sandbox import idempotency, lost_creates
from sandbox.api.problems import ApiProblem
from sandbox.errors import CreateOutcomeUnknown
from sandbox.models import SandboxSession
from sandbox.sessions import DUPLICATE_WINDOW_SECONDS

SCOPE = "api"
HEADER = "Idempotency-Key"
WINDOW = timedelta(hours=24)
# Visible ASCII, as an HTTP header can carry it unchanged; a UUID or a CI run id fits.
KEY_PATTERN = re.compile(r"^[!-~]{1,255}$")

# What the work returns: the session, the HTTP status to answer, and how it came about.
Work = Callable[[], tuple[SandboxSession, int, str]]


@dataclass(frozen=True)
class Answer:
    session: SandboxSession
    status: int
    how: str
    replayed: bool = False


def request_fingerprint(request: HttpRequest) -> str:
    """Method, path and body; the body as canonical JSON, so spacing and key order do not
    make two equal requests differ."""
    try:
        body = json.dumps(json.loads(request.body), sort_keys=True, separators=(",", ":"))
    except ValueError:
        body = request.body.decode("utf-8", "replace")
    return idempotency.fingerprint(request.method, request.path, body)


def once(request: HttpRequest, key: str | None, work: Work) -> Answer:
    """Do `work` once per (person, key); without a key, every call does it."""
    if key is None:
        session, status, how = work()
        return Answer(session, status, how)
    if not KEY_PATTERN.fullmatch(key):
        raise ApiProblem(
            "invalid_request",
            f"The {HEADER} header must be 1 to 255 visible ASCII characters (a UUID, say).",
            errors=[{"field": HEADER, "message": "1 to 255 visible ASCII characters."}],
        )
    claimed = idempotency.claim(
        user=request.user,
        scope=SCOPE,
        key=key,
        fingerprint=request_fingerprint(request),
        window=WINDOW,
        # The longest the work can take: the agent list, the create and the look-up after
        # a lost answer, each within its deadline.
        pending_for=timedelta(
            seconds=2 * settings.KAPSO_TIMEOUT + lost_creates.LOOKUP_TIMEOUT_SECONDS + 5
        ),
    )
    if isinstance(claimed, idempotency.Prior):
        status = claimed.response_status or 200
        return Answer(claimed.session, status, "created" if status == 201 else "reused", True)
    try:
        session, status, how = work()
    except CreateOutcomeUnknown as exc:
        if exc.cause is None:  # refused as a repeat by the create's own guard: nothing done
            claimed.release()
        else:
            claimed.mark_unknown(exc.message, hold=timedelta(seconds=DUPLICATE_WINDOW_SECONDS))
        raise
    except BaseException:
        claimed.release()  # nothing was done: the next try with this key starts afresh
        raise
    claimed.complete(session, response_status=status)
    return Answer(session, status, how)
