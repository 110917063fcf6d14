"""sandbox/kapso/transport.py: one request, one hard deadline, a capped body; every failure
on the wire leaves as a KapsoError."""

from __future__ import annotations

import json
import time

import pytest

from sandbox.kapso import KapsoClient, errors
from sandbox.kapso.transport import MAX_BODY_BYTES
from tests.conftest import TEST_API_KEY, load_fixture
from tests.scripted_server import Reply

DOCUMENTED = load_fixture("create_sandbox_session.response.json")


def client_for(url: str, *, timeout: float = 2.0) -> KapsoClient:
    return KapsoClient(base_url=url, api_key=TEST_API_KEY, timeout=timeout)


def test_slow_answer_times_out_within_the_limit(scripted):
    scripted.reply = Reply(status=201, body=DOCUMENTED, delay=3)
    started = time.monotonic()
    with pytest.raises(errors.KapsoTimeoutError) as caught:
        client_for(scripted.url, timeout=0.5).create_session(
            phone_number="+12345678901", agent_id="a"
        )
    assert time.monotonic() - started < 2.0  # the server would take 3 s
    assert "0.5 s" in caught.value.message
    assert caught.value.maybe_sent  # the request had left: Kapso may have done it


def test_dripping_body_is_cut_at_the_deadline(scripted):
    # 50 chunks, one every 0.1 s: the whole body would take 5 s.
    scripted.reply = Reply(status=200, body=b" " * 50_000, drip=0.1)
    started = time.monotonic()
    with pytest.raises(errors.KapsoTimeoutError):
        client_for(scripted.url, timeout=0.5).list_agents()
    # Generous against a loaded CI machine, far below what the server would take.
    assert time.monotonic() - started < 2.0


def test_headers_trickling_in_are_cut_at_the_deadline(scripted):
    # Each byte arrives well within the read timeout, and the headers would take ~50 s;
    # only a hard deadline stops this.
    scripted.reply = Reply(header_drip=0.05)
    started = time.monotonic()
    with pytest.raises(errors.KapsoTimeoutError):
        client_for(scripted.url, timeout=0.5).list_agents()
    assert time.monotonic() - started < 2.0


def test_unreachable_kapso_is_a_connection_error(refused_url):
    with pytest.raises(errors.KapsoConnectionError) as caught:
        client_for(refused_url).list_agents()
    assert "Could not reach Kapso" in caught.value.message


def test_a_refused_connection_never_reached_kapso(refused_url):
    # Nothing left this machine: a create refused here cannot have been carried out.
    with pytest.raises(errors.KapsoConnectionError) as caught:
        client_for(refused_url).create_session(phone_number="+14155552671", agent_id="a")
    assert caught.value.maybe_sent is False


def test_dropped_connection_is_a_connection_error(scripted):
    scripted.reply = Reply(status=200, headers={"Content-Length": "5000"}, close_after_headers=True)
    with pytest.raises(errors.KapsoConnectionError) as caught:
        client_for(scripted.url).list_agents()
    assert caught.value.maybe_sent  # the request was answered, then the answer broke


def test_declared_huge_body_is_refused_unread(scripted):
    scripted.reply = Reply(
        status=200, body=b"{}", headers={"Content-Length": str(10 * 1024 * 1024)}
    )
    with pytest.raises(errors.KapsoResponseError) as caught:
        client_for(scripted.url).list_agents()
    assert "larger than expected" in caught.value.message


def test_undeclared_huge_body_is_cut_off(scripted):
    scripted.reply = Reply(
        status=200,
        body=b"[" + b'"x",' * (MAX_BODY_BYTES // 3) + b'"x"]',
        headers={"Transfer-Encoding": "identity", "Content-Length": ""},
    )
    scripted.reply.headers.pop("Content-Length")
    with pytest.raises(errors.KapsoResponseError) as caught:
        client_for(scripted.url, timeout=5).list_agents()
    assert "larger than expected" in caught.value.message


def test_a_body_just_under_the_cap_is_read(scripted):
    agent = DOCUMENTED["data"]["agent"]
    body = b"[" + b",".join([json.dumps(agent).encode()] * 2) + b"]"
    padded = body + b" " * (MAX_BODY_BYTES - len(body))
    scripted.reply = Reply(status=200, body=padded)
    assert len(client_for(scripted.url, timeout=5).list_agents()) == 2
