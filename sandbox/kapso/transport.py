"""The transport under the Kapso client: one request, one hard deadline, a capped body.

requests' timeouts apply to each socket operation afresh, so a server that sends its
status line or body a byte at a time can hold a call far past them. Here every socket a
call opens or reuses is registered, and a timer shuts them all down at the deadline: the
blocked read then fails at once and `send` reports a timeout. Every failure leaves here
as a `KapsoError`.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Mapping
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ReadTimeoutError

from sandbox.kapso.errors import KapsoConnectionError, KapsoError, timeout_error, too_large_error

# Kapso's answers are a few KB; anything far larger is refused without reading it whole.
MAX_BODY_BYTES = 1024 * 1024
_CHUNK = 16 * 1024
# A connection that is not up within this long will not come up in time.
MAX_CONNECT_SECONDS = 5.0

_current = threading.local()


def _register(sock: socket.socket | None) -> None:
    deadline = getattr(_current, "deadline", None)
    if deadline is not None and sock is not None:
        deadline.watch(sock)


class _Registering:
    def _new_conn(self):
        # The raw socket, before any TLS handshake: a slow handshake is cut too.
        sock = super()._new_conn()
        _register(sock)
        return sock

    def connect(self) -> None:
        super().connect()
        _register(self.sock)

    def request(self, *args, **kwargs):
        _register(self.sock)  # a kept-alive connection is reused without connect()
        return super().request(*args, **kwargs)


class _HTTPConnection(_Registering, HTTPConnection):
    pass


class _HTTPSConnection(_Registering, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class DeadlineAdapter(HTTPAdapter):
    """Mount on a requests.Session so its connections can be cut by a Deadline."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


class Deadline:
    """`with Deadline(seconds) as d:` around one call; `d.expired` says whether it cut it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = max(seconds, 0.0)
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(self.seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        _current.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()
        _current.deadline = None

    def watch(self, sock: socket.socket) -> None:
        """Cut `sock` at the deadline, or at once if the deadline has already passed."""
        with self._lock:
            if not self.expired:
                self._sockets.append(sock)
                return
        _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    params: Mapping[str, Any] | None,
    payload: Any,
    deadline: float,
    timeout: float,
) -> tuple[int, Mapping[str, str], bytes]:
    """(status, headers, body) of one request that ends by `deadline` (a monotonic time).

    `timeout` is the whole call's budget, named in the message when it runs out.
    """
    remaining = max(deadline - time.monotonic(), 0.01)
    with Deadline(remaining) as cut:
        try:
            response = session.request(
                method,
                url,
                params=params,
                json=payload,
                timeout=(min(MAX_CONNECT_SECONDS, remaining), remaining),
                stream=True,
                # A custom header would follow a redirect to any host.
                allow_redirects=False,
            )
            with response:
                body = _read_body(response, deadline, timeout)
        except requests.ConnectTimeout:
            raise timeout_error(timeout, maybe_sent=False) from None
        except requests.Timeout:
            raise timeout_error(timeout, maybe_sent=True) from None
        except KapsoError:
            if cut.expired:
                raise timeout_error(timeout) from None
            raise
        except requests.RequestException as exc:
            if cut.expired:
                raise timeout_error(timeout, maybe_sent=not _never_connected(exc)) from None
            raise KapsoConnectionError(
                "Could not reach Kapso (the connection failed or was dropped). Check the "
                "network and KAPSO_API_BASE_URL, then try again.",
                maybe_sent=not _never_connected(exc),
            ) from None
    if cut.expired:  # the body may have ended early because the socket was cut
        raise timeout_error(timeout)
    return response.status_code, response.headers, body


def _read_body(response: requests.Response, deadline: float, timeout: float) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise too_large_error()
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_content(_CHUNK):
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise too_large_error()
            if time.monotonic() > deadline:
                raise timeout_error(timeout)
            chunks.append(chunk)
    except requests.RequestException as exc:
        if any(isinstance(arg, ReadTimeoutError) for arg in exc.args):
            raise timeout_error(timeout) from None
        raise KapsoConnectionError(
            "The connection to Kapso broke while its answer was arriving. Try again.",
            maybe_sent=True,
        ) from None
    return b"".join(chunks)


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
