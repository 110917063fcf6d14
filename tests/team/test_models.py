"""sandbox/team/models.py: the guards the tables hold themselves, and what the admin shows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, transaction

from sandbox.team.models import (
    DONE_STATES,
    AutoRenew,
    ErasedKapsoSession,
    ErasureLog,
    OnboardingBatch,
    OnboardingPair,
    PairState,
    Reminder,
    Tester,
    WorkerHeartbeat,
)
from tests.factories import make_session

pytestmark = pytest.mark.django_db


def test_a_phone_belongs_to_one_tester_and_testers_are_listed_by_name():
    Tester.objects.create(name="Zoe", phone_number="+14155552671")
    Tester.objects.create(name="Ann", phone_number="+14155552672")
    with pytest.raises(IntegrityError), transaction.atomic():
        Tester.objects.create(name="Ann again", phone_number="+14155552671")
    assert [t.name for t in Tester.objects.all()] == ["Ann", "Zoe"]
    assert str(Tester.objects.get(name="Ann")) == "Ann (+14155552672)"


def test_one_auto_renew_per_tester_and_agent():
    ann = Tester.objects.create(name="Ann", phone_number="+14155552671")
    AutoRenew.objects.create(tester=ann, agent_id="agent-1")
    AutoRenew.objects.create(tester=ann, agent_id="agent-2")
    with pytest.raises(IntegrityError), transaction.atomic():
        AutoRenew.objects.create(tester=ann, agent_id="agent-1")


def test_one_pair_per_tester_and_agent_in_a_batch_and_it_outlives_its_tester(alice):
    ann = Tester.objects.create(name="Ann", phone_number="+14155552671")
    batch = OnboardingBatch.objects.create(created_by=alice)
    pair = OnboardingPair.objects.create(batch=batch, tester=ann, agent_id="agent-1")
    assert pair.state == PairState.PENDING and str(batch) == f"onboarding #{batch.pk}"
    with pytest.raises(IntegrityError), transaction.atomic():
        OnboardingPair.objects.create(batch=batch, tester=ann, agent_id="agent-1")
    ann.delete()
    pair.refresh_from_db()
    assert pair.tester is None  # the batch's counts stay true
    assert str(pair) == f"pair {pair.pk} of batch {batch.pk}: pending"


def test_created_and_reused_pairs_are_done():
    assert set(DONE_STATES) == {PairState.CREATED, PairState.REUSED}


def test_one_reminder_per_session(kapso, alice):
    session = make_session(alice)
    reminder = Reminder.objects.create(session=session, kind=Reminder.MAIL, nonce="n")
    assert str(reminder) == f"reminder for session {session.pk}"
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(session=session, kind=Reminder.AUTO, nonce="m")


def test_an_erased_id_is_kept_once_and_logs_name_no_one():
    ErasedKapsoSession.objects.create(kapso_id="k-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        ErasedKapsoSession.objects.create(kapso_id="k-1")
    log = ErasureLog.objects.create(
        kind=ErasureLog.RETENTION, at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    )
    assert str(log) == "retention purge at 2026-01-02 03:04"
    assert str(WorkerHeartbeat.objects.create(name="host:1")) == "host:1"
