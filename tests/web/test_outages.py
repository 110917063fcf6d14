"""A cache or database outage: limits fail closed with a 503 that says so, speed-ups fail
open, nothing typed is silently lost, and the dashboard recovers by itself."""

from __future__ import annotations

import socket

import pytest
import requests
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse

from sandbox.models import FailedSessionAttempt, SandboxSession
from sandbox.web.outages import CACHE_DOWN, DATABASE_DOWN, server_error
from tests.factories import make_session

pytestmark = pytest.mark.django_db
RAISE = False
CREATE = reverse("sandbox:create")
TYPED = {"phone_number": "+1 415 555 2671", "agent_id": "agent-support-01"}


@pytest.fixture
def dead_redis_url():
    """A Redis URL on a port that is bound (no one else can take it) but never listens."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield f"redis://127.0.0.1:{sock.getsockname()[1]}/0"
    sock.close()


@pytest.fixture
def cache_down(settings, dead_redis_url, client):
    def down():
        # Django's handler500 (ours) answers, as for a real request, instead of the test
        # client re-raising the exception.
        client.raise_request_exception = RAISE
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": dead_redis_url,
                "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            }
        }

    return down


def kapso_posts(emulator) -> int:
    calls = requests.get(f"{emulator.url}/_emulator/calls", timeout=5).json()["calls"]
    return calls.get("POST /api/v1/sandbox_sessions", 0)


def test_login_fails_closed_with_a_503_that_names_the_cache(client, alice, cache_down):
    cache_down()
    response = client.post(
        reverse("account_login"), {"login": "alice", "password": "alice-password-1"}
    )
    assert response.status_code == 503
    assert CACHE_DOWN.replace("'", "&#x27;") in response.content.decode()
    assert response["Retry-After"] == "60"


def test_create_fails_closed_keeps_what_was_typed_and_makes_no_call(
    kapso, alice_client, cache_down
):
    alice_client.get(CREATE)  # the agent list, while the cache still works
    cache_down()
    response = alice_client.post(CREATE, TYPED)
    assert response.status_code == 503
    html = response.content.decode()
    assert "cannot reach its cache (Redis), so it cannot check limits" in html
    assert 'value="+1 415 555 2671"' in html
    assert kapso_posts(kapso) == 0
    assert FailedSessionAttempt.objects.get().error_kind == "budget_unavailable"


def test_with_the_cache_down_the_create_form_does_not_blame_kapsos_agent_list(
    kapso, alice_client, cache_down
):
    alice_client.get(CREATE)  # the agent list, while the cache still works
    cache_down()
    html = alice_client.get(CREATE).content.decode()
    assert "cannot reach its cache (Redis)" in html
    assert "Kapso's agent list could not be loaded" not in html
    assert "Showing the last list the dashboard saw." in html
    assert "Support" in html  # the last list is still offered


def test_speed_ups_fail_open(kapso, alice, alice_client, cache_down):
    session = make_session(alice)
    cache_down()
    assert alice_client.get(reverse("sandbox:list")).status_code == 200
    page = alice_client.get(reverse("sandbox:detail", args=[session.pk]))
    assert page.status_code == 200 and "<svg" in page.content.decode()


def test_the_dashboard_recovers_by_itself_when_the_cache_returns(
    kapso, alice_client, settings, cache_down
):
    working = settings.CACHES
    alice_client.get(CREATE)
    cache_down()
    assert alice_client.post(CREATE, TYPED).status_code == 503
    settings.CACHES = working  # Redis is back; no restart
    assert alice_client.post(CREATE, TYPED).status_code == 302
    assert SandboxSession.objects.count() == 1


def test_a_database_outage_is_a_503_that_says_nothing_was_saved():
    request = RequestFactory().post(CREATE, TYPED)
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503
    assert DATABASE_DOWN.replace("'", "&#x27;") in response.content.decode()


def test_the_outage_page_looks_like_the_dashboard_without_database_or_cache(
    django_assert_num_queries, cache_down
):
    cache_down()
    request = RequestFactory().post(CREATE, TYPED)
    try:
        raise OperationalError("connection refused")
    except OperationalError:
        with django_assert_num_queries(0):
            response = server_error(request)
    html = response.content.decode()
    assert '<link rel="stylesheet" href="/static/css/app.css' in html
    assert 'class="site-header"' in html and 'class="card narrow"' in html
    # One sentence says what is down, and only that one.
    assert html.count("cannot reach") == 1 and "database" in html and "Redis" not in html


def test_any_other_error_is_still_the_plain_500_page():
    request = RequestFactory().get("/")
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
