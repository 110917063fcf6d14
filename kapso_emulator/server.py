"""The emulator app: lifecycle, API-key auth, rate limiting and dispatch to the route tables."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime

from kapso_emulator import api, control, faults
from kapso_emulator.errors import ApiError, not_implemented
from kapso_emulator.handler import Handler, HTTPServer
from kapso_emulator.ratelimit import FixedWindowRateLimiter, check_limit
from kapso_emulator.routing import Reply, Request, Router
from kapso_emulator.store import Store

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
        self._startup_rate_limit = check_limit(rate_limit)
        self.store = Store(state_file=state_file, sandbox_number=sandbox_number, clock=clock)
        self._api_key = api_key
        self.limiter = FixedWindowRateLimiter(rate_limit, now=lambda: self.store.now().timestamp())
        self._api_routes = Router(api.ROUTES, prefix=api.API_PREFIX)
        self._control_routes = Router(control.ROUTES, prefix=control.CONTROL_PREFIX)
        self._httpd = HTTPServer((host, port), Handler)
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
        """Forget every caller's count and go back to the limit the server started with.

        Back to the start-up limit, not the last one set: `reset` is what tests call between
        each other, so a limit one test sets must not leak into the next.
        """
        self.limiter.set_limit(self._startup_rate_limit)

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
        return self._dispatch(self._control_routes, request, guard=control.require_json)

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
        decision = self.limiter.check(identity)
        if decision is not None:
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

    def _dispatch(
        self,
        router: Router,
        request: Request,
        guard: Callable[[Request], None] | None = None,
    ) -> Reply:
        found = router.match(request.method, request.path)
        if found is None:
            raise not_implemented(request.method, request.path)
        # After the match, so an unknown route still answers 501 naming it, whatever its type.
        if guard is not None:
            guard(request)
        handler, params = found
        return handler(self, dataclasses.replace(request, params=params))
