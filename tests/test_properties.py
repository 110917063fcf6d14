"""Property-based: whatever arrives, the normaliser and the parsers answer with a valid
result or our one typed error, and nothing else."""

from __future__ import annotations

import contextlib
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.kapso.client import _decode_json
from sandbox.kapso.errors import KapsoError, KapsoResponseError
from sandbox.kapso.types import (
    _E164,
    MAX_LINK_LENGTH,
    check_activation_link,
    parse_agent_list,
    parse_data,
    parse_session,
    parse_session_page,
)
from sandbox.phones import InvalidPhoneNumber, normalize_phone
from sandbox.qr import qr_svg
from tests.conftest import load_fixture

DOCUMENTED = load_fixture("create_sandbox_session.response.json")["data"]
REGIONS = st.sampled_from([None, "US", "GB", "DE", "IN", "BR", "us", "ZZ", ""])
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
phone_like = st.text(alphabet="+0123456789 ()-.#*x", max_size=40) | st.text(max_size=80)


@given(raw=phone_like, region=REGIONS)
@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
def test_phone_normaliser_returns_e164_or_our_error(raw, region):
    try:
        result = normalize_phone(raw, region)
    except InvalidPhoneNumber as exc:
        assert exc.message  # a sentence for the form
        return
    assert _E164.fullmatch(result)
    assert normalize_phone(result, None) == result  # normalising is stable


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


@given(body=json_values)
def test_any_json_body_is_a_page_or_our_error(body):
    for parser in (parse_session_page, parse_agent_list):
        with contextlib.suppress(KapsoResponseError):
            parser(body)


@given(raw=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_body_bytes_become_a_session_or_our_error(raw):
    # What the client does with a 2xx body: decode, unwrap, parse.
    try:
        parse_session(parse_data(_decode_json(raw)))
    except KapsoResponseError:
        return
    raise AssertionError("random bytes parsed as a session")


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


@given(
    link=st.from_regex(r"\Ahttps://wa\.me/[0-9]{6,15}\?text=[ -~]{0,600}\Z")
    | st.text(max_size=600).map(lambda t: "https://wa.me/15551234567?text=" + t)
)
@settings(max_examples=150, deadline=None)
def test_every_accepted_link_renders_a_qr_code(link):
    try:
        checked = check_activation_link(link) if len(link) <= MAX_LINK_LENGTH else None
    except KapsoError:
        return
    if checked:
        assert qr_svg(checked).startswith("<svg")
