"""Per-key fixed-window rate limits (kapso_emulator/ratelimit.py), set at start-up or changed
at run time through /_emulator/rate_limit."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kapso_emulator import EmulatorServer
from tests.emulator.helpers import call, control, create


def test_rate_limit_429_has_retry_after(make_emulator, clock):
    clock.now = datetime(2024, 1, 1, 10, 0, 15, tzinfo=UTC)
    srv = make_emulator(clock=clock, rate_limit=3)

    allowed = [call(srv, "GET", "/api/v1/agents") for _ in range(3)]
    limited = call(srv, "GET", "/api/v1/agents")
    other_key = call(srv, "GET", "/api/v1/agents", key="another-key")
    clock.advance(seconds=45)
    next_window = call(srv, "GET", "/api/v1/agents")

    assert [r.headers["X-RateLimit-Remaining"] for r in allowed] == ["2", "1", "0"]
    assert all(r.headers["X-RateLimit-Limit"] == "3" for r in allowed)
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "45"
    assert limited.headers["X-RateLimit-Remaining"] == "0"
    assert limited.json() == {
        "error": "Rate limit exceeded",
        "message": "Rate limit of 3 requests per minute exceeded. Retry after 45 seconds.",
    }
    assert other_key.status_code == 200
    assert next_window.status_code == 200
    assert next_window.headers["X-RateLimit-Remaining"] == "2"


def test_rate_limit_headers_on_every_api_response(emulator):
    responses = [
        call(emulator, "GET", "/api/v1/agents"),
        create(emulator),
        call(emulator, "GET", "/api/v1/agents/nope"),
        call(emulator, "GET", "/api/v1/sandbox_sessions?page=0"),
        call(emulator, "DELETE", "/api/v1/agents"),
        call(emulator, "GET", "/api/v1/agents", key=None),
    ]

    assert [r.status_code for r in responses] == [200, 201, 404, 400, 501, 401]
    for response in responses:
        assert response.headers["X-RateLimit-Limit"] == "100"
        assert int(response.headers["X-RateLimit-Remaining"]) < 100


# -- changed at run time --------------------------------------------------------------------


def test_rate_limit_reads_the_start_up_limit(make_emulator):
    assert control(make_emulator(rate_limit=7), "GET", "/rate_limit").json() == {"per_minute": 7}
    assert control(make_emulator(rate_limit=None), "GET", "/rate_limit").json() == {
        "per_minute": None
    }


def test_rate_limit_lowered_at_run_time_applies_at_once_with_fresh_counts(make_emulator, clock):
    clock.now = datetime(2024, 1, 1, 10, 0, 15, tzinfo=UTC)
    srv = make_emulator(clock=clock, rate_limit=100)
    for _ in range(5):  # used up before the change; the new limit starts counting afresh
        call(srv, "GET", "/api/v1/agents")

    changed = control(srv, "POST", "/rate_limit", {"per_minute": 2})
    allowed = [call(srv, "GET", "/api/v1/agents") for _ in range(2)]
    limited = call(srv, "GET", "/api/v1/agents")

    assert changed.status_code == 200
    assert changed.json() == {"per_minute": 2}
    assert control(srv, "GET", "/rate_limit").json() == {"per_minute": 2}
    assert [r.status_code for r in allowed] == [200, 200]
    assert [r.headers["X-RateLimit-Remaining"] for r in allowed] == ["1", "0"]
    assert all(r.headers["X-RateLimit-Limit"] == "2" for r in allowed)
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "45"
    assert limited.json()["message"].startswith("Rate limit of 2 requests per minute exceeded.")


@pytest.mark.parametrize("off", [0, None])
def test_rate_limit_turned_off_at_run_time_with_zero_or_null(make_emulator, off):
    srv = make_emulator(rate_limit=1)
    assert call(srv, "GET", "/api/v1/agents").status_code == 200
    assert call(srv, "GET", "/api/v1/agents").status_code == 429

    changed = control(srv, "POST", "/rate_limit", {"per_minute": off})
    responses = [call(srv, "GET", "/api/v1/agents") for _ in range(5)]

    assert changed.json() == {"per_minute": None}
    assert [r.status_code for r in responses] == [200] * 5
    assert not any("X-RateLimit-Limit" in r.headers for r in responses)


def test_rate_limit_turned_on_at_run_time(make_emulator):
    srv = make_emulator(rate_limit=None)
    assert "X-RateLimit-Limit" not in call(srv, "GET", "/api/v1/agents").headers

    control(srv, "POST", "/rate_limit", {"per_minute": 1})
    first, second = call(srv, "GET", "/api/v1/agents"), call(srv, "GET", "/api/v1/agents")

    assert (first.status_code, second.status_code) == (200, 429)
    assert first.headers["X-RateLimit-Limit"] == "1"


@pytest.mark.parametrize("start_up", [3, None])
def test_reset_restores_the_start_up_limit(make_emulator, start_up):
    srv = make_emulator(rate_limit=start_up)
    control(srv, "POST", "/rate_limit", {"per_minute": 1})
    call(srv, "GET", "/api/v1/agents")
    assert call(srv, "GET", "/api/v1/agents").status_code == 429

    control(srv, "POST", "/reset")
    responses = [call(srv, "GET", "/api/v1/agents") for _ in range(3)]

    assert control(srv, "GET", "/rate_limit").json() == {"per_minute": start_up}
    assert [r.status_code for r in responses] == [200, 200, 200]


@pytest.mark.parametrize(
    "payload",
    [{}, {"per_minute": -1}, {"per_minute": 1.5}, {"per_minute": "10"}, {"per_minute": True},
     {"limit": 10}],
)  # fmt: skip
def test_rate_limit_rejects_bad_values_and_keeps_the_limit(make_emulator, payload):
    srv = make_emulator(rate_limit=4)

    response = control(srv, "POST", "/rate_limit", payload)

    assert response.status_code == 400
    assert response.json()["error"] == "Bad request"
    assert "per_minute" in response.json()["message"]
    assert control(srv, "GET", "/rate_limit").json() == {"per_minute": 4}


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "10"])
def test_start_up_limit_must_be_none_or_positive(bad):
    with pytest.raises(ValueError, match="rate_limit"):
        EmulatorServer(port=0, rate_limit=bad)
