"""Which problems each operation may answer: the one table the schema's error answers, their
descriptions and the docs page are built from (schema.py), and each view's `response=`.

Read from the code, step by step, and proved by tests/api/test_generated_client.py, which
makes every operation answer every code listed here through a client generated from the
schema (and schemathesis, which fails on any status the schema does not declare):

- every call: its token (auth.py, 401), unknown query parameters (`only_query`, 400), a
  wrong method on its path (urls.py, 405), a bug (500), the database or cache down (503);
- a session in the path: `visible_session` (404);
- a body or an Idempotency-Key: idempotent.py (400, 409, 422) and a body over
  DATA_UPLOAD_MAX_MEMORY_SIZE (413, handlers.py);
- making a session: `require_write` (403), then sandbox_session_create through
  `problems.problem_for` (409, 429, 502, 503, 504).
"""

from __future__ import annotations

from sandbox.api.problems import KINDS
from sandbox.api.schemas import Problem

EVERY_CALL = (
    "invalid_request",
    "token_missing",
    "token_invalid",
    "token_revoked",
    "token_expired",
    "account_inactive",
    "method_not_allowed",
    "internal_error",
    "service_unavailable",
)
ONE_SESSION = ("not_found",)
MAKES_A_SESSION = (
    "read_only_token",
    "body_too_large",
    "in_progress",
    "outcome_unknown",
    "session_taken",
    "idempotency_key_reused",
    "quota",
    "kapso_rate_limited",
    "kapso_error",
    "budget_unavailable",
    "kapso_timeout",
)

MAY_ANSWER: dict[str, tuple[str, ...]] = {
    # The phone is read (phones.py) and the agent checked against Kapso's list (ensure.py).
    "ensure_session": (*EVERY_CALL, "invalid_phone", "unknown_agent", *MAKES_A_SESSION),
    "get_session": (*EVERY_CALL, *ONE_SESSION),
    "list_sessions": EVERY_CALL,
    # The stored phone and agent are asked again: nothing to refuse before Kapso does.
    "renew_session": (*EVERY_CALL, *ONE_SESSION, *MAKES_A_SESSION),
    "session_qr_svg": (*EVERY_CALL, *ONE_SESSION),
    "session_qr_png": (*EVERY_CALL, *ONE_SESSION),
    "session_qr_txt": (*EVERY_CALL, *ONE_SESSION),
    # Kapso's failures while watching are said in the 200's detail, not answered (wait.py).
    "wait_for_session": (*EVERY_CALL, *ONE_SESSION, "session_expired"),
    # Kapso's failures are the 200's `warning` (agents.agent_choices keeps the last list).
    "list_agents": EVERY_CALL,
    # Read-only; a group the token's owner may not see is not found (views/groups.py).
    "list_groups": EVERY_CALL,
    "list_group_members": (*EVERY_CALL, "not_found"),
}


def codes_by_status(operation_id: str) -> dict[int, list[str]]:
    """The problem codes `operation_id` may answer, by HTTP status, in the table's order."""
    found: dict[int, list[str]] = {}
    for code in MAY_ANSWER[operation_id]:
        found.setdefault(KINDS[code].status, []).append(code)
    return dict(sorted(found.items()))


def problem_responses(operation_id: str) -> dict[int, type[Problem]]:
    """The error part of an operation's `response=`: one Problem per status it may answer."""
    return dict.fromkeys(codes_by_status(operation_id), Problem)
