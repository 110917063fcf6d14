"""The only code in the dashboard that speaks HTTP to Kapso.

One `requests.Session` per client carries the `X-API-Key` header and a User-Agent naming
the dashboard. Every call has a deadline covering connect, headers and body, a cap on
the body size, no redirects (a custom header would follow a redirect to any host), and
ends in a typed result from `kapso_types` or a `KapsoError` from `kapso_errors`.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import requests
from django.views.decorators.debug import sensitive_variables
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ReadTimeoutError

from sandbox import kapso_types as types
from sandbox.kapso_errors import (
    KapsoAuthError,
    KapsoConfigurationError,
    KapsoConnectionError,
    KapsoError,
    KapsoNotFoundError,
    KapsoRateLimitedError,
    KapsoResponseError,
    KapsoServerError,
    KapsoTimeoutError,
    KapsoUnavailableError,
    KapsoValidationError,
)
from sandbox.kapso_transport import Deadline, DeadlineAdapter

logger = logging.getLogger(__name__)

USER_AGENT = "kapso-sandbox-dashboard/0.1 (python-requests)"
# Kapso's answers are a few KB; anything far larger is refused without reading it whole.
MAX_BODY_BYTES = 1024 * 1024
DEFAULT_RETRY_AFTER = 60
_CHUNK = 16 * 1024


class KapsoClient:
    # Django's debug page lists each frame's local variables; never this one's key.
    @sensitive_variables("api_key")
    def __init__(self, *, base_url: str, api_key: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
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
    def list_agents(self) -> list[types.Agent]:
        return types.parse_agent_list(self._call("GET", "/agents"))

    def get_agent(self, agent_id: str) -> types.Agent:
        return types.parse_agent(types.parse_data(self._call("GET", f"/agents/{_seg(agent_id)}")))

    def create_session(self, *, phone_number: str, agent_id: str) -> types.SandboxSession:
        payload = {"whatsapp_sandbox_session": {"phone_number": phone_number, "agent_id": agent_id}}
        try:
            body = self._call("POST", "/sandbox_sessions", payload=payload)
            return types.parse_session(types.parse_data(body))
        except KapsoResponseError as exc:
            # Garbage after a success status: Kapso probably made the session.
            exc.maybe_sent = exc.status is None or 200 <= exc.status < 300
            raise

    def get_session(self, session_id: str) -> types.SandboxSession:
        body = self._call("GET", f"/sandbox_sessions/{_seg(session_id)}")
        return types.parse_session(types.parse_data(body))

    def list_sessions(self, *, page: int = 1, per_page: int = 20) -> types.Page:
        if page < 1 or not 1 <= per_page <= 100:
            raise ValueError("page must be >= 1 and per_page within 1..100")
        body = self._call("GET", "/sandbox_sessions", params={"page": page, "per_page": per_page})
        return types.parse_session_page(body)

    # --- the wire ----------------------------------------------------------------------
    def _call(self, method: str, path: str, *, params=None, payload=None) -> Any:
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
                return self._attempt(method, path, params, payload, deadline)
            except KapsoError as exc:
                wait = _retry_wait(method, exc, attempt, deadline)
                if wait is None:
                    raise
            attempt += 1
            logger.info("kapso %s %s retry %d in %.2f s", method, path, attempt, wait)
            time.sleep(wait)

    def _attempt(self, method, path, params, payload, deadline) -> Any:
        started = time.monotonic()
        status, headers, raw = self._send(method, path, params, payload, deadline)
        logger.info(
            "kapso %s %s -> %s in %.0f ms",
            method,
            path,
            status,
            (time.monotonic() - started) * 1000,
        )
        if not 200 <= status < 300:
            # Kapso's words are shown to people; a key it echoes back must not be, not
            # even a prefix left by cutting a long message short.
            raw = raw.replace(self._api_key.encode(), b"[redacted]")
        body = _decode_json(raw)
        if 200 <= status < 300:
            if b"\\u0000" in raw:
                # PostgreSQL cannot store NUL in text or JSON: refuse it here, not in a 500.
                raise KapsoResponseError(
                    "Kapso sent text with a NUL character, which the dashboard cannot store. "
                    "Nothing was saved; try again.",
                    status=status,
                )
            if body is None or body is _NOT_JSON:
                raise KapsoResponseError(
                    f"Kapso answered HTTP {status} without a JSON body. Nothing was saved; "
                    "try again, and check KAPSO_API_BASE_URL if it keeps happening.",
                    status=status,
                )
            return body
        error = _error_for(status, headers, body, path)
        # Kapso's words are shown to people; a key it echoes back must not be.
        if self._api_key in error.message:
            error.message = error.message.replace(self._api_key, "[redacted]")
            error.args = (error.message,)
        raise error

    def _send(self, method, path, params, payload, deadline):
        remaining = max(deadline - time.monotonic(), 0.01)
        with Deadline(remaining) as cut:
            try:
                response = self._session.request(
                    method,
                    self.base_url + path,
                    params=params,
                    json=payload,
                    timeout=(min(5.0, remaining), remaining),
                    stream=True,
                    allow_redirects=False,
                )
                with response:
                    body = _read_body(response, deadline, self)
            except requests.ConnectTimeout:
                raise _timeout(self.timeout, maybe_sent=False) from None
            except requests.Timeout:
                raise _timeout(self.timeout, maybe_sent=True) from None
            except KapsoError:
                if cut.expired:
                    raise _timeout(self.timeout) from None
                raise
            except requests.RequestException as exc:
                if cut.expired:
                    raise _timeout(self.timeout, maybe_sent=not _never_connected(exc)) from None
                raise KapsoConnectionError(
                    "Could not reach Kapso (the connection failed or was dropped). Check the "
                    "network and KAPSO_API_BASE_URL, then try again.",
                    maybe_sent=not _never_connected(exc),
                ) from None
        if cut.expired:  # the body may have ended early because the socket was cut
            raise _timeout(self.timeout)
        return response.status_code, response.headers, body


# Gateways answer these when Kapso itself did not: worth one more read, and for a create
# the session may exist all the same.
GATEWAY_STATUSES = frozenset({502, 503, 504})
READ_RETRIES = 2
BACKOFF_SECONDS = 0.25
# A retry that could not get at least this long before the deadline is not started.
MIN_ATTEMPT_SECONDS = 1.0


def _retry_wait(method: str, exc: KapsoError, attempt: int, deadline: float) -> float | None:
    """Seconds to wait before repeating the call, or None to give up now.

    Only reads are repeated. A create that failed may have happened at Kapso anyway, and
    a blind repeat would make a second session; services.py looks for it instead.
    """
    if method != "GET" or attempt >= READ_RETRIES:
        return None
    if isinstance(exc, KapsoRateLimitedError):
        wait = float(exc.retry_after or DEFAULT_RETRY_AFTER)
    elif isinstance(exc, KapsoConnectionError) or (
        isinstance(exc, KapsoServerError) and exc.status in GATEWAY_STATUSES
    ):
        wait = BACKOFF_SECONDS * 2**attempt
    else:
        return None  # timeouts spent the budget; 4xx and garbage will not improve
    if time.monotonic() + wait + MIN_ATTEMPT_SECONDS > deadline:
        return None
    return wait


def _never_connected(exc: requests.RequestException) -> bool:
    """True when the failure came before any byte of the request left this machine."""
    seen = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, NewConnectionError | ConnectTimeoutError):
            return True
        reason = getattr(cause, "reason", None)
        nested = cause.args[0] if cause.args and isinstance(cause.args[0], BaseException) else None
        cause = reason if isinstance(reason, BaseException) else nested or cause.__context__
    return False


def _read_body(response: requests.Response, deadline: float, client: KapsoClient) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large()
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(_CHUNK):
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise _too_large()
            if time.monotonic() > deadline:
                raise _timeout(client.timeout)
            chunks.append(chunk)
    except requests.RequestException as exc:
        if any(isinstance(arg, ReadTimeoutError) for arg in exc.args):
            raise _timeout(client.timeout) from None
        raise KapsoConnectionError(
            "The connection to Kapso broke while its answer was arriving. Try again.",
            maybe_sent=True,
        ) from None
    return b"".join(chunks)


def _decode_json(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _NOT_JSON


_NOT_JSON = object()


def _error_for(status: int, headers, body: Any, path: str) -> KapsoError:
    detail = _detail(body)
    said = f" Kapso said: {detail}" if detail else ""
    if 300 <= status < 400:
        return KapsoResponseError(
            f"Kapso answered with a redirect (HTTP {status}), which the dashboard does not "
            "follow. Check KAPSO_API_BASE_URL.",
            status=status,
        )
    if status in (401, 403):
        return KapsoAuthError(
            f"Kapso refused the API key (HTTP {status}). Check KAPSO_API_KEY in the "
            "dashboard's settings.",
            status=status,
        )
    if status == 410 or (status == 404 and not _names_a_resource(detail)):
        return KapsoUnavailableError(
            f"This Kapso account does not offer sandbox sessions through the API (HTTP "
            f"{status} on {path}). Check KAPSO_API_BASE_URL, or create the session in "
            "Kapso's own dashboard.",
            status=status,
        )
    if status == 404:
        return KapsoNotFoundError(
            f"Kapso could not find that.{said} Reload the agent list and pick again.",
            status=status,
        )
    if status == 429:
        wait = _retry_after(headers)
        return KapsoRateLimitedError(
            f"Kapso is rate-limiting this API key; try again in {wait} s.",
            retry_after=wait,
        )
    if status in (400, 422):
        hint = said or " Check the phone number and agent."
        return KapsoValidationError(
            f"Kapso did not accept the request (HTTP {status}).{hint}", status=status
        )
    if status >= 500:
        error = KapsoServerError(
            f"Kapso had a problem on its side (HTTP {status}). Try again in a minute; if it "
            "persists, check Kapso's status page.",
            status=status,
        )
        # A gateway's error says nothing about whether Kapso behind it did the work.
        error.maybe_sent = status in (502, 504)
        return error
    return KapsoResponseError(f"Kapso answered with unexpected HTTP {status}.{said}", status=status)


def _names_a_resource(detail: str) -> bool:
    # Kapso's documented 404s name what is missing ("Agent not found"); a bare
    # "Not Found" or an HTML page means the endpoint itself is gone.
    text = detail.lower()
    return "agent" in text or "session" in text


def _detail(body: Any) -> str:
    """Kapso's own words from an error body (`error`, `message`, `errors`), made safe to show."""
    if not isinstance(body, dict):
        return ""
    parts: list[str] = []
    for key in ("error", "message"):
        if isinstance(body.get(key), str):
            parts.append(body[key])
    errors = body.get("errors")
    if isinstance(errors, dict):
        for field, msgs in errors.items():
            msgs = msgs if isinstance(msgs, list) else [msgs]
            parts.append(f"{field} " + ", ".join(str(m) for m in msgs))
    elif isinstance(errors, list):
        parts.extend(str(e) for e in errors)
    text = "; ".join(dict.fromkeys(p.strip() for p in parts if p and p.strip()))
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return text[:300] + ("…" if len(text) > 300 else "")


def _retry_after(headers) -> int:
    value = (headers.get("Retry-After") or "").strip()
    if value.isdigit():
        return max(1, min(int(value), 3600))
    if value:
        try:
            when = parsedate_to_datetime(value)
            return max(1, min(int(when.timestamp() - time.time()), 3600))
        except (TypeError, ValueError):
            pass
    return DEFAULT_RETRY_AFTER


def _timeout(seconds: float, *, maybe_sent: bool = True) -> KapsoTimeoutError:
    return KapsoTimeoutError(
        f"Kapso did not answer within {seconds:g} s. Try again in a moment.",
        maybe_sent=maybe_sent,
    )


def _too_large() -> KapsoResponseError:
    return KapsoResponseError(
        "Kapso sent an answer far larger than expected, so the dashboard refused it. "
        "Nothing was saved; check KAPSO_API_BASE_URL."
    )


def _seg(value: str) -> str:
    # Ids are opaque; quoting keeps one from escaping its path segment.
    return quote(value, safe="")


_local = threading.local()


@sensitive_variables("config", "clients")
def get_client(*, timeout: float | None = None) -> KapsoClient:
    """A client configured from settings, kept per thread so connections are reused.

    `timeout` caps the settings' KAPSO_TIMEOUT for one short call (a follow-up look-up).
    """
    from django.conf import settings

    seconds = settings.KAPSO_TIMEOUT if timeout is None else min(timeout, settings.KAPSO_TIMEOUT)
    config = (settings.KAPSO_API_BASE_URL, settings.KAPSO_API_KEY, seconds)
    clients = _local.__dict__.setdefault("clients", {})
    if config not in clients:
        clients[config] = KapsoClient(base_url=config[0], api_key=config[1], timeout=config[2])
    return clients[config]
