"""sandbox/team/management/commands/resume_batches.py: the periodic resume job for cron."""

from __future__ import annotations

import io
import subprocess

import pytest
from django.core.management import call_command
from django.utils import timezone

from sandbox.pair_claims import me
from sandbox.team import onboarding
from sandbox.team.models import OnboardingBatch, OnboardingPair, PairState
from sandbox.team.queue import huey

pytestmark = pytest.mark.django_db(transaction=True)


def _run() -> str:
    out = io.StringIO()
    call_command("resume_batches", stdout=out)
    return out.getvalue()


def _dead_holder() -> str:
    child = subprocess.Popen(["/bin/true"])
    child.wait()
    return f"{me().split(':')[0]}:{child.pid}:1"


def test_resume_batches_queues_a_batch_whose_worker_died_at_once(
    kapso, agents, make_testers, charlie
):
    huey.flush()
    batch = onboarding.batch_start(
        user=charlie, testers=make_testers(1), agent_ids=[agents[0].kapso_id]
    )
    # Claimed a second ago by a process that is gone: no need to wait minutes for it.
    OnboardingPair.objects.filter(batch=batch).update(
        state=PairState.WORKING, claimed_at=timezone.now(), claimed_by=_dead_holder()
    )
    assert "Batches queued again: 1." in _run()
    assert huey.pending_count() == 1
    huey.flush()


def test_resume_batches_leaves_a_batch_its_live_worker_is_on(kapso, agents, make_testers, charlie):
    huey.flush()
    batch = onboarding.batch_start(
        user=charlie, testers=make_testers(1), agent_ids=[agents[0].kapso_id]
    )
    OnboardingBatch.objects.filter(pk=batch.pk).update(last_progress_at=timezone.now())
    OnboardingPair.objects.filter(batch=batch).update(
        state=PairState.WORKING, claimed_at=timezone.now(), claimed_by="another-host:1:1"
    )
    assert "Batches queued again: 0." in _run()
    assert huey.pending_count() == 0
