"""The Kapso API as Python calls: agents and sandbox sessions.

One `requests.Session` per client carries the `X-API-Key` header and a User-Agent naming
the dashboard. Every call has one deadline covering connect, headers, body and retries
(transport.py), and ends in a typed result from types.py or a `KapsoError` from errors.py.
The client knows nothing of Django: the settings-aware factory is `sandbox.gateway`.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import quote

import requests

from sandbox.kapso import types
from sandbox.kapso.errors import (
    KapsoConfigurationError,
    KapsoError,
    KapsoRateLimitedError,
    KapsoResponseError,
    budget_unavailable_error,
    error_for_status,
    quota_error,
)
from sandbox.kapso.listener import CallListener
from sandbox.kapso.quota import BACKGROUND, Caller, Quota, StoreUnavailable
from sandbox.kapso.retry import read_retry_wait
from sandbox.kapso.transport import DeadlineAdapter, send

# One name for every line about Kapso calls, whichever module of the package logs it.
logger = logging.getLogger("sandbox.kapso")

USER_AGENT = "kapso-sandbox-dashboard/0.1 (python-requests)"
T = TypeVar("T")


class KapsoClient:
    def __init__(
        self,
        *,
        base_url: str,
        api_key: str,
        timeout: float = 10.0,
        quota: Quota | None = None,
        listener: CallListener | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        # Every call spends from it first; None (tests of the wire alone) spends nothing.
        self.quota = quota
        # Told of every attempt, refusal and wait (metrics, the quota history); never fails a call.
        self.listener = listener
        self._api_key = api_key
        self.timeout = timeout
        self._session = requests.Session()
        self._session.mount("http://", DeadlineAdapter())
        self._session.mount("https://", DeadlineAdapter())
        self._session.headers.update(
            {"X-API-Key": api_key, "User-Agent": USER_AGENT, "Accept": "application/json"}
        )
        # Proxies and netrc from the environment could reroute the key; the dashboard
        # talks to the configured base URL and nowhere else.
        self._session.trust_env = False

    def __repr__(self) -> str:  # never show the key, even in a debugger or traceback
        return f"<KapsoClient {self.base_url}>"

    # --- the API -----------------------------------------------------------------------
    # `caller` says who asks and how urgently: it decides what the budget allows.
    def list_agents(self, *, caller: Caller = BACKGROUND) -> list[types.Agent]:
        return self._call(
            "GET", "/agents", caller=caller, parse=types.parse_agent_list, op="list_agents"
        )

    def create_session(
        self, *, phone_number: str, agent_id: str, caller: Caller = BACKGROUND
    ) -> types.SandboxSession:
        payload = {"whatsapp_sandbox_session": {"phone_number": phone_number, "agent_id": agent_id}}
        return self._call(
            "POST",
            "/sandbox_sessions",
            caller=caller,
            payload=payload,
            parse=_one_session,
            op="create_session",
        )

    def get_session(self, session_id: str, *, caller: Caller = BACKGROUND) -> types.SandboxSession:
        path = f"/sandbox_sessions/{path_segment(session_id)}"
        return self._call("GET", path, caller=caller, parse=_one_session, op="get_session")

    def list_sessions(
        self, *, page: int = 1, per_page: int = 20, caller: Caller = BACKGROUND
    ) -> types.Page:
        if page < 1 or not 1 <= per_page <= 100:
            raise ValueError("page must be >= 1 and per_page within 1..100")
        params = {"page": page, "per_page": per_page}
        return self._call(
            "GET",
            "/sandbox_sessions",
            caller=caller,
            params=params,
            parse=types.parse_session_page,
            op="list_sessions",
        )

    # --- the wire ----------------------------------------------------------------------
    def _call(
        self,
        method: str,
        path: str,
        *,
        caller: Caller,
        parse: Callable[[Any], T],
        params: Mapping[str, Any] | None = None,
        payload: Any = None,
        op: str = "other",
    ) -> T:
        if not self._api_key:
            raise KapsoConfigurationError(
                "No Kapso API key is configured. Set KAPSO_API_KEY, or start the dashboard "
                "with `make run` to use the bundled Kapso emulator."
            )
        # One budget for the whole call, retries included, so no page waits past it.
        deadline = time.monotonic() + self.timeout
        attempt = 0
        while True:
            try:
                self._spend(caller)
                return self._timed(
                    op, lambda: self._attempt(method, path, params, payload, deadline, parse)
                )
            except KapsoError as exc:
                wait = read_retry_wait(method, exc, attempt, deadline)
                if wait is None:
                    raise
            attempt += 1
            logger.info("kapso %s %s retry %d in %.2f s", method, path, attempt, wait)
            self._tell("waited", op, wait)
            time.sleep(wait)

    def _timed(self, op: str, attempt: Callable[[], T]) -> T:
        """One attempt on the wire, told to the listener with its outcome and duration."""
        started = time.monotonic()
        outcome = "ok"
        try:
            return attempt()
        except KapsoError as exc:
            outcome = exc.kind
            raise
        finally:
            self._tell("called", op, outcome, time.monotonic() - started)

    def _tell(self, event: str, *args: Any) -> None:
        if self.listener is None:
            return
        try:
            getattr(self.listener, event)(*args)
        except Exception:  # counting is never worth failing a call over
            logger.warning("kapso listener failed on %s", event, exc_info=True)

    def _attempt(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        payload: Any,
        deadline: float,
        parse: Callable[[Any], T],
    ) -> T:
        started = time.monotonic()
        status, headers, raw = send(
            self._session,
            method,
            self.base_url + path,
            params=params,
            payload=payload,
            deadline=deadline,
            timeout=self.timeout,
        )
        elapsed_ms = (time.monotonic() - started) * 1000
        logger.info("kapso %s %s -> %s in %.0f ms", method, path, status, elapsed_ms)
        error = None
        if not 200 <= status < 300:
            error = error_for_status(status, headers, _decode_json(raw), path, secret=self._api_key)
        self._observe(status, headers, error)
        if error is not None:
            raise error
        if b"\\u0000" in raw:
            # PostgreSQL cannot store NUL in text or JSON: refuse it here, not in a 500.
            raise KapsoResponseError(
                "Kapso sent text with a NUL character, which the dashboard cannot store. "
                "Nothing was saved; try again.",
                status=status,
            )
        body = _decode_json(raw)
        if body is None or body is _NOT_JSON:
            raise KapsoResponseError(
                f"Kapso answered HTTP {status} without a JSON body. Nothing was saved; "
                "try again, and check KAPSO_API_BASE_URL if it keeps happening.",
                status=status,
            )
        return parse(body)

    def _spend(self, caller: Caller) -> None:
        if self.quota is None:
            return
        try:
            denied = self.quota.take(caller)
        except StoreUnavailable:
            self._tell("refused", "budget_unavailable")
            raise budget_unavailable_error() from None  # fail closed: no unchecked burst
        if denied is not None:
            self._tell("refused", denied.whose)
            raise quota_error(denied.whose, denied.wait, denied.limit)

    def _observe(self, status: int, headers: Mapping[str, str], error: KapsoError | None) -> None:
        if self.quota is None:
            return
        retry_after = error.retry_after if isinstance(error, KapsoRateLimitedError) else None
        try:
            self.quota.observe(status, headers, retry_after)
        except StoreUnavailable:
            # The call was made and its answer stands; the next call will fail closed.
            logger.warning("kapso budget: the store is unreachable; answer not counted")


def _one_session(body: Any) -> types.SandboxSession:
    return types.parse_session(types.parse_data(body))


_NOT_JSON = object()


def _decode_json(raw: bytes) -> Any:
    """The decoded body; None when empty, `_NOT_JSON` when it is not JSON at all."""
    if not raw.strip():
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _NOT_JSON


def path_segment(value: str) -> str:
    """An opaque id as one URL path segment; refuses ids that would name another URL."""
    # quote() leaves "." and ".." alone, and a client resolves them as "this" and "up".
    if value in ("", ".", ".."):
        raise ValueError(f"{value!r} is not a Kapso id")
    return quote(value, safe="")
