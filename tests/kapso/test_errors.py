"""sandbox/kapso/errors.py: each failure becomes one error kind with a message fit to show,
made once where the fact is known; Kapso's own words are quoted with the key redacted."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from sandbox.kapso import KapsoClient, errors
from sandbox.kapso.errors import (
    DEFAULT_RETRY_AFTER,
    error_detail,
    error_for_status,
    retry_after_seconds,
)
from tests.conftest import TEST_API_KEY
from tests.scripted_server import Reply


def client_for(url: str, *, key: str = TEST_API_KEY) -> KapsoClient:
    return KapsoClient(base_url=url, api_key=key, timeout=2.0)


def http_date(seconds_from_now: float) -> str:
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds_from_now), usegmt=True)


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


@pytest.mark.parametrize(
    ("error", "maybe_sent"),
    [
        (error_for_status(500, {}, None, "/x"), False),
        (error_for_status(502, {}, None, "/x"), True),
        (error_for_status(503, {}, None, "/x"), False),
        (error_for_status(504, {}, None, "/x"), True),
        (error_for_status(422, {}, None, "/x"), False),
        (error_for_status(302, {}, None, "/x"), False),
        (error_for_status(429, {}, None, "/x"), False),
        (errors.KapsoResponseError("garbage", status=201), True),
        (errors.KapsoResponseError("too large"), True),
        (errors.timeout_error(1.0), True),
        (errors.timeout_error(1.0, maybe_sent=False), False),
        (errors.KapsoConnectionError("refused", maybe_sent=False), False),
    ],
)
def test_each_error_says_whether_kapso_may_have_acted(error, maybe_sent):
    # A create that failed with maybe_sent is looked for at Kapso, never blindly repeated.
    assert error.maybe_sent is maybe_sent


# --- Retry-After ------------------------------------------------------------------------
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


def test_rate_limit_with_an_http_date_waits_until_then(scripted):
    # RFC 9110 allows Retry-After as an HTTP date; five minutes ahead is ~300 s, not 60.
    scripted.reply = Reply(status=429, headers={"Retry-After": http_date(300)})
    with pytest.raises(errors.KapsoRateLimitedError) as caught:
        client_for(scripted.url).list_agents()
    assert 290 <= caught.value.retry_after <= 300
    assert f"try again in {caught.value.retry_after} s" in caught.value.message


@pytest.mark.parametrize(
    ("value", "low", "high"),
    [
        ("42", 42, 42),
        (" 7 ", 7, 7),
        ("0", 1, 1),  # never "retry at once"
        ("999999", 3600, 3600),  # never more than an hour
        (None, DEFAULT_RETRY_AFTER, DEFAULT_RETRY_AFTER),
        ("", DEFAULT_RETRY_AFTER, DEFAULT_RETRY_AFTER),
        ("soon", DEFAULT_RETRY_AFTER, DEFAULT_RETRY_AFTER),
        ("-5", DEFAULT_RETRY_AFTER, DEFAULT_RETRY_AFTER),
        ("1.5", DEFAULT_RETRY_AFTER, DEFAULT_RETRY_AFTER),
    ],
)
def test_retry_after_seconds_in_seconds(value, low, high):
    headers = {} if value is None else {"Retry-After": value}
    assert low <= retry_after_seconds(headers) <= high


def test_retry_after_as_an_http_date():
    assert 110 <= retry_after_seconds({"Retry-After": http_date(120)}) <= 120
    # The old RFC 850 and asctime forms are HTTP dates too.
    later = datetime.fromtimestamp(time.time() + 600, UTC)
    for form in ("%A, %d-%b-%y %H:%M:%S GMT", "%a %b %d %H:%M:%S %Y"):
        assert 590 <= retry_after_seconds({"Retry-After": later.strftime(form)}) <= 600, form


def test_retry_after_dates_are_kept_within_bounds():
    assert retry_after_seconds({"Retry-After": http_date(-3600)}) == 1  # already past
    assert retry_after_seconds({"Retry-After": http_date(10 * 24 * 3600)}) == 3600
    assert retry_after_seconds({"Retry-After": "Mon, 99 Foo 2024 99:99:99 GMT"}) == 60


def test_emulator_rate_limit_is_understood(emulator):
    from kapso_emulator import EmulatorServer

    with EmulatorServer(host="127.0.0.1", port=0, rate_limit=1) as limited:
        client = client_for(limited.api_base_url)
        # Three calls: a window boundary can fall between two of them, not between all.
        with pytest.raises(errors.KapsoRateLimitedError) as caught:
            for _ in range(3):
                client.list_agents()
    assert 1 <= caught.value.retry_after <= 60


# --- Kapso's own words, made safe -------------------------------------------------------
@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"error": "Agent not found"}, "Agent not found"),
        ({"error": "Bad", "message": "param missing"}, "Bad; param missing"),
        ({"error": "same", "message": "same"}, "same"),
        (
            {"errors": {"phone_number": ["is invalid", "is taken"]}},
            "phone_number is invalid, is taken",
        ),
        ({"errors": ["one", "two"]}, "one; two"),
        ({"error": "line\nbreak\x00nul"}, "line break nul"),
        ("<html>", ""),
        (["error"], ""),
        (None, ""),
    ],
)
def test_error_detail_quotes_kapsos_words(body, detail):
    assert error_detail(body) == detail


def test_error_detail_redacts_the_key_it_is_given():
    """The first of the two layers that keep the key out of what admins see: the client
    hands its key to error_detail, which removes it from Kapso's words."""
    body = {"error": f"bad key {TEST_API_KEY}", "message": f"({TEST_API_KEY})"}
    detail = error_detail(body, secret=TEST_API_KEY)
    assert detail == "bad key [redacted]; ([redacted])"
    error = error_for_status(422, {}, body, "/sandbox_sessions", secret=TEST_API_KEY)
    assert "Kapso said: bad key [redacted]; ([redacted])" in error.message
    assert TEST_API_KEY not in error.message


def test_the_client_hands_its_key_to_the_redaction(scripted):
    scripted.reply = Reply(status=422, body={"error": f"bad key {TEST_API_KEY}"})
    with pytest.raises(errors.KapsoValidationError) as caught:
        client_for(scripted.url).create_session(phone_number="+14155552671", agent_id="a")
    assert "Kapso said: bad key [redacted]" in caught.value.message
    assert TEST_API_KEY not in caught.value.message


def test_error_detail_is_cut_after_the_redaction():
    # The key straddles the 300-character cut: no prefix of it may survive.
    body = {"error": "x" * 285 + " " + TEST_API_KEY}
    detail = error_detail(body, secret=TEST_API_KEY)
    assert TEST_API_KEY[:10] not in detail
    assert detail.endswith("[redacted]")
    assert len(error_detail({"error": "y" * 1000})) == 301  # 300 and an ellipsis


@pytest.mark.django_db
def test_no_prefix_of_the_key_survives_a_cut_message(scripted, alice_client):
    from sandbox.models import FailedSessionAttempt

    # The key straddles the 300-character cut of Kapso's message.
    scripted.reply = Reply(status=422, body={"error": "x" * 285 + " " + TEST_API_KEY})
    alice_client.post("/", {"phone_number": "+14155552671", "agent_id": "agent-x"})
    message = FailedSessionAttempt.objects.get().error_message
    assert TEST_API_KEY[:10] not in message
