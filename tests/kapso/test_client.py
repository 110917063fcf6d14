"""sandbox/kapso/client.py: the Kapso API as Python calls, against the emulator (the
documented wire) and a scripted server (everything Kapso must never send)."""

from __future__ import annotations

import json
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sandbox.gateway import get_client
from sandbox.kapso import KapsoClient, errors
from sandbox.kapso.client import USER_AGENT, _decode_json, path_segment
from sandbox.kapso.errors import KapsoResponseError
from sandbox.kapso.types import parse_data, parse_session
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


@pytest.mark.parametrize(("page", "per_page"), [(0, 20), (1, 0), (1, 101), (-1, 20)])
def test_out_of_range_paging_is_refused_before_any_request(scripted, page, per_page):
    with pytest.raises(ValueError, match="per_page"):
        client_for(scripted.url).list_sessions(page=page, per_page=per_page)
    assert scripted.requests == []


def test_list_sessions_sends_page_and_per_page(scripted):
    scripted.reply = Reply(
        status=200,
        body={"data": [], "meta": {"page": 3, "per_page": 7, "total_pages": 3, "total_count": 15}},
    )
    page = client_for(scripted.url + "/api/v1").list_sessions(page=3, per_page=7)
    assert scripted.requests[0].path == "/api/v1/sandbox_sessions?page=3&per_page=7"
    assert (page.page, page.per_page, page.total_pages, page.total_count) == (3, 7, 3, 15)


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
    assert seen.headers["User-Agent"] == USER_AGENT
    assert seen.headers["Accept"] == "application/json"
    assert seen.headers["Content-Type"] == "application/json"
    # Exactly the body Kapso documents: one wrapper object, these two fields, nothing else.
    assert json.loads(seen.body) == {
        "whatsapp_sandbox_session": {"phone_number": "+12345678901", "agent_id": "agent-123abc"}
    }


def test_reads_send_no_body(scripted):
    scripted.reply = Reply(status=200, body=DOCUMENTED)
    client_for(scripted.url).get_session("abc")
    seen = scripted.requests[0]
    assert (seen.method, seen.path, seen.body) == ("GET", "/sandbox_sessions/abc", b"")
    assert seen.headers["X-API-Key"] == TEST_API_KEY


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


@pytest.mark.parametrize(
    ("value", "segment"),
    [("abc", "abc"), ("a/b", "a%2Fb"), ("...", "..."), ("a b?c#d", "a%20b%3Fc%23d")],
)
def test_path_segment_quotes_everything_but_the_id(value, segment):
    assert path_segment(value) == segment


def test_base_url_trailing_slash_makes_no_double_slash(scripted):
    scripted.reply = Reply(status=200, body=[DOCUMENTED["data"]["agent"]])
    client_for(scripted.url + "/api/v1/").list_agents()
    assert scripted.requests[0].path == "/api/v1/agents"


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


def test_garbage_after_a_2xx_may_have_been_carried_out(scripted):
    scripted.reply = Reply(status=201, body="<html>")
    with pytest.raises(errors.KapsoResponseError) as caught:
        client_for(scripted.url).create_session(phone_number="+12345678901", agent_id="a")
    assert caught.value.status == 201 and caught.value.maybe_sent


@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_body_bytes_become_a_session_or_our_error(raw):
    # What the client does with a 2xx body: decode, unwrap, parse.
    try:
        parse_session(parse_data(_decode_json(raw)))
    except KapsoResponseError:
        return
    raise AssertionError("random bytes parsed as a session")


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


def test_the_key_is_sent_to_the_configured_host_only(scripted, monkeypatch):
    # Proxy settings in the environment would send the key (and the requests) elsewhere.
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:1")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:1")
    scripted.reply = Reply(status=200, body=[DOCUMENTED["data"]["agent"]])
    assert client_for(scripted.url).list_agents()[0].id == "agent-123abc"
    assert len(scripted.requests) == 1


class _Told:
    """A listener that writes down what the client told it (a real listener, in memory)."""

    def __init__(self) -> None:
        self.events: list[tuple] = []

    def called(self, operation: str, outcome: str, seconds: float) -> None:
        self.events.append(("called", operation, outcome))

    def refused(self, whose: str) -> None:
        self.events.append(("refused", whose))

    def waited(self, operation: str, seconds: float) -> None:
        self.events.append(("waited", operation))


class _Broken(_Told):
    def called(self, operation: str, outcome: str, seconds: float) -> None:
        raise RuntimeError("the counter is down")


def test_the_listener_hears_each_attempt_with_its_outcome(kapso):
    from tests.conftest import arm

    told = _Told()
    client = KapsoClient(base_url=kapso.api_base_url, api_key=TEST_API_KEY, listener=told)
    arm(kapso, "status", path="/api/v1/agents", method="GET", status=503)
    client.list_agents()
    with pytest.raises(errors.KapsoNotFoundError):
        client.get_session("no-such-session")
    assert told.events == [
        ("called", "list_agents", "server"),
        ("waited", "list_agents"),
        ("called", "list_agents", "ok"),
        ("called", "get_session", "not_found"),
    ]


def test_a_failing_listener_never_fails_the_call(kapso):
    client = KapsoClient(base_url=kapso.api_base_url, api_key=TEST_API_KEY, listener=_Broken())
    assert client.list_agents()
