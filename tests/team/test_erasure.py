"""sandbox/team/erasure.py: a tester erased everywhere, kept out by sync; retention purge."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from sandbox.models import FailedSessionAttempt, SandboxSession
from sandbox.sessions import sandbox_session_refresh
from sandbox.sync import refresh_watched_sessions, sync_kapso
from sandbox.team import erasure, jobs, onboarding
from sandbox.team.models import ErasedKapsoSession, ErasureLog, OnboardingPair, Tester
from tests.conftest import emulator_calls
from tests.factories import make_lost_attempt
from tests.team.conftest import running_worker, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def onboarded(kapso, agents, make_testers, charlie):
    testers = make_testers(2)
    batch = onboarding.batch_start(
        user=charlie, testers=testers, agent_ids=[a.kapso_id for a in agents[:2]]
    )
    onboarding.batch_run(batch)
    return testers


def test_erasing_a_tester_blanks_their_phone_everywhere_and_keeps_the_counts(onboarded, charlie):
    ann, other = onboarded
    make_lost_attempt(charlie, phone=ann.phone_number)
    total = SandboxSession.objects.count()
    log = erasure.erase_tester(ann, by=charlie)

    assert not Tester.objects.filter(pk=ann.pk).exists()
    assert SandboxSession.objects.count() == total  # anonymised rows, true counts
    erased = SandboxSession.objects.filter(phone_number="")
    assert erased.count() == 2
    for session in erased:
        assert session.raw_payload == {}
        assert (session.activation_code, session.activation_link) == ("", "")
    assert not SandboxSession.objects.filter(phone_number=ann.phone_number).exists()
    assert not FailedSessionAttempt.objects.filter(phone_number=ann.phone_number).exists()
    assert SandboxSession.objects.filter(phone_number=other.phone_number).count() == 2
    assert (log.kind, log.sessions, log.attempts, log.by) == ("tester", 2, 1, charlie)
    assert "Kapso keeps its own copy" in log.detail and ann.phone_number not in log.detail
    # The batches keep their rows, without the person.
    assert OnboardingPair.objects.filter(tester__isnull=True).count() == 2


def test_sync_and_refresh_never_bring_an_erased_phone_back(onboarded, kapso, charlie):
    ann = onboarded[0]
    kapso_ids = set(
        SandboxSession.objects.filter(phone_number=ann.phone_number).values_list(
            "kapso_id", flat=True
        )
    )
    erasure.erase_tester(ann, by=charlie)
    assert set(ErasedKapsoSession.objects.values_list("kapso_id", flat=True)) == kapso_ids
    report = sync_kapso()
    assert report.created == 0
    refresh_watched_sessions()
    session = SandboxSession.objects.filter(kapso_id__in=kapso_ids).first()
    calls = emulator_calls(kapso).get(f"GET /api/v1/sandbox_sessions/{session.kapso_id}", 0)
    assert sandbox_session_refresh(session).phone_number == ""
    assert emulator_calls(kapso).get(f"GET /api/v1/sandbox_sessions/{session.kapso_id}", 0) == calls
    assert not SandboxSession.objects.filter(phone_number=ann.phone_number).exists()


def test_an_erasure_while_kapso_answers_a_refresh_is_not_undone(onboarded, kapso, charlie):
    import threading

    from tests.conftest import arm

    ann = onboarded[0]
    session = SandboxSession.objects.filter(phone_number=ann.phone_number).first()
    # Kapso takes a second to answer the refresh; the erasure lands in that second.
    arm(kapso, "delay", path="/api/v1/sandbox_sessions/*", method="GET", delay=1.0)
    refresh = threading.Thread(target=sandbox_session_refresh, args=(session,))
    refresh.start()
    erasure.erase_tester(ann, by=charlie)
    refresh.join()
    session.refresh_from_db()
    assert session.phone_number == ""


def test_the_erase_page_asks_first_and_says_kapso_keeps_a_copy(onboarded, client, charlie):
    client.force_login(charlie)
    ann = onboarded[0]
    page = client.get(f"/team/testers/{ann.pk}/erase/")
    assert b"Kapso keeps its own copy" in page.content
    assert Tester.objects.filter(pk=ann.pk).exists()
    done = client.post(f"/team/testers/{ann.pk}/erase/", follow=True)
    assert b"Kapso keeps its own copy" in done.content
    assert not Tester.objects.filter(pk=ann.pk).exists()


def test_a_plain_account_cannot_erase(onboarded, client, alice):
    client.force_login(alice)
    assert client.post(f"/team/testers/{onboarded[0].pk}/erase/").status_code == 403
    assert Tester.objects.count() == 2


# Retention changed with issue 19: sessions are blanked (rows stay, counts stay true) rather
# than deleted, and it is on by default (90 days). The tests below replace the ones that
# expected deletion and "off by default".
def test_retention_blanks_ended_sessions_deletes_old_attempts_and_sync_keeps_them_out(
    onboarded, charlie
):
    ann = onboarded[0]
    old = SandboxSession.objects.filter(phone_number=ann.phone_number)
    old_ids = set(old.values_list("kapso_id", flat=True))
    old.update(expires_at=timezone.now() - timedelta(days=40))
    attempt = make_lost_attempt(charlie)
    FailedSessionAttempt.objects.filter(pk=attempt.pk).update(
        created_at=timezone.now() - timedelta(days=40)
    )
    with override_settings(SANDBOX_RETENTION_DAYS=30):
        log = erasure.purge_retention()
    assert log.kind == "retention" and "sandbox sessions: 2" in log.detail
    assert not FailedSessionAttempt.objects.filter(pk=attempt.pk).exists()
    assert SandboxSession.objects.count() == 4  # rows stay
    assert (
        set(SandboxSession.objects.filter(phone_number="").values_list("kapso_id", flat=True))
        == old_ids
    )
    sync_kapso()
    assert not SandboxSession.objects.filter(phone_number=ann.phone_number).exists()


def test_retention_is_on_by_default_and_runs_as_a_job(onboarded, settings):
    SandboxSession.objects.update(expires_at=timezone.now() - timedelta(days=400))
    assert settings.SANDBOX_RETENTION_DAYS == 90
    with running_worker():
        jobs.purge_retention()
        wait_until(lambda: ErasureLog.objects.exists())
    assert SandboxSession.objects.count() == 4
    assert not SandboxSession.objects.exclude(phone_number="").exists()


def test_erasing_a_tester_drops_a_create_claim_that_names_their_phone(onboarded, charlie):
    from sandbox.models import PairClaim

    ann, other = onboarded
    for tester in (ann, other):
        PairClaim.objects.create(
            phone_number=tester.phone_number,
            agent_id="agent-x",
            holder="another-host:1:1",  # left by a crash on another machine
            expires_at=timezone.now() + timedelta(minutes=1),
        )
    erasure.erase_tester(ann, by=charlie)
    assert list(PairClaim.objects.values_list("phone_number", flat=True)) == [other.phone_number]
