"""kapso_emulator/handler.py: the HTTP layer. Every answer is JSON, even to a broken request,
and a body the emulator cannot read safely is refused before it is read."""

from __future__ import annotations

import json
import socket

import pytest

from tests.emulator.helpers import KEY, call, create


def raw(emulator, request: bytes) -> bytes:
    """The emulator's whole answer to bytes sent as they are, until it closes or 2 s pass."""
    host, port = emulator.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(request)
        sock.settimeout(2)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except TimeoutError:
            pass
    return b"".join(chunks)


def test_a_chunked_body_without_a_length_is_411(emulator):
    reply = raw(
        emulator,
        b"POST /api/v1/sandbox_sessions HTTP/1.1\r\nHost: x\r\nX-API-Key: k\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    )
    assert reply.startswith(b"HTTP/1.0 411") and b'"Length required"' in reply


@pytest.mark.parametrize("length", [b"-1", b"ten"])
def test_a_nonsense_length_is_400(emulator, length):
    reply = raw(
        emulator,
        b"POST /api/v1/sandbox_sessions HTTP/1.1\r\nHost: x\r\nX-API-Key: k\r\n"
        b"Content-Length: " + length + b"\r\n\r\n",
    )
    assert reply.startswith(b"HTTP/1.0 400") and b"Invalid Content-Length header" in reply


@pytest.mark.parametrize(
    ("line", "error"),
    [
        (b"GET /api/v1/agents HTTP/9.9", "Invalid HTTP version (9.9)"),
        (b"NOT A REQUEST", "Bad request version ('REQUEST')"),
    ],
)
def test_a_broken_request_is_answered_in_json(emulator, line, error):
    # The request never said which HTTP it speaks, so the answer has no head (HTTP/0.9):
    # only the body, and it is the emulator's JSON, not the standard library's HTML page.
    assert json.loads(raw(emulator, line + b"\r\n\r\n")) == {"error": error}


def test_any_verb_gets_the_emulators_json_and_head_gets_no_body(emulator):
    invented = call(emulator, "BREW", "/api/v1/sandbox_sessions")
    assert (
        invented.status_code == 501
        and invented.json()["message"] == "BREW /api/v1/sandbox_sessions"
    )
    head = raw(emulator, f"HEAD /api/v1/agents HTTP/1.0\r\nX-API-Key: {KEY}\r\n\r\n".encode())
    assert head.startswith(b"HTTP/1.0 ") and head.endswith(b"\r\n\r\n")


def test_the_server_names_itself_without_pythons_version(emulator):
    assert create(emulator).headers["Server"] == "KapsoEmulator/1.0"
