"""A real HTTP server that answers with whatever a test scripts: Kapso misbehaving.

The emulator speaks Kapso's documented wire; this one sends what Kapso must never send
(HTML, broken JSON, slow or endless bodies) so the client's defences meet real sockets.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict | list = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the status line
    drip: float = 0.0  # seconds between body chunks of 1 KB
    close_after_headers: bool = False
    header_drip: float = 0.0  # seconds between bytes of the status line and headers


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class ScriptedServer:
    def __init__(self) -> None:
        self.reply = Reply()
        self.requests: list[Seen] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output clean
                pass

            def _any(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                outer.requests.append(Seen(self.command, self.path, dict(self.headers), body))
                reply = outer.reply
                time.sleep(reply.delay)
                if reply.header_drip:
                    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" * 20
                    try:
                        for byte in head:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(reply.header_drip)
                    except OSError:
                        pass  # the client hung up at its deadline, as it should
                    self.close_connection = True
                    return
                payload = reply.body
                if isinstance(payload, dict | list):
                    payload = json.dumps(payload).encode()
                elif isinstance(payload, str):
                    payload = payload.encode()
                self.send_response(reply.status)
                headers = {"Content-Type": "application/json", **reply.headers}
                if "Content-Length" not in headers and "Transfer-Encoding" not in headers:
                    headers["Content-Length"] = str(len(payload))
                headers["Connection"] = "close"
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if reply.close_after_headers:
                    self.wfile.flush()
                    self.connection.shutdown(2)
                    return
                try:
                    for start in range(0, len(payload), 1024):
                        self.wfile.write(payload[start : start + 1024])
                        self.wfile.flush()
                        time.sleep(reply.drip)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should
                self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = _any

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
