"""sandbox/team/onboarding.py: a session per pair, live ones reused, failures kept per pair,
"retry failed" retrying only those, waits for the budget, and resuming a dead job."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sandbox import live
from sandbox.models import FailedSessionAttempt, Origin, SandboxSession
from sandbox.team import onboarding
from sandbox.team.models import OnboardingBatch, OnboardingPair, PairState
from tests.conftest import arm, emulator_calls, emulator_control

pytestmark = pytest.mark.django_db(transaction=True)
CREATE = "POST /api/v1/sandbox_sessions"


def test_every_pair_gets_a_session_made_as_background_bulk_work(
    kapso, agents, make_testers, charlie
):
    testers = make_testers(3)
    batch = onboarding.batch_start(
        user=charlie, testers=testers, agent_ids=[agents[0].kapso_id, agents[1].kapso_id]
    )
    outcome = onboarding.batch_run(batch)
    assert outcome.finished and outcome.processed == 6
    progress = onboarding.batch_progress(batch)
    assert (progress.total, progress.created, progress.failed, progress.percent) == (6, 6, 0, 100)
    sessions = SandboxSession.objects.all()
    assert sessions.count() == 6
    assert set(sessions.values_list("origin", flat=True)) == {Origin.BULK}
    assert set(sessions.values_list("created_by", flat=True)) == {charlie.pk}
    # Background work is charged to the team, not to a person's share.
    assert set(sessions.values_list("charged_to", flat=True)) == {None}
    assert emulator_calls(kapso).get(CREATE) == 6


def test_running_again_reuses_live_sessions_and_makes_none(kapso, agents, make_testers, charlie):
    testers = make_testers(2)
    ids = [agents[0].kapso_id]
    onboarding.batch_run(onboarding.batch_start(user=charlie, testers=testers, agent_ids=ids))
    again = onboarding.batch_start(user=charlie, testers=testers, agent_ids=ids)
    onboarding.batch_run(again)
    assert onboarding.batch_progress(again).reused == 2
    assert SandboxSession.objects.count() == 2
    assert emulator_calls(kapso).get(CREATE) == 2


def test_a_pending_session_too_close_to_expiry_is_not_reused(kapso, agents, make_testers, charlie):
    (tester,) = make_testers(1)
    ids = [agents[0].kapso_id]
    onboarding.batch_run(onboarding.batch_start(user=charlie, testers=[tester], agent_ids=ids))
    SandboxSession.objects.update(expires_at=timezone.now() + live.min_remaining() / 2)
    batch = onboarding.batch_start(user=charlie, testers=[tester], agent_ids=ids)
    onboarding.batch_run(batch)
    assert onboarding.batch_progress(batch).created == 1


def test_kapso_failing_midway_through_fifty_then_retry_failed_retries_only_those(
    kapso, agents, make_testers, charlie, settings
):
    settings.KAPSO_TIMEOUT = 2.0
    testers = make_testers(25)
    batch = onboarding.batch_start(
        user=charlie, testers=testers, agent_ids=[a.kapso_id for a in agents[:2]]
    )
    onboarding.batch_run(batch, max_pairs=20)
    arm(kapso, "status", status=500, times=10, body={"error": "Internal error"})
    outcome = onboarding.batch_run(batch)
    assert outcome.finished
    progress = onboarding.batch_progress(batch)
    assert (progress.created, progress.failed) == (40, 10)
    failed = list(batch.pairs.filter(state=PairState.FAILED))
    assert all(pair.error for pair in failed)
    assert all(pair.session_id is None for pair in failed)
    assert FailedSessionAttempt.objects.filter(origin=Origin.BULK).count() == 10
    creates_before = emulator_calls(kapso)[CREATE]

    assert onboarding.retry_failed(batch) == 10
    onboarding.batch_run(batch)
    progress = onboarding.batch_progress(batch)
    assert (progress.created, progress.failed, progress.finished) == (50, 0, True)
    assert emulator_calls(kapso)[CREATE] == creates_before + 10  # only the failed ones
    assert SandboxSession.objects.count() == 50


def test_when_the_budget_says_no_the_batch_waits_instead_of_failing(
    kapso, agents, make_testers, charlie, settings
):
    # Background work may use the limit less the reserve: 25 - 20 = 5 calls this minute.
    settings.KAPSO_RATE_LIMIT_PER_MINUTE = 25
    settings.KAPSO_RATE_LIMIT_RESERVE = 20
    testers = make_testers(8)
    batch = onboarding.batch_start(user=charlie, testers=testers, agent_ids=[agents[0].kapso_id])
    outcome = onboarding.batch_run(batch)
    assert outcome.wait is not None and 1 <= outcome.wait <= 60
    assert not outcome.finished
    batch.refresh_from_db()
    assert batch.waiting_until > timezone.now()
    progress = onboarding.batch_progress(batch)
    assert progress.failed == 0 and progress.created <= 5 and progress.pending >= 3
    assert 1 <= progress.waiting_seconds <= 60


def test_a_job_that_died_midway_is_resumed_from_the_rows(kapso, agents, make_testers, charlie):
    testers = make_testers(4)
    batch = onboarding.batch_start(user=charlie, testers=testers, agent_ids=[agents[0].kapso_id])
    onboarding.batch_run(batch, max_pairs=2)
    # A worker died holding a pair: claimed long ago, never finished.
    stuck = batch.pairs.filter(state=PairState.PENDING).first()
    OnboardingPair.objects.filter(pk=stuck.pk).update(
        state=PairState.WORKING, claimed_at=timezone.now() - timedelta(hours=1)
    )
    OnboardingPair.objects.filter(batch=batch).update()  # nothing else changes
    batch.refresh_from_db()
    batch.last_progress_at = timezone.now() - timedelta(minutes=10)
    batch.save()
    assert onboarding.batches_to_resume(idle=timedelta(minutes=2)) == [batch]
    # Just enqueued again, it may only be waiting behind other jobs: not enqueued twice.
    OnboardingBatch.objects.filter(pk=batch.pk).update(enqueued_at=timezone.now())
    assert onboarding.batches_to_resume(idle=timedelta(minutes=2)) == []
    outcome = onboarding.batch_run(batch)
    assert outcome.finished
    assert onboarding.batch_progress(batch).created == 4
    assert SandboxSession.objects.count() == 4


def test_a_pair_is_claimed_by_one_worker_only(kapso, agents, make_testers, charlie):
    batch = onboarding.batch_start(user=charlie, testers=make_testers(1), agent_ids=["a"])
    pair = batch.pairs.get()
    assert onboarding.claim_pair(pair.pk)  # the first worker
    assert not onboarding.claim_pair(pair.pk)  # a second one that read it as pending too
    assert batch.pairs.get().attempts == 1


def test_a_fresh_claim_is_left_to_the_worker_holding_it(kapso, agents, make_testers, charlie):
    testers = make_testers(2)
    batch = onboarding.batch_start(user=charlie, testers=testers, agent_ids=[agents[0].kapso_id])
    first = batch.pairs.first()
    OnboardingPair.objects.filter(pk=first.pk).update(
        state=PairState.WORKING, claimed_at=timezone.now()
    )
    outcome = onboarding.batch_run(batch)
    assert outcome.processed == 1 and not outcome.finished
    assert SandboxSession.objects.count() == 1


def test_renew_expiring_makes_a_batch_of_only_what_expires_soon(
    kapso, agents, make_testers, charlie
):
    testers = make_testers(3)
    ids = [agents[0].kapso_id]
    onboarding.batch_run(onboarding.batch_start(user=charlie, testers=testers, agent_ids=ids))
    soon = SandboxSession.objects.get(phone_number=testers[0].phone_number)
    emulator_control(kapso, f"sessions/{soon.kapso_id}/status", {"status": "active"})
    SandboxSession.objects.filter(pk=soon.pk).update(
        status="active", expires_at=timezone.now() + timedelta(hours=2)
    )
    batch = onboarding.renew_batch_start(user=charlie, hours=4, testers=testers)
    assert [(p.tester_id, p.renews_id) for p in batch.pairs.all()] == [(testers[0].pk, soon.pk)]
    onboarding.batch_run(batch)
    new = batch.pairs.get().session
    assert new.renewed_from_id == soon.pk and new.pk != soon.pk
    # Renewed already: a second renew-all has nothing to do.
    assert onboarding.renew_batch_start(user=charlie, hours=4, testers=testers) is None


def test_an_erased_tester_fails_its_pair_with_a_reason(kapso, agents, make_testers, charlie):
    (tester,) = make_testers(1)
    batch = onboarding.batch_start(user=charlie, testers=[tester], agent_ids=[agents[0].kapso_id])
    tester.delete()
    onboarding.batch_run(batch)
    assert batch.pairs.get().error == "The tester was erased."
