"""The Kapso client against the emulator (the documented wire) and a scripted server
(everything Kapso must never send)."""

from __future__ import annotations

import logging
import time

import pytest

from sandbox.gateway import get_client
from sandbox.kapso import KapsoClient, errors
from sandbox.kapso.transport import MAX_BODY_BYTES
from tests.conftest import TEST_API_KEY, load_fixture
from tests.scripted_server import Reply

DOCUMENTED = load_fixture("create_sandbox_session.response.json")


def client_for(url: str, *, key: str = TEST_API_KEY, timeout: float = 2.0) -> KapsoClient:
    return KapsoClient(base_url=url, api_key=key, timeout=timeout)


# --- the documented wire, through the emulator ----------------------------------------
def test_list_agents_returns_typed_agents(kapso):
    agents = get_client().list_agents()
    assert len(agents) >= 2
    assert all(a.id and a.name for a in agents)


def test_create_then_get_session(kapso):
    client = get_client()
    agent = client.list_agents()[0]
    created = client.create_session(phone_number="+14155552671", agent_id=agent.id)
    assert created.status == "pending_activation"
    assert created.phone_number == "+14155552671"
    assert created.agent.id == agent.id
    assert created.activation_link == f"https://wa.me/15550001111?text={created.activation_code}"
    assert created.activation_code in created.activation_message
    assert created.expires_at > created.created_at
    fetched = client.get_session(created.id)
    assert fetched.id == created.id
    assert fetched.activation_code == created.activation_code


def test_list_sessions_reads_pages_and_meta(kapso):
    client = get_client()
    agent = client.list_agents()[0]
    ids = {
        client.create_session(phone_number=f"+1415555267{i}", agent_id=agent.id).id
        for i in range(3)
    }
    first = client.list_sessions(page=1, per_page=2)
    second = client.list_sessions(page=2, per_page=2)
    assert (first.total_count, first.total_pages, first.per_page) == (3, 2, 2)
    assert len(first.items) == 2 and len(second.items) == 1
    assert {s.id for s in first.items + second.items} == ids


def test_list_sessions_refuses_out_of_range_paging(kapso):
    with pytest.raises(ValueError):
        get_client().list_sessions(per_page=101)


def test_unknown_agent_is_not_found_with_kapsos_words(kapso):
    with pytest.raises(errors.KapsoNotFoundError) as caught:
        get_client().create_session(phone_number="+14155552671", agent_id="no-such-agent")
    assert "Agent not found" in caught.value.message
    assert caught.value.status == 404


def test_wrong_key_is_auth_error(kapso):
    with pytest.raises(errors.KapsoAuthError) as caught:
        client_for(kapso.api_base_url, key="wrong-key").list_agents()
    assert "KAPSO_API_KEY" in caught.value.message
    assert "wrong-key" not in caught.value.message


def test_missing_key_is_configuration_error_without_a_request(scripted):
    with pytest.raises(errors.KapsoConfigurationError):
        client_for(scripted.url, key="").list_agents()
    assert scripted.requests == []


def test_requests_carry_key_user_agent_and_exact_body(scripted):
    scripted.reply = Reply(status=201, body=DOCUMENTED)
    client_for(scripted.url + "/api/v1").create_session(
        phone_number="+12345678901", agent_id="agent-123abc"
    )
    seen = scripted.requests[0]
    assert (seen.method, seen.path) == ("POST", "/api/v1/sandbox_sessions")
    assert seen.headers["X-API-Key"] == TEST_API_KEY
    assert seen.headers["User-Agent"].startswith("kapso-sandbox-dashboard/")


def test_ids_cannot_escape_their_path_segment(scripted):
    scripted.reply = Reply(status=200, body=DOCUMENTED)
    client_for(scripted.url).get_session("../agents?x=1")
    assert scripted.requests[0].path == "/sandbox_sessions/..%2Fagents%3Fx%3D1"


@pytest.mark.parametrize("session_id", ["", ".", ".."])
def test_dot_ids_are_refused_before_any_request(scripted, session_id):
    # quote() leaves "." and ".." alone; the URL would name the list or the API root.
    with pytest.raises(ValueError, match="not a Kapso id"):
        client_for(scripted.url).get_session(session_id)
    assert scripted.requests == []


# --- statuses Kapso documents, each with its own message ------------------------------
@pytest.mark.parametrize(
    ("status", "body", "kind", "words"),
    [
        (
            400,
            {"error": "Bad request", "message": "param missing"},
            errors.KapsoValidationError,
            "param missing",
        ),
        (401, {"error": "Invalid or missing API key"}, errors.KapsoAuthError, "KAPSO_API_KEY"),
        (403, {"error": "Forbidden"}, errors.KapsoAuthError, "KAPSO_API_KEY"),
        (404, {"error": "Agent not found"}, errors.KapsoNotFoundError, "Agent not found"),
        (
            404,
            "<html><h1>Not Found</h1></html>",
            errors.KapsoUnavailableError,
            "does not offer sandbox sessions",
        ),
        (
            404,
            {"status": 404, "error": "Not Found"},
            errors.KapsoUnavailableError,
            "does not offer sandbox sessions",
        ),
        (410, {"error": "Gone"}, errors.KapsoUnavailableError, "does not offer sandbox sessions"),
        (
            422,
            {"errors": {"phone_number": ["is invalid"]}},
            errors.KapsoValidationError,
            "phone_number is invalid",
        ),
        (500, {"error": "Internal error"}, errors.KapsoServerError, "HTTP 500"),
        (502, "<html>Bad gateway</html>", errors.KapsoServerError, "HTTP 502"),
        (302, "", errors.KapsoResponseError, "redirect"),
        (418, "", errors.KapsoResponseError, "HTTP 418"),
    ],
)
def test_error_statuses_get_their_own_message(scripted, status, body, kind, words):
    scripted.reply = Reply(status=status, body=body, headers={"Location": "https://evil.example/"})
    with pytest.raises(kind) as caught:
        client_for(scripted.url).create_session(phone_number="+14155552671", agent_id="a")
    assert words in caught.value.message
    assert "<html>" not in caught.value.message
    assert len(scripted.requests) == 1  # redirects are not followed


def test_rate_limit_reports_the_wait(scripted):
    scripted.reply = Reply(
        status=429,
        body={"error": "Rate limit exceeded", "message": "slow down"},
        headers={"Retry-After": "42"},
    )
    with pytest.raises(errors.KapsoRateLimitedError) as caught:
        client_for(scripted.url).list_agents()
    assert caught.value.retry_after == 42
    assert "try again in 42 s" in caught.value.message


def test_rate_limit_without_retry_after_assumes_documented_minute(scripted):
    scripted.reply = Reply(status=429, body={"error": "Rate limit exceeded"})
    with pytest.raises(errors.KapsoRateLimitedError) as caught:
        client_for(scripted.url).list_agents()
    assert caught.value.retry_after == 60


def test_emulator_rate_limit_is_understood(emulator):
    from kapso_emulator import EmulatorServer

    with EmulatorServer(host="127.0.0.1", port=0, rate_limit=1) as limited:
        client = client_for(limited.api_base_url)
        # Three calls: a window boundary can fall between two of them, not between all.
        with pytest.raises(errors.KapsoRateLimitedError) as caught:
            for _ in range(3):
                client.list_agents()
    assert 1 <= caught.value.retry_after <= 60


# --- garbage in, one typed error out ------------------------------------------------------
def _with(**changes):
    data = {**DOCUMENTED["data"], **changes}
    return {"data": {k: v for k, v in data.items() if v is not _DROP}}


_DROP = object()


@pytest.mark.parametrize(
    "body",
    [
        "<!doctype html><html><body>Welcome to nginx</body></html>",
        '{"data": {"id": "abc", "phone_',
        "",
        [],
        {"no_data": True},
        {"data": []},
        _with(id=_DROP),
        _with(activation_code=123),
        _with(status=""),
        _with(agent=None),
        _with(phone_number="12345"),
        _with(expires_at="tomorrow"),
        _with(activation_link="javascript:alert(1)"),
        _with(activation_link="https://evil.example/15551234567?text=ABC123"),
        _with(activation_link="http://wa.me/15551234567?text=ABC123"),
        _with(activation_link="https://wa.me.evil.example/1555?text=A"),
        _with(activation_link="https://user@wa.me/15551234567?text=A"),
        _with(activation_link="https://wa.me/15551234567?text=" + "A" * 5000),
        _with(activation_message="x" * 5000),
        _with(activation_link="https://wa.me/15551234567?text=" + "€" * 300),
        _with(phone_number="+14155552671\n"),
        _with(phone_number="+١٤١٥٥٥٥٢٦٧١"),
        _with(activation_link="HTTPS://wa.me/15551234567?text=A"),
        _with(activation_message="nul \u0000 inside"),
    ],
)
def test_garbage_is_one_typed_error(scripted, body):
    scripted.reply = Reply(status=201, body=body)
    with pytest.raises(errors.KapsoResponseError) as caught:
        client_for(scripted.url).create_session(phone_number="+12345678901", agent_id="a")
    assert "Nothing was saved" in caught.value.message


def test_unknown_status_and_null_timestamps_are_kept(scripted):
    scripted.reply = Reply(
        status=201, body=_with(status="paused_by_kapso", activated_at=None, expires_at=None)
    )
    session = client_for(scripted.url).create_session(phone_number="+12345678901", agent_id="a")
    assert session.status == "paused_by_kapso"
    assert session.activated_at is None and session.expires_at is None


def test_bare_agent_list_is_accepted(scripted):
    scripted.reply = Reply(status=200, body=[DOCUMENTED["data"]["agent"]])
    assert client_for(scripted.url).list_agents()[0].id == "agent-123abc"


# --- time and size limits -----------------------------------------------------------------
def test_slow_answer_times_out_within_the_limit(scripted):
    scripted.reply = Reply(status=201, body=DOCUMENTED, delay=3)
    started = time.monotonic()
    with pytest.raises(errors.KapsoTimeoutError) as caught:
        client_for(scripted.url, timeout=0.5).create_session(
            phone_number="+12345678901", agent_id="a"
        )
    assert time.monotonic() - started < 2.0  # the server would take 3 s
    assert "0.5 s" in caught.value.message


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


def test_unreachable_kapso_is_a_connection_error(scripted):
    port_nobody_listens_on = "http://127.0.0.1:9"
    with pytest.raises(errors.KapsoConnectionError):
        client_for(port_nobody_listens_on).list_agents()


def test_dropped_connection_is_a_connection_error(scripted):
    scripted.reply = Reply(status=200, headers={"Content-Length": "5000"}, close_after_headers=True)
    with pytest.raises(errors.KapsoConnectionError):
        client_for(scripted.url).list_agents()


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


# --- the key stays secret -------------------------------------------------------------------
def test_key_never_in_errors_repr_or_logs(scripted, caplog):
    caplog.set_level(logging.DEBUG)
    client = client_for(scripted.url)
    for reply in (
        Reply(status=401),
        Reply(status=500, body="oops"),
        Reply(status=201, body="<html>"),
    ):
        scripted.reply = reply
        with pytest.raises(errors.KapsoError) as caught:
            client.list_agents()
        assert TEST_API_KEY not in str(caught.value)
        assert TEST_API_KEY not in repr(caught.value)
    assert TEST_API_KEY not in repr(client)
    assert TEST_API_KEY not in caplog.text
    assert "kapso GET /agents -> 401" in caplog.text
