"""sandbox/idempotency.py: the double-submit guard. One request per (user, scope, key) does
the work; a repeat gets its result, waits for it, or is refused with a reason."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sandbox import idempotency
from sandbox.errors import CreateInProgress, CreateOutcomeUnknown, IdempotencyKeyReused
from sandbox.models import IdempotencyRecord, SandboxSession
from tests.conftest import arm, emulator_calls
from tests.factories import make_session

pytestmark = pytest.mark.django_db
URL = reverse("sandbox:create")
TYPED = {"phone_number": "+1 415 555 2671", "agent_id": "agent-support-01"}
WINDOW = timedelta(seconds=30)
PENDING_FOR = timedelta(seconds=5)


def claim(user, key="k", *, fingerprint="f", scope="form", pending_for=PENDING_FOR):
    return idempotency.claim(
        user=user,
        scope=scope,
        key=key,
        fingerprint=fingerprint,
        window=WINDOW,
        pending_for=pending_for,
    )


def submit_at_once(clients, data=TYPED) -> list:
    """Post the create form from each client at the same moment; the responses, in order."""
    responses: list = [None] * len(clients)
    barrier = threading.Barrier(len(clients))

    def submit(i):
        barrier.wait()
        try:
            responses[i] = clients[i].post(URL, data)
        except Exception as exc:  # reported below, not lost in the thread
            responses[i] = exc

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


# --- through the form, with Kapso slow ------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_double_submit_creates_one_session(faulty, alice):
    # Kapso is slow, so the second click arrives while the first still waits.
    arm(faulty, "delay", delay=0.5)
    results: list[str] = []
    clients = [Client() for _ in range(3)]  # three tabs of one teammate
    for client in clients:
        client.force_login(alice)

    def submit(client):
        try:
            results.append(client.post(URL, TYPED).url)
        except Exception as exc:  # reported below, not lost in the thread
            results.append(repr(exc))

    threads = [threading.Thread(target=submit, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    session = SandboxSession.objects.get()
    assert results == [session.get_absolute_url()] * 3
    assert emulator_calls(faulty)["POST /api/v1/sandbox_sessions"] == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.timeout(60)  # a guard keyed without the user could spin here
def test_two_teammates_at_the_same_moment_get_a_session_each(faulty, alice, bob):
    """The same phone and agent from two teammates at once: two creates, two sessions,
    each teammate redirected to their own."""
    arm(faulty, "delay", delay=0.5)
    clients = [Client(), Client()]
    clients[0].force_login(alice)
    clients[1].force_login(bob)
    responses = submit_at_once(clients)
    assert [getattr(r, "status_code", r) for r in responses] == [302, 302]
    hers = SandboxSession.objects.get(created_by=alice)
    his = SandboxSession.objects.get(created_by=bob)
    assert [r.url for r in responses] == [hers.get_absolute_url(), his.get_absolute_url()]
    assert emulator_calls(faulty)["POST /api/v1/sandbox_sessions"] == 2


@pytest.mark.django_db(transaction=True)
def test_double_submit_after_a_lost_answer_does_not_make_a_second_session(faulty, alice):
    # Kapso makes the session but answers too late, and the look-up fails: the outcome
    # is unknown. The second click, still waiting, must not send a second create.
    arm(faulty, "delay", delay=2)
    arm(faulty, "status", path="/api/v1/sandbox_sessions", method="GET", status=503, times=5)
    clients = [Client() for _ in range(2)]
    for client in clients:
        client.force_login(alice)
    pages: list[str] = []

    def submit(client):
        pages.append(client.post(URL, TYPED).content.decode())

    threads = [threading.Thread(target=submit, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert emulator_calls(faulty)["POST /api/v1/sandbox_sessions"] == 1
    assert all("may still have made the session" in page for page in pages)
    assert any("before asking again" in page for page in pages)


# --- the protocol, step by step -------------------------------------------------------------
def test_the_first_request_wins_and_a_repeat_gets_its_session(kapso, alice):
    won = claim(alice)
    assert isinstance(won, idempotency.Claim)
    session = make_session(alice)
    won.complete(session, response_status=201)
    again = claim(alice)
    assert again == idempotency.Prior(session, 201)


@pytest.mark.timeout(30)  # a guard keyed without the user could spin here
def test_keys_are_per_user(kapso, alice, bob):
    """Bob's request with the same key as alice's is his own, pending, done or unknown."""
    hers = claim(alice)
    assert isinstance(claim(bob), idempotency.Claim)  # while hers is pending
    hers.complete(make_session(alice))
    IdempotencyRecord.objects.filter(user=bob).delete()
    assert isinstance(claim(bob), idempotency.Claim)  # and once hers is done
    assert IdempotencyRecord.objects.filter(key="k").count() == 2


def test_keys_are_per_scope(alice):
    assert isinstance(claim(alice, scope="form"), idempotency.Claim)
    assert isinstance(claim(alice, scope="api"), idempotency.Claim)


def test_the_same_key_for_another_request_is_refused(alice):
    claim(alice, fingerprint="phone A")
    with pytest.raises(IdempotencyKeyReused, match="different request"):
        claim(alice, fingerprint="phone B")


def test_an_unknown_outcome_refuses_repeats_for_the_window(alice):
    claim(alice).mark_unknown("Kapso did not answer.")
    with pytest.raises(CreateOutcomeUnknown) as refused:
        claim(alice)
    assert refused.value.message == (
        "Kapso did not answer. Wait 30 s before asking again, so a second session is not "
        "made by mistake."
    )


def test_a_released_claim_lets_the_next_try_start_afresh(alice):
    claim(alice).release()
    assert not IdempotencyRecord.objects.exists()
    assert isinstance(claim(alice), idempotency.Claim)


def test_a_repeat_waits_for_the_winner_then_gives_up_saying_so(alice):
    claim(alice)  # pending, and nobody ends it
    with pytest.raises(CreateInProgress, match="still being created"):
        claim(alice, pending_for=timedelta(seconds=0.3))


def test_an_expired_row_no_longer_holds_its_key(alice):
    claim(alice)  # a request that crashed: its pending row stays behind
    IdempotencyRecord.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert isinstance(claim(alice), idempotency.Claim)
    assert IdempotencyRecord.objects.count() == 1


def test_a_finished_row_answers_repeats_only_for_the_window(kapso, alice):
    won = claim(alice)
    won.complete(make_session(alice))
    record = IdempotencyRecord.objects.get(key="k")
    assert record.state == IdempotencyRecord.DONE
    assert timezone.now() + WINDOW - timedelta(seconds=5) < record.expires_at
    assert record.expires_at <= timezone.now() + WINDOW


def test_fingerprints_tell_requests_apart():
    assert idempotency.fingerprint("+1", "a") == idempotency.fingerprint("+1", "a")
    assert idempotency.fingerprint("+1", "a") != idempotency.fingerprint("+1", "b")
    # The parts are kept apart: ("ab", "c") is not ("a", "bc").
    assert idempotency.fingerprint("ab", "c") != idempotency.fingerprint("a", "bc")
