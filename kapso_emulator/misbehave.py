"""How the HTTP handler carries out an injected fault (see faults.py for arming them)."""

from __future__ import annotations

import contextlib
import json
import logging
import socket
import time

from kapso_emulator import faults
from kapso_emulator.routing import Reply

JSON_CONTENT_TYPE = "application/json; charset=utf-8"
logger = logging.getLogger("kapso_emulator")


class Misbehaviour:
    """Mixed into the request handler: each method writes one kind of bad answer."""

    def _misbehave(self, fault: faults.Fault, reply: Reply | None) -> None:
        """Answer as the fault says; `reply` is what the emulator would have sent."""
        logger.info("%s %s fault %s", self.command, self._log_path(), fault.kind)
        kind = fault.kind
        if kind in ("drop", "drop_before"):
            self._drop()
        elif kind == "status":
            self._respond(fault.status, fault.body or {"error": "Injected failure"}, {})
        elif kind == "rate_limit":
            body = {"error": "Rate limit exceeded", "message": "Injected by the emulator"}
            self._respond(429, body, {"Retry-After": str(fault.retry_after)})
        elif kind == "delay":
            time.sleep(fault.delay)
            with contextlib.suppress(OSError):
                self._respond(reply.status, reply.body, reply.headers)
        elif kind == "html":
            page = b"<!doctype html><html><body><h1>502 Bad Gateway</h1></body></html>"
            self._send_raw(fault.status if fault.status != 500 else 200, page, "text/html")
        elif kind == "truncated_json":
            payload = json.dumps(reply.body).encode()
            self._send_raw(reply.status, payload[: len(payload) // 2], JSON_CONTENT_TYPE)
        elif kind == "huge":
            self._send_huge(fault.declare_length)
        else:
            body = faults.corrupt(fault, reply.body)
            self._respond(reply.status, body, reply.headers)

    def _drop(self) -> None:
        # Close without a status line, as a crashed proxy or a reset connection would.
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def _send_raw(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(payload)

    def _send_huge(self, declare_length: bool) -> None:
        self.close_connection = True
        self.send_response(200)
        self.send_header("Content-Type", JSON_CONTENT_TYPE)
        if declare_length:
            self.send_header("Content-Length", str(faults.HUGE_BYTES))
        self.end_headers()
        chunk = b'{"data": [' + b" " * (64 * 1024 - 10)
        sent = 0
        with contextlib.suppress(OSError):  # the client is expected to hang up early
            while sent < faults.HUGE_BYTES:
                self.wfile.write(chunk)
                sent += len(chunk)
                chunk = b" " * len(chunk)
