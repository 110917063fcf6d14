"""The HTTP layer: reading a request off the socket and writing the JSON reply.

Kept apart from server.py so the app (auth, limits, dispatch) reads without socket details.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from kapso_emulator import api, faults
from kapso_emulator.errors import ApiError
from kapso_emulator.misbehave import Misbehaviour
from kapso_emulator.routing import Reply, Request

if TYPE_CHECKING:
    from kapso_emulator.server import EmulatorServer

logger = logging.getLogger("kapso_emulator")

MAX_BODY_BYTES = 1024 * 1024
JSON_CONTENT_TYPE = "application/json; charset=utf-8"


class HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    # socketserver's default backlog of 5 refuses a burst of simultaneous connections
    # (twenty teammates at once), which a real API behind a load balancer would not.
    request_queue_size = 128
    app: EmulatorServer


class Handler(Misbehaviour, BaseHTTPRequestHandler):
    server: HTTPServer
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
