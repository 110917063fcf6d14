"""HTTP front end: request parsing, auth, rate limiting and dispatch to the route tables."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import logging
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kapso_emulator import api, control, faults
from kapso_emulator.errors import ApiError, not_implemented
from kapso_emulator.misbehave import Misbehaviour
from kapso_emulator.ratelimit import FixedWindowRateLimiter
from kapso_emulator.routing import Reply, Request, Router
from kapso_emulator.store import Store

logger = logging.getLogger("kapso_emulator")

MAX_BODY_BYTES = 1024 * 1024
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
# Short, so stop() returns quickly; the cost is a few idle wake-ups per second.
POLL_INTERVAL = 0.05


class EmulatorServer:
    """Kapso's REST API, faked. The socket is bound on construction so ``url`` is known early."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        state_file: str | None = None,
        sandbox_number: str = "15551234567",
        api_key: str | None = None,
        rate_limit: int | None = 100,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        if api_key is not None and not api_key:
            raise ValueError("api_key must be None (accept any key) or a non-empty string")
        if rate_limit is not None and (
            isinstance(rate_limit, bool) or not isinstance(rate_limit, int) or rate_limit < 1
        ):
            raise ValueError("rate_limit must be None (unlimited) or a positive integer")
        self.store = Store(state_file=state_file, sandbox_number=sandbox_number, clock=clock)
        self._api_key = api_key
        self.limiter = (
            FixedWindowRateLimiter(rate_limit, now=lambda: self.store.now().timestamp())
            if rate_limit is not None
            else None
        )
        self._api_routes = Router(api.ROUTES, prefix=api.API_PREFIX)
        self._control_routes = Router(control.ROUTES, prefix=control.CONTROL_PREFIX)
        self._httpd = _HTTPServer((host, port), _Handler)
        self._httpd.app = self
        self.faults = faults.FaultTable()
        self._calls: Counter[str] = Counter()
        self._calls_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._serving = False
        self._closed = False

    # -- lifecycle -----------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_base_url(self) -> str:
        return self.url + api.API_PREFIX

    def start(self) -> EmulatorServer:
        if self._thread is not None:
            return self
        self._serving = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": POLL_INTERVAL},
            name="kapso-emulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        self._serving = True
        self._httpd.serve_forever(poll_interval=POLL_INTERVAL)

    def stop(self) -> None:
        if self._closed:
            return
        self._closed = True
        # shutdown() waits for serve_forever to acknowledge, so only call it if one ran.
        if self._serving:
            self._httpd.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def reset_rate_limits(self) -> None:
        if self.limiter is not None:
            self.limiter.reset()

    def call_counts(self) -> dict[str, int]:
        """Authenticated API calls per "METHOD /path" (ids included), for tests that count."""
        with self._calls_lock:
            return dict(self._calls)

    def reset_call_counts(self) -> None:
        with self._calls_lock:
            self._calls.clear()

    # -- dispatch ------------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        if request.path == api.API_PREFIX or request.path.startswith(api.API_PREFIX + "/"):
            return self._handle_api(request)
        return self._dispatch(self._control_routes, request)

    def _handle_api(self, request: Request) -> Reply:
        authenticated = self._authenticate(request.headers.get("X-API-Key", ""))
        # Per key, or per IP when no valid key is sent (what Kapso's rate-limit page says);
        # counted before the 401 so anonymous floods are throttled too. The key is hashed so
        # the raw secret is not kept around as a dict key.
        if authenticated:
            key = request.headers.get("X-API-Key", "").encode()
            identity = "key:" + hashlib.sha256(key).hexdigest()
        else:
            identity = "ip:" + request.client_ip
        headers: dict[str, str] = {}
        if self.limiter is not None:
            decision = self.limiter.check(identity)
            headers = decision.headers()
            if not decision.allowed:
                raise ApiError(
                    429,
                    "Rate limit exceeded",
                    f"Rate limit of {decision.limit} requests per minute exceeded. "
                    f"Retry after {decision.retry_after} seconds.",
                    headers=headers,
                )
        # Auth comes before routing, so an unknown /api/v1 path without a key is a 401, not a
        # 501: the real API would not tell an anonymous caller which routes exist either.
        if not authenticated:
            raise ApiError(401, "Invalid or missing API key", headers=headers)
        with self._calls_lock:
            self._calls[f"{request.method} {request.path}"] += 1
        try:
            reply = self._dispatch(self._api_routes, request)
        except ApiError as exc:
            exc.headers = {**headers, **exc.headers}
            raise
        return reply._replace(headers={**headers, **reply.headers})

    def _authenticate(self, presented: str) -> bool:
        if not presented:
            return False
        if self._api_key is None:
            return True
        return hmac.compare_digest(presented.encode(), self._api_key.encode())

    def _dispatch(self, router: Router, request: Request) -> Reply:
        found = router.match(request.method, request.path)
        if found is None:
            raise not_implemented(request.method, request.path)
        handler, params = found
        return handler(self, dataclasses.replace(request, params=params))


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 refuses a burst of simultaneous connections
    # (twenty teammates at once), which a real API behind a load balancer would not.
    request_queue_size = 128
    app: EmulatorServer


class _Handler(Misbehaviour, BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "KapsoEmulator/1.0"
    # Idle or slow clients must not pin a thread forever.
    timeout = 30

    def __getattr__(self, name: str) -> Any:
        # BaseHTTPRequestHandler looks up do_<METHOD>; answering every method here means
        # PUT, DELETE, PATCH and invented verbs all get the emulator's JSON 501.
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def version_string(self) -> str:
        # The default appends the Python version, which says nothing useful about the fake.
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: _serve logs method, path and status through the module logger."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # Protocol-level failures (bad request line, huge headers) also answer in JSON.
        self.close_connection = True
        self._respond(code, {"error": message or HTTPStatus(code).phrase}, {})

    def _serve(self) -> None:
        fault: faults.Fault | None = None
        method = self.command.upper()
        split = urlsplit(self.path)
        path = split.path.rstrip("/") or "/"
        try:
            body = self._read_body()
            request = Request(
                method=method,
                path=path,
                query=parse_qs(split.query, keep_blank_values=True),
                headers=self.headers,
                body=body,
                client_ip=self.client_address[0],
            )
            fault = self._armed_fault(method, path)
            if fault is not None and fault.kind in faults.BEFORE:
                self._misbehave(fault, None)
                return
            reply = self.server.app.handle(request)
        except ApiError as exc:
            reply = Reply(exc.status, exc.body(), exc.headers)
        except Exception:
            logger.exception("Unhandled error for %s %s", method, path)
            reply = Reply(500, {"error": "Internal server error"})
        if fault is not None:
            self._misbehave(fault, reply)
            return
        self._respond(reply.status, reply.body, reply.headers)

    def _armed_fault(self, method: str, path: str) -> faults.Fault | None:
        # Only Kapso's API misbehaves; the control endpoints stay reliable.
        if not path.startswith(api.API_PREFIX):
            return None
        return self.server.app.faults.take(method, path)

    def _read_body(self) -> bytes:
        raw_length = self.headers.get("Content-Length")
        if raw_length is None:
            if self.headers.get("Transfer-Encoding"):
                self.close_connection = True
                raise ApiError(411, "Length required", "Send a Content-Length header")
            return b""
        try:
            length = int(raw_length)
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            raise ApiError(400, "Bad request", "Invalid Content-Length header")
        if length > MAX_BODY_BYTES:
            # The body stays unread, so this connection cannot carry another request.
            self.close_connection = True
            raise ApiError(
                413, "Payload too large", f"Request bodies are limited to {MAX_BODY_BYTES} bytes"
            )
        return self.rfile.read(length)

    def _respond(self, status: int, body: dict[str, Any], headers: dict[str, str] | Any) -> None:
        payload = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", JSON_CONTENT_TYPE)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        # Logged before the body goes out so the line exists by the time a client has the reply.
        logger.info("%s %s %d", getattr(self, "command", "-"), self._log_path(), status)
        if getattr(self, "command", None) != "HEAD":
            self.wfile.write(payload)

    def _log_path(self) -> str:
        # Path only: query strings are not needed for the log and keep it short.
        return urlsplit(getattr(self, "path", "") or "").path or "-"
