"""sandbox/pair_claims.py (through ensure.live_or_create): one create at a time per phone
and agent whoever asks, and a create left by a dead process reconciled with Kapso."""

from __future__ import annotations

import subprocess
import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from sandbox import ensure, gateway, pair_claims
from sandbox.access import sessions_visible_to
from sandbox.agents import agent_list_refresh
from sandbox.gateway import get_client
from sandbox.models import Origin, PairClaim, SandboxSession
from sandbox.team import onboarding
from sandbox.team.models import PairState, Tester
from tests.conftest import arm, emulator_calls
from tests.team.conftest import PHONES

pytestmark = pytest.mark.django_db(transaction=True)
CREATE = "POST /api/v1/sandbox_sessions"


@pytest.fixture
def agents(kapso):
    return agent_list_refresh()


@pytest.fixture
def make_testers():
    def make(count: int) -> list[Tester]:
        return [Tester.objects.create(name=f"T{n}", phone_number=PHONES[n]) for n in range(count)]

    return make


def _at_once(*jobs):
    """Run each job in its own thread (own database connection), started together."""
    barrier = threading.Barrier(len(jobs))
    errors: list[BaseException] = []

    def run(job):
        try:
            barrier.wait()
            job()
        except BaseException as exc:  # re-raised below, in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors


def _dead_pid() -> int:
    child = subprocess.Popen(["/bin/true"])
    child.wait()
    return child.pid


def test_two_batches_for_the_same_pairs_at_once_make_one_session_per_pair(
    kapso, agents, make_testers, charlie, django_user_model
):
    dana = django_user_model.objects.create_user("dana", is_staff=True)
    testers = make_testers(4)
    ids = [agents[0].kapso_id, agents[1].kapso_id]
    first = onboarding.batch_start(user=charlie, testers=testers, agent_ids=ids)
    second = onboarding.batch_start(user=dana, testers=testers, agent_ids=ids)
    # Kapso answers slowly, so both managers' batches are asking at the same time.
    arm(kapso, "delay", delay=0.3, times=8)
    _at_once(lambda: onboarding.batch_run(first), lambda: onboarding.batch_run(second))
    assert SandboxSession.objects.count() == 8
    assert emulator_calls(kapso).get(CREATE) == 8
    for tester in testers:
        for agent_id in ids:
            assert (
                SandboxSession.objects.filter(
                    phone_number=tester.phone_number, requested_agent_id=agent_id
                ).count()
                == 1
            )
    created = [onboarding.batch_progress(b).created for b in (first, second)]
    reused = [onboarding.batch_progress(b).reused for b in (first, second)]
    assert sum(created) == 8 and sum(reused) == 8  # each pair: made once, reused once
    assert not PairClaim.objects.exists()  # every claim released


def test_a_batch_and_the_api_asking_at_once_make_one_session(
    kapso, agents, make_testers, charlie, django_user_model
):
    # Another person: the per-user double-submit guard cannot fold these two together.
    dana = django_user_model.objects.create_user("dana", is_staff=True)
    (tester,) = make_testers(1)
    agent_id = agents[0].kapso_id
    batch = onboarding.batch_start(user=charlie, testers=[tester], agent_ids=[agent_id])
    arm(kapso, "delay", delay=0.3, times=2)
    _at_once(
        lambda: onboarding.batch_run(batch),
        lambda: ensure.ensure_session(
            user=dana, phone_number=tester.phone_number, agent_id=agent_id
        ),
    )
    assert SandboxSession.objects.count() == 1
    assert emulator_calls(kapso).get(CREATE) == 1
    pair = batch.pairs.get()
    assert pair.state in (PairState.CREATED, PairState.REUSED)


def test_a_create_left_by_a_dead_process_is_adopted_not_made_again(
    kapso, agents, make_testers, alice
):
    (tester,) = make_testers(1)
    agent_id = agents[0].kapso_id
    asked = timezone.now()
    # The dead process's create reached Kapso; its answer never got stored.
    made = get_client().create_session(phone_number=tester.phone_number, agent_id=agent_id)
    PairClaim.objects.create(
        phone_number=tester.phone_number,
        agent_id=agent_id,
        holder=f"{pair_claims.me().split(':')[0]}:{_dead_pid()}:1",
        user=alice,
        origin=Origin.FORM,
        claimed_at=asked,
        expires_at=asked + timedelta(minutes=5),  # not expired: the dead pid tells
    )
    outcome = ensure.live_or_create(
        user=alice,
        phone_number=tester.phone_number,
        agent_id=agent_id,
        sessions=sessions_visible_to(alice),
        origin=Origin.FORM,
        caller=gateway.person(alice),
    )
    assert outcome.how == "reused" and outcome.session.kapso_id == made.id
    assert outcome.session.created_by == alice  # the dead request's, adopted for its asker
    assert emulator_calls(kapso).get(CREATE) == 1
    assert not PairClaim.objects.exists()


def test_release_abandoned_adopts_what_nobody_asks_for_again(kapso, agents, make_testers, alice):
    (tester,) = make_testers(1)
    agent_id = agents[0].kapso_id
    asked = timezone.now() - timedelta(minutes=2)
    made = get_client().create_session(phone_number=tester.phone_number, agent_id=agent_id)
    PairClaim.objects.create(
        phone_number=tester.phone_number,
        agent_id=agent_id,
        holder="another-host:1234:1",  # not judged here: only its expiry releases it
        user=alice,
        claimed_at=asked,
        expires_at=timezone.now() - timedelta(seconds=1),
    )
    live = PairClaim.objects.create(
        phone_number="+14155550000",
        agent_id=agent_id,
        holder="another-host:1234:2",
        claimed_at=timezone.now(),
        expires_at=timezone.now() + timedelta(minutes=1),
    )
    assert pair_claims.release_abandoned() == 1
    assert SandboxSession.objects.get().kapso_id == made.id
    assert SandboxSession.objects.get().created_by == alice
    assert list(PairClaim.objects.all()) == [live]  # a running create keeps its claim


def test_a_pair_held_by_a_live_request_makes_the_other_wait_then_reuse(
    kapso, agents, make_testers, alice, settings
):
    (tester,) = make_testers(1)
    agent_id = agents[0].kapso_id
    arm(kapso, "delay", delay=0.5)
    results = []

    def ask():
        results.append(
            ensure.live_or_create(
                user=alice,
                phone_number=tester.phone_number,
                agent_id=agent_id,
                sessions=sessions_visible_to(alice),
                origin=Origin.FORM,
                caller=gateway.person(alice),
            )
        )

    _at_once(ask, ask)
    assert sorted(r.how for r in results) == ["created", "reused"]
    assert results[0].session == results[1].session
    assert emulator_calls(kapso).get(CREATE) == 1


def test_a_batch_and_the_create_form_asking_at_once_make_one_session(
    kapso, agents, make_testers, charlie, django_user_model
):
    from django.test import Client

    dana = django_user_model.objects.create_user("dana", is_staff=True)
    (tester,) = make_testers(1)
    agent_id = agents[0].kapso_id
    batch = onboarding.batch_start(user=charlie, testers=[tester], agent_ids=[agent_id])
    form = Client()
    form.force_login(dana)
    form.get("/")  # the agent list cached: the post goes straight to the create
    # Long enough that the batch's create is still waiting on Kapso when the form asks.
    arm(kapso, "delay", delay=1.5, times=2)
    answers = []
    _at_once(
        lambda: onboarding.batch_run(batch),
        lambda: answers.append(
            form.post("/", {"phone_number": tester.phone_number, "agent_id": agent_id})
        ),
    )
    session = SandboxSession.objects.get()
    assert emulator_calls(kapso).get(CREATE) == 1
    assert answers[0].status_code == 302 and answers[0].url == session.get_absolute_url()
