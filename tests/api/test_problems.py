"""sandbox/api/problems.py: every Kapso failure and every refusal of the budget answered as
problem+json with the form's words and the status docs/decisions.md names. Kapso misbehaves
for real: the emulator's fault injection, a scripted server, a port that refuses."""

from __future__ import annotations

import pytest

from sandbox.api.problems import KINDS, problem_for
from sandbox.errors import ServiceError
from sandbox.models import FailedSessionAttempt, SandboxSession
from tests.api.conftest import problem
from tests.conftest import TEST_API_KEY, arm, emulator_calls
from tests.scripted_server import Reply

pytestmark = pytest.mark.django_db(transaction=True)
LIST = "/api/v1/sandbox_sessions"


def test_every_code_has_a_status_title_and_words():
    for code, kind in KINDS.items():
        assert 400 <= kind.status <= 599 and kind.title and kind.about, code


@pytest.mark.parametrize(
    ("status", "body", "kind", "words"),
    [
        (401, {"error": "Invalid or missing API key"}, "auth", "Kapso refused the API key"),
        (403, {"error": "Forbidden"}, "auth", "Check KAPSO_API_KEY"),
        (422, {"error": "Phone number is invalid"}, "validation", "Phone number is invalid"),
        (400, {"errors": {"agent_id": ["can't be blank"]}}, "validation", "can't be blank"),
        (404, {"error": "Agent not found"}, "not_found", "Agent not found"),
        (410, {"error": "Gone"}, "unavailable", "does not offer sandbox sessions"),
        (500, {"error": "boom"}, "server", "Kapso had a problem on its side"),
        (302, {"error": "moved"}, "bad_response", "Check KAPSO_API_BASE_URL"),
    ],
)
def test_kapso_refusing_is_a_502_with_kapsos_words(faulty, alice_api, status, body, kind, words):
    arm(faulty, "status", status=status, body=body)
    answer = problem(alice_api.ensure(), 502, "kapso_error")
    assert answer["kapso_kind"] == kind
    assert answer["outcome_unknown"] is False
    assert words in answer["detail"]
    assert not SandboxSession.objects.exists()
    assert FailedSessionAttempt.objects.get().origin == "api"  # recorded, as from the form


def test_a_gateway_error_whose_session_cannot_be_found_is_a_502_outcome_unknown(faulty, alice_api):
    # A 502 from Kapso's gateway says nothing of whether Kapso made it; the look-up finds none.
    arm(faulty, "status", status=502)
    answer = problem(alice_api.ensure(), 502, "kapso_error")
    response_retry = answer["retry_after"]
    assert answer["outcome_unknown"] is True and answer["kapso_kind"] == "server"
    assert "Kapso may still have made the session" in answer["detail"]
    assert response_retry == 30
    # A repeat in that time is refused rather than risk a second session: no call at all.
    before = emulator_calls(faulty)
    again = alice_api.ensure()
    refused = problem(again, 409, "outcome_unknown")
    assert again["Retry-After"] == str(refused["retry_after"])
    assert emulator_calls(faulty) == before


def test_kapso_too_slow_and_no_trace_of_the_session_is_a_504(faulty, alice_api):
    arm(faulty, "delay", delay=2)  # longer than KAPSO_TIMEOUT (1 s): Kapso makes it, late
    arm(faulty, "status", path=LIST, method="GET", status=503, times=5)  # the look-up fails
    response = alice_api.ensure()
    answer = problem(response, 504, "kapso_timeout")
    assert answer["outcome_unknown"] is True
    assert "did not answer within 1 s" in answer["detail"]
    assert response["Retry-After"] == "30"


@pytest.mark.parametrize("kind", ["delay", "html", "truncated_json", "drop"])
def test_an_answer_lost_after_kapso_made_the_session_is_adopted(faulty, alice_api, kind):
    arm(faulty, kind, delay=2)
    made = alice_api.ensure()
    assert made.status_code == 201, made.content
    assert made.json()["outcome"] == "adopted"
    assert made.json()["token_name"] == "ci"
    assert SandboxSession.objects.count() == 1


def test_kapso_unreachable_is_a_502_and_nothing_was_sent(kapso, alice_api, settings, refused_url):
    alice_api.get("/api/v1/agents")  # the agent list, from when Kapso was there
    settings.KAPSO_API_BASE_URL = refused_url + "/api/v1"
    answer = problem(alice_api.ensure(), 502, "kapso_error")
    assert answer["kapso_kind"] == "connection"


def test_kapsos_own_rate_limit_is_a_429_with_its_retry_after(faulty, alice_api):
    arm(faulty, "rate_limit", retry_after=42)
    response = alice_api.ensure()
    answer = problem(response, 429, "kapso_rate_limited")
    assert response["Retry-After"] == "42" and answer["retry_after"] == 42


def test_a_persons_share_of_the_budget_is_a_429_with_retry_after(kapso, alice_api, settings):
    settings.KAPSO_CREATES_PER_USER_PER_MINUTE = 1
    assert alice_api.ensure().status_code == 201
    response = alice_api.ensure(phone="+14155552672")
    answer = problem(response, 429, "quota")
    assert answer["whose"] == "person"
    assert "You have created 1 sessions this minute" in answer["detail"]
    assert response["Retry-After"] == str(answer["retry_after"])
    assert 1 <= answer["retry_after"] <= 60
    assert emulator_calls(kapso)["POST /api/v1/sandbox_sessions"] == 1  # no call was made


def test_the_teams_budget_is_a_429_too(kapso, alice_api, bob_api, settings):
    settings.KAPSO_RATE_LIMIT_PER_MINUTE = 2
    settings.KAPSO_RATE_LIMIT_RESERVE = 0
    assert alice_api.ensure().status_code == 201  # the agent list and the create: 2 calls
    answer = problem(bob_api.ensure(phone="+14155552672"), 429, "quota")
    assert answer["whose"] == "team"
    assert "The team's Kapso quota for this minute is used up" in answer["detail"]


def test_a_cache_that_cannot_be_reached_is_a_503_and_kapso_is_not_called(
    kapso, alice_api, settings, refused_port
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{refused_port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    response = alice_api.ensure()
    answer = problem(response, 503, "budget_unavailable")
    assert response["Retry-After"] == "60"
    assert "cannot reach its cache" in answer["detail"]
    assert "POST /api/v1/sandbox_sessions" not in emulator_calls(kapso)


def test_the_kapso_key_never_appears_in_a_problem(scripted, alice_api, settings):
    scripted.reply = Reply(200, {"data": []})
    alice_api.get("/api/v1/agents")
    scripted.reply = Reply(422, {"error": f"bad request for key {TEST_API_KEY}"})
    response = alice_api.ensure()
    answer = problem(response, 502, "kapso_error")
    assert "[redacted]" in answer["detail"]
    assert TEST_API_KEY not in response.content.decode()
    assert TEST_API_KEY not in str(response.headers)


def test_a_service_error_this_table_does_not_know_is_still_a_clear_answer():
    class Strange(ServiceError):
        kind = "strange"

    answer = problem_for(Strange("Something odd happened."))
    assert (answer.status, answer.detail) == (500, "Something odd happened.")


def test_no_kapso_key_configured_is_a_502_saying_which_setting(kapso, alice_api, settings):
    alice_api.get("/api/v1/agents")  # the agent list, from when the key was there
    settings.KAPSO_API_KEY = ""
    answer = problem(alice_api.ensure(), 502, "kapso_error")
    assert answer["kapso_kind"] == "configuration"
    assert "Set KAPSO_API_KEY" in answer["detail"]
