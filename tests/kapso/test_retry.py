"""sandbox/kapso/retry.py: only reads are repeated, within the call's own deadline; background
work waits out Kapso's rate limit for as long as Kapso asks, a bounded number of times."""

from __future__ import annotations

import time

import pytest
import requests

from sandbox.gateway import get_client
from sandbox.kapso import errors
from sandbox.kapso.retry import (
    BACKOFF_SECONDS,
    MAX_RATE_LIMIT_WAITS,
    read_retry_wait,
    with_rate_limit_waits,
)
from tests.conftest import FAULTY_TIMEOUT, arm, emulator_calls

pytestmark = pytest.mark.django_db


def rate_limited(after: int | None = 3) -> errors.KapsoRateLimitedError:
    return errors.KapsoRateLimitedError("slow down", retry_after=after)


# --- a page's call: reads only, within the deadline --------------------------------------
def test_reads_are_retried_but_creates_never(faulty, settings):
    settings.KAPSO_TIMEOUT = 5.0  # room for a retry inside one call's budget
    arm(faulty, "status", path="/api/v1/agents", method="GET", status=503)
    assert get_client().list_agents()  # the second try succeeds
    arm(faulty, "rate_limit", path="/api/v1/agents", method="GET", retry_after=0)
    assert get_client().list_agents()
    # Both faults were used up by first attempts, and each retry got through.
    assert requests.get(f"{faulty.url}/_emulator/faults", timeout=5).json()["armed"] == []
    assert emulator_calls(faulty)["GET /api/v1/agents"] == 3  # the warm-up and the two retries
    arm(faulty, "status", status=503)
    with pytest.raises(Exception, match="HTTP 503"):
        get_client().create_session(phone_number="+14155552671", agent_id="agent-support-01")
    calls = emulator_calls(faulty)
    assert calls.get("POST /api/v1/sandbox_sessions", 0) == 0  # refused before counting


def test_long_retry_after_is_not_waited_in_a_page(faulty):
    arm(faulty, "rate_limit", path="/api/v1/agents", method="GET", retry_after=60)
    started = time.monotonic()
    with pytest.raises(Exception, match="try again in 60 s"):
        get_client().list_agents()
    assert time.monotonic() - started < FAULTY_TIMEOUT + 1  # not the 60 s Kapso asked for


@pytest.mark.parametrize(
    "error",
    [
        errors.KapsoConnectionError("dropped"),
        errors.KapsoServerError("gateway", status=502),
        errors.KapsoServerError("gateway", status=503),
        errors.KapsoServerError("gateway", status=504),
    ],
)
def test_a_read_that_met_a_gateway_is_repeated_with_backoff(error):
    far = time.monotonic() + 60
    assert read_retry_wait("GET", error, 0, far) == BACKOFF_SECONDS
    assert read_retry_wait("GET", error, 1, far) == BACKOFF_SECONDS * 2
    assert read_retry_wait("GET", error, 2, far) is None  # two retries at most


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_a_write_is_never_repeated(method):
    far = time.monotonic() + 60
    for error in (errors.KapsoConnectionError("x"), rate_limited(0)):
        assert read_retry_wait(method, error, 0, far) is None


@pytest.mark.parametrize(
    "error",
    [
        errors.KapsoServerError("broken", status=500),
        errors.timeout_error(1.0),
        errors.KapsoValidationError("no", status=422),
        errors.KapsoResponseError("garbage", status=200),
        errors.KapsoAuthError("key", status=401),
    ],
)
def test_failures_a_repeat_cannot_mend_are_not_repeated(error):
    assert read_retry_wait("GET", error, 0, time.monotonic() + 60) is None


def test_a_rate_limited_read_waits_as_asked_only_within_the_deadline():
    now = time.monotonic()
    assert read_retry_wait("GET", rate_limited(3), 0, now + 60) == 3
    # 3 s of waiting and 1 s for the attempt do not fit in 2 s.
    assert read_retry_wait("GET", rate_limited(3), 0, now + 2) is None
    assert read_retry_wait("GET", errors.KapsoConnectionError("x"), 0, now + 0.5) is None


# --- background work: wait out the rate limit -------------------------------------------
def test_rate_limit_waits_are_as_long_as_kapso_asks():
    answers = [rate_limited(7), rate_limited(None), "done"]
    slept: list[float] = []
    heard: list[int] = []

    def call():
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    result = with_rate_limit_waits(call, sleep=slept.append, on_wait=heard.append)
    assert result == "done"
    assert slept == [7, 60] and heard == [7, 60]  # no Retry-After: Kapso's documented minute


def test_rate_limit_waits_give_up_after_the_maximum():
    calls = []

    def call():
        calls.append(1)
        raise rate_limited(1)

    with pytest.raises(errors.KapsoRateLimitedError):
        with_rate_limit_waits(call, sleep=lambda s: None)
    assert len(calls) == MAX_RATE_LIMIT_WAITS + 1


def test_a_wait_past_the_budget_is_not_started():
    slept: list[float] = []

    def call():
        raise rate_limited(30)

    with pytest.raises(errors.KapsoRateLimitedError):
        with_rate_limit_waits(call, sleep=slept.append, give_up_after=time.monotonic() + 10)
    assert slept == []


def test_other_failures_are_not_waited_out():
    def call():
        raise errors.KapsoServerError("down", status=500)

    slept: list[float] = []
    with pytest.raises(errors.KapsoServerError):
        with_rate_limit_waits(call, sleep=slept.append)
    assert slept == []
