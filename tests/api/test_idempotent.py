"""sandbox/api/idempotent.py: `Idempotency-Key` on the API's POSTs, built on the form's
double-submit record (scope "api"): repeats for 24 hours get the first answer, the key is
the token owner's own, another request under the same key is a 422, and two identical
requests at once make one session."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from sandbox.models import IdempotencyRecord, SandboxSession
from tests.api.conftest import ENSURE, Api, make_token, problem
from tests.conftest import arm, emulator_calls

pytestmark = pytest.mark.django_db
CREATE = "POST /api/v1/sandbox_sessions"


def creates(emulator) -> int:
    return emulator_calls(emulator).get(CREATE, 0)


def test_a_repeat_gets_the_first_answer_without_doing_it_again(kapso, alice_api):
    first = alice_api.ensure(key="run-42")
    assert first.status_code == 201 and "Idempotent-Replayed" not in first
    again = alice_api.ensure(key="run-42")
    assert again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert creates(kapso) == 1
    record = IdempotencyRecord.objects.get(scope="api")
    assert (record.key, record.response_status) == ("run-42", 201)
    assert record.expires_at > timezone.now() + timedelta(hours=23)


def test_the_same_json_with_other_spacing_or_order_is_the_same_request(kapso, alice_api):
    alice_api.post(
        ENSURE, raw='{"phone_number": "+14155552671", "agent_id": "agent-support-01"}', key="k"
    )
    again = alice_api.post(
        ENSURE, raw='{ "agent_id":"agent-support-01",\n "phone_number":"+14155552671" }', key="k"
    )
    assert again["Idempotent-Replayed"] == "true"


def test_the_same_key_for_another_body_or_path_is_a_422(kapso, alice_api):
    made = alice_api.ensure(key="k1").json()
    other_body = problem(
        alice_api.ensure(phone="+14155552672", key="k1"), 422, "idempotency_key_reused"
    )
    assert "different request" in other_body["detail"]
    other_path = alice_api.post(f"/api/v1/sessions/{made['id']}/renew", key="k1")
    problem(other_path, 422, "idempotency_key_reused")
    assert SandboxSession.objects.count() == 1


def test_a_key_is_the_token_owners_own(kapso, alice_api, bob_api):
    # Bob sending the key Alice used gets his own session, not hers.
    hers = alice_api.ensure(key="shared-ci-key").json()
    his = bob_api.ensure(key="shared-ci-key")
    assert his.status_code == 201 and "Idempotent-Replayed" not in his
    assert his.json()["id"] != hers["id"] and his.json()["created_by"] == "bob"


def test_after_24_hours_the_key_does_the_work_again(kapso, alice_api):
    first = alice_api.ensure(key="daily").json()
    IdempotencyRecord.objects.filter(scope="api").update(expires_at=timezone.now())
    again = alice_api.ensure(key="daily")
    # The work is done again: ensure finds the live session (200), it is not a replay.
    assert again.status_code == 200 and "Idempotent-Replayed" not in again
    assert again.json()["id"] == first["id"]


def test_a_reuse_is_replayed_as_a_reuse(kapso, alice_api):
    alice_api.ensure()
    alice_api.ensure(key="second")
    replay = alice_api.ensure(key="second")
    assert (replay.status_code, replay.json()["outcome"]) == (200, "reused")


@pytest.mark.parametrize("key", ["", "x" * 256, "naïve", "two words"])
def test_a_key_that_is_not_visible_ascii_is_a_400(kapso, alice_api, key):
    body = problem(alice_api.ensure(key=key), 400, "invalid_request")
    assert body["errors"][0]["field"] == "Idempotency-Key"


def test_a_failure_that_did_nothing_frees_the_key_for_the_retry(faulty, alice_api):
    arm(faulty, "status", status=500)
    problem(alice_api.ensure(key="retry-me"), 502, "kapso_error")
    assert not IdempotencyRecord.objects.filter(scope="api").exists()
    retried = alice_api.ensure(key="retry-me")
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried


def test_an_unknown_outcome_holds_the_key_for_the_forms_window_not_a_day(faulty, alice_api):
    arm(faulty, "status", status=502)
    problem(alice_api.ensure(key="lost"), 502, "kapso_error")
    record = IdempotencyRecord.objects.get(scope="api")
    assert record.state == IdempotencyRecord.UNKNOWN
    assert record.expires_at <= timezone.now() + timedelta(seconds=30)
    held = problem(alice_api.ensure(key="lost"), 409, "outcome_unknown")
    assert 1 <= held["retry_after"] <= 30
    IdempotencyRecord.objects.update(expires_at=timezone.now())  # 30 s later
    assert alice_api.ensure(key="lost").status_code == 201


def at_once(calls) -> list:
    """Run each call in its own thread, released together; their results in order."""
    results: list = [None] * len(calls)
    barrier = threading.Barrier(len(calls))

    def run(i):
        barrier.wait()
        try:
            results[i] = calls[i]()
        except Exception as exc:  # reported by the assertion, not lost in the thread
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(60)
def test_two_identical_requests_at_once_make_one_session(faulty, alice):
    arm(faulty, "delay", delay=0.5)  # Kapso is slow: the second arrives while the first waits
    secret = make_token(alice)
    clients = [Api(secret, Client()), Api(secret, Client())]
    answers = at_once([lambda c=c: c.ensure(key="same-run") for c in clients])
    assert [a.status_code for a in answers] == [201, 201], answers
    assert answers[0].json()["id"] == answers[1].json()["id"]
    assert sorted(a.get("Idempotent-Replayed", "no") for a in answers) == ["no", "true"]
    assert SandboxSession.objects.count() == 1
    assert creates(faulty) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(60)
def test_identical_requests_at_once_without_a_key_make_one_session_too(faulty, alice):
    arm(faulty, "delay", delay=0.5)
    secret = make_token(alice)
    clients = [Api(secret, Client()) for _ in range(3)]
    answers = at_once([lambda c=c: c.ensure() for c in clients])
    assert sorted(a.status_code for a in answers) == [200, 200, 201], answers
    assert len({a.json()["id"] for a in answers}) == 1
    assert creates(faulty) == 1
