"""sandbox/api/views/wait.py: the long poll answers as soon as the phone has sent the code,
says to call again when the time runs out, refuses an expired session, and asks Kapso no
more often than a watching page may."""

from __future__ import annotations

import threading
import time

import pytest
from django.test import Client
from django.utils import timezone

from sandbox.models import SandboxSession
from tests.api.conftest import Api, make_token, problem
from tests.conftest import emulator_calls, emulator_control
from tests.factories import make_session

pytestmark = pytest.mark.django_db
GET_ONE = "GET /api/v1/sandbox_sessions/{id}"


def kapso_reads(emulator, session) -> int:
    return emulator_calls(emulator).get(GET_ONE.format(id=session.kapso_id), 0)


def test_an_active_session_answers_at_once(kapso, alice_api, alice):
    session = make_session(alice)
    emulator_control(kapso, f"sessions/{session.kapso_id}/status", {"status": "active"})
    started = time.monotonic()
    answer = alice_api.get(f"/api/v1/sessions/{session.pk}/wait", {"timeout": 5})
    assert time.monotonic() - started < 2
    body = answer.json()
    assert answer.status_code == 200
    assert (body["done"], body["call_again"]) == (True, False)
    assert body["session"]["status"] == "active" and body["session"]["activated_at"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(60)
def test_it_answers_when_the_phone_sends_the_code_meanwhile(kapso, alice, settings):
    settings.KAPSO_REFRESH_SECONDS = 1
    session = make_session(alice)
    api = Api(make_token(alice), Client())
    later = threading.Timer(
        1.5,
        emulator_control,
        args=(kapso, f"sessions/{session.kapso_id}/status", {"status": "active"}),
    )
    later.start()
    started = time.monotonic()
    try:
        answer = api.get(f"/api/v1/sessions/{session.pk}/wait", {"timeout": 10})
    finally:
        later.join()
    took = time.monotonic() - started
    assert answer.json()["done"] is True
    assert 1.5 <= took < 5, took


def test_the_time_running_out_says_call_again(kapso, alice_api, alice, settings):
    session = make_session(alice)
    started = time.monotonic()
    body = alice_api.get(f"/api/v1/sessions/{session.pk}/wait", {"timeout": 1}).json()
    assert 1 <= time.monotonic() - started < 3
    assert (body["done"], body["call_again"]) == (False, True)
    assert "call again" in body["detail"] and body["session"]["status"] == "pending_activation"


def test_the_server_caps_the_wait(kapso, alice_api, alice, settings):
    settings.API_WAIT_MAX_SECONDS = 0.2
    session = make_session(alice)
    started = time.monotonic()
    body = alice_api.get(f"/api/v1/sessions/{session.pk}/wait", {"timeout": 25}).json()
    assert time.monotonic() - started < 1.5
    assert body["call_again"] is True


def test_kapso_is_asked_at_most_once_per_refresh_interval(kapso, alice_api, alice, settings):
    settings.KAPSO_REFRESH_SECONDS = 60
    session = make_session(alice)
    for _ in range(3):
        alice_api.get(f"/api/v1/sessions/{session.pk}/wait", {"timeout": 1.2})
    # Three waits over ~4 s, polling every second: one look at Kapso in all.
    assert kapso_reads(kapso, session) == 1


def test_a_watchers_budget_is_respected(kapso, alice_api, alice, settings):
    settings.KAPSO_REFRESH_SECONDS = 0
    settings.KAPSO_REFRESHES_PER_USER_PER_MINUTE = 2
    session = make_session(alice)
    started = time.time()
    alice_api.get(f"/api/v1/sessions/{session.pk}/wait", {"timeout": 3})
    # The owner's pages may cost Kapso 2 calls a minute; the wait stops asking after them.
    # Budget windows are whole minutes: a wait that crosses into the next gets 2 more.
    windows = int(time.time() // 60) - int(started // 60) + 1
    assert 2 <= kapso_reads(kapso, session) <= 2 * windows


def test_an_expired_session_cannot_become_active_and_says_renew(kapso, alice_api, alice):
    session = make_session(alice)
    SandboxSession.objects.filter(pk=session.pk).update(expires_at=timezone.now())
    body = problem(
        alice_api.get(f"/api/v1/sessions/{session.pk}/wait", {"timeout": 5}),
        409,
        "session_expired",
    )
    assert f"/api/v1/sessions/{session.pk}/renew" in body["detail"]


@pytest.mark.parametrize(
    "params",
    [{"timeout": 26}, {"timeout": -1}, {"until": "expired"}, {"timeout": "soon"}, {"timout": 5}],
)
def test_bad_parameters_are_a_400(kapso, alice_api, alice, params):
    session = make_session(alice)
    problem(alice_api.get(f"/api/v1/sessions/{session.pk}/wait", params), 400, "invalid_request")


def test_another_persons_session_is_not_found(kapso, bob_api, alice):
    session = make_session(alice)
    problem(bob_api.get(f"/api/v1/sessions/{session.pk}/wait"), 404, "not_found")


def test_a_mistyped_parameter_is_named_not_ignored(kapso, alice_api, alice):
    session = make_session(alice)
    answer = alice_api.get(f"/api/v1/sessions/{session.pk}/wait", {"timout": 5})
    body = problem(answer, 400, "invalid_request")
    assert body["detail"] == "Unknown query parameter “timout”: this call takes until, timeout."
