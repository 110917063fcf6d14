"""The HTTP front end (kapso_emulator/server.py and handler.py): body limits, API keys,
routing to 501, the request log, and the server's lifecycle."""

from __future__ import annotations

import logging
import socket

import pytest
import requests

from kapso_emulator import EmulatorServer
from tests.emulator.helpers import call, create


def test_oversized_body_is_413(emulator):
    response = call(emulator, "POST", "/api/v1/sandbox_sessions", data=b"x" * (1024 * 1024 + 1))

    assert response.status_code == 413
    assert response.json()["error"] == "Payload too large"


def test_declared_huge_body_is_413_without_reading_it(emulator):
    host, port = emulator.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(
            b"POST /api/v1/sandbox_sessions HTTP/1.1\r\nHost: x\r\nX-API-Key: k\r\n"
            b"Content-Length: 999999999\r\n\r\n"
        )
        reply = sock.recv(4096)

    assert reply.startswith(b"HTTP/1.0 413")


# -- auth and routing -----------------------------------------------------------------------


@pytest.mark.parametrize("key", [None, ""])
def test_missing_api_key_is_401(emulator, key):
    listed = call(emulator, "GET", "/api/v1/sandbox_sessions", key=key)
    created = create(emulator, key=key)

    for response in (listed, created):
        assert response.status_code == 401
        assert response.json() == {"error": "Invalid or missing API key"}
    assert emulator.store.counts()[0] == 0


def test_any_non_empty_key_is_accepted_by_default(emulator):
    assert call(emulator, "GET", "/api/v1/agents", key="whatever").status_code == 200


def test_fixed_api_key_must_match(make_emulator):
    srv = make_emulator(api_key="secret-key")

    for wrong in ("secret-ke", "secret-key2", "SECRET-KEY", "other"):
        response = call(srv, "GET", "/api/v1/agents", key=wrong)
        assert response.status_code == 401
        assert response.json() == {"error": "Invalid or missing API key"}
    assert call(srv, "GET", "/api/v1/agents", key="secret-key").status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/api/v1/sandbox_sessions/abc"),
        ("PUT", "/api/v1/agents"),
        ("GET", "/api/v1/whatsapp/messages"),
        ("GET", "/api/v2/agents"),
        ("POST", "/webhooks"),
        ("GET", "/_emulator/nope"),
        ("PATCH", "/_emulator/health"),
    ],
)
def test_unknown_route_is_501_naming_method_and_path(emulator, method, path):
    response = call(emulator, method, path)

    assert response.status_code == 501
    assert response.json() == {
        "error": "Not implemented by the Kapso emulator",
        "message": f"{method} {path}",
    }


def test_unknown_api_route_without_key_is_401_not_501(emulator):
    response = call(emulator, "DELETE", "/api/v1/sandbox_sessions/abc", key=None)

    assert response.status_code == 401


def test_request_log_names_method_path_status_but_never_the_key(make_emulator, caplog):
    caplog.set_level(logging.INFO, logger="kapso_emulator")
    srv = make_emulator(api_key="do-not-log-me")

    create(srv, key="do-not-log-me")
    call(srv, "GET", "/api/v1/agents", key="wrong-key-also-secret")

    assert "POST /api/v1/sandbox_sessions 201" in caplog.text
    assert "GET /api/v1/agents 401" in caplog.text
    assert "do-not-log-me" not in caplog.text
    assert "wrong-key-also-secret" not in caplog.text


# -- lifecycle ------------------------------------------------------------------------------


def test_context_manager_stops_and_closes_socket():
    with EmulatorServer(port=0) as srv:
        url = srv.url
        assert requests.get(url + "/_emulator/health", timeout=5).status_code == 200
        assert srv.api_base_url == url + "/api/v1"

    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/_emulator/health", timeout=5)
