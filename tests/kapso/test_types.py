"""sandbox/kapso/types.py: the strict parsers. Whatever arrives, a parser returns a fully
checked object or raises our one typed error, and nothing else."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.kapso import KapsoClient
from sandbox.kapso.errors import KapsoError, KapsoResponseError
from sandbox.kapso.types import (
    _E164,
    Agent,
    Page,
    check_activation_link,
    parse_agent,
    parse_agent_list,
    parse_data,
    parse_session,
    parse_session_page,
)
from tests.conftest import TEST_API_KEY, load_fixture
from tests.scripted_server import Reply

RESPONSE = load_fixture("create_sandbox_session.response.json")
DOCUMENTED = RESPONSE["data"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
META = {"page": 1, "per_page": 20, "total_pages": 1, "total_count": 1}
# Bodies close to a real page, so the property below meets pages and lists, not only errors.
near_pages = st.fixed_dictionaries(
    {
        "data": st.lists(
            st.just(DOCUMENTED)
            | st.just(DOCUMENTED["agent"])
            | st.builds(
                lambda key, value: {**DOCUMENTED, key: value},
                st.sampled_from(sorted(DOCUMENTED)),
                json_values,
            ),
            max_size=3,
        ),
        "meta": st.fixed_dictionaries({key: st.integers(-1, 3) for key in META}) | json_values,
    }
)


def client_for(url: str) -> KapsoClient:
    return KapsoClient(base_url=url, api_key=TEST_API_KEY, timeout=2.0)


# --- the documented example -----------------------------------------------------------
def test_the_documented_session_parses_field_by_field():
    session = parse_session(DOCUMENTED)
    assert session.id == DOCUMENTED["id"]
    assert session.phone_number == "+12345678901"
    assert session.activation_link == "https://wa.me/12345678901?text=ABC123"
    assert session.expires_at == datetime(2023, 11, 7, 5, 31, 56, tzinfo=UTC)
    assert session.agent == parse_agent(DOCUMENTED["agent"])
    assert session.raw is DOCUMENTED


def test_a_timestamp_without_an_offset_is_utc():
    session = parse_session({**DOCUMENTED, "created_at": "2024-01-02T03:04:05"})
    assert session.created_at == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)


def test_unknown_status_and_null_timestamps_are_kept(scripted):
    data = {**DOCUMENTED, "status": "paused_by_kapso", "activated_at": None, "expires_at": None}
    scripted.reply = Reply(status=201, body={"data": data})
    session = client_for(scripted.url).create_session(phone_number="+12345678901", agent_id="a")
    assert session.status == "paused_by_kapso"
    assert session.activated_at is None and session.expires_at is None


def test_bare_agent_list_is_accepted(scripted):
    scripted.reply = Reply(status=200, body=[DOCUMENTED["agent"]])
    assert client_for(scripted.url).list_agents()[0].id == "agent-123abc"


def test_one_bad_session_does_not_cost_the_page():
    bad = {**DOCUMENTED, "id": "bad", "activation_link": "javascript:alert(1)"}
    page = parse_session_page({"data": [DOCUMENTED, bad], "meta": {**META, "total_count": 2}})
    assert [s.id for s in page.items] == [DOCUMENTED["id"]]
    assert len(page.failures) == 1 and "activation_link" in page.failures[0]


@pytest.mark.parametrize(
    "meta",
    [None, {}, {**META, "page": 0}, {**META, "per_page": True}, {**META, "total_count": -1}],
)
def test_a_page_without_usable_meta_is_refused(meta):
    with pytest.raises(KapsoResponseError, match="meta"):
        parse_session_page({"data": [], "meta": meta})


@pytest.mark.parametrize("agent_id", ["", ".", "..", "...", " "])
def test_ids_that_would_name_another_url_are_refused(agent_id):
    with pytest.raises(KapsoResponseError):
        parse_agent({**DOCUMENTED["agent"], "id": agent_id})


# --- whatever arrives -----------------------------------------------------------------
@given(field=st.sampled_from(sorted(DOCUMENTED)), value=json_values)
@settings(max_examples=400)
def test_session_parser_accepts_or_raises_our_error(field, value):
    item = {**DOCUMENTED, field: value}
    try:
        session = parse_session(item)
    except KapsoResponseError:
        return
    check_activation_link(session.activation_link)
    assert _E164.fullmatch(session.phone_number)
    assert session.id and session.status and session.activation_code


def _agent_list_items(body):
    """What parse_agent_list reads: a bare list, or the list inside {"data": ...}."""
    if isinstance(body, list):
        return body
    return body["data"]


@given(body=json_values | near_pages)
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_any_json_body_is_a_page_or_our_error(body):
    try:
        page = parse_session_page(body)
    except KapsoResponseError:
        pass
    else:
        # Only a {"data": [...], "meta": {...}} body is a page, and each item is either a
        # checked session or a named failure: nothing dropped, nothing half-parsed.
        assert isinstance(page, Page)
        assert isinstance(body, dict) and isinstance(body["data"], list)
        assert len(page.items) + len(page.failures) == len(body["data"])
        assert all(_E164.fullmatch(s.phone_number) for s in page.items)
        assert page.page >= 1 and page.per_page >= 1
        assert page.total_pages >= 0 and page.total_count >= 0
        assert (page.page, page.per_page) == (body["meta"]["page"], body["meta"]["per_page"])
    try:
        agents = parse_agent_list(body)
    except KapsoResponseError:
        pass
    else:
        items = _agent_list_items(body)
        assert isinstance(items, list) and len(agents) == len(items)
        assert all(isinstance(a, Agent) and a.id.strip(".") and a.name.strip() for a in agents)
        assert [a.id for a in agents] == [item["id"] for item in items]


def test_the_page_property_is_not_vacuous():
    """The property above meets real pages and agent lists, not only errors."""
    page = parse_session_page({"data": [DOCUMENTED, {}], "meta": META})
    assert len(page.items) == 1 and len(page.failures) == 1
    assert parse_agent_list({"data": [DOCUMENTED["agent"]]})[0].id == "agent-123abc"


@given(
    link=st.text(max_size=120) | st.from_regex(r"https://wa\.me/[0-9]{4,16}\?text=[A-Z0-9]{1,8}")
)
def test_activation_link_check_is_strict(link):
    try:
        checked = check_activation_link(link)
    except KapsoError:
        return
    parts = urlsplit(checked)
    assert checked.startswith("https://wa.me/")
    assert (parts.scheme, parts.netloc, parts.port, parts.fragment) == ("https", "wa.me", None, "")
    assert parts.path[1:].isdigit()


def test_parse_data_unwraps_only_the_envelope():
    assert parse_data({"data": [1]}) == [1]
    for body in ([], "data", {"no": 1}, None):
        with pytest.raises(KapsoResponseError):
            parse_data(body)
