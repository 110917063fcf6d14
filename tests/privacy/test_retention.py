"""sandbox/privacy/retention.py with a moved clock: what outlived its window goes, rows of
sessions stay (counts stay true), and nothing younger is touched."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from sandbox.agents import agent_list_refresh
from sandbox.models import FailedSessionAttempt, IdempotencyRecord, SandboxSession
from sandbox.privacy import retention
from sandbox.sessions import sandbox_session_create
from sandbox.team.models import Reminder
from tests.factories import make_lost_attempt

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def history(kapso, alice):
    agent = agent_list_refresh()[0]
    made = [
        sandbox_session_create(user=alice, phone_number=f"+1415555{n:04d}", agent_id=agent.kapso_id)
        for n in (2601, 2602)
    ]
    for outcome in made:
        Reminder.objects.create(session=outcome.session, kind=Reminder.MAIL, recipient="a@b.c")
    make_lost_attempt(alice)
    store = SessionStore()
    store["who"] = "someone"
    store.set_expiry(60)
    store.create()
    return [outcome.session for outcome in made]


def test_nothing_is_purged_before_its_window(history):
    done = retention.run(now=timezone.now() + timedelta(minutes=5))
    assert done["sandbox sessions"] == 0 and done["failed attempts"] == 0
    assert not SandboxSession.objects.filter(phone_number="").exists()
    assert FailedSessionAttempt.objects.exists()
    assert IdempotencyRecord.objects.count() == 0  # the form's 30 s records: expired, gone
    assert Reminder.objects.count() == 2  # their sessions still live: the send-once guard


def test_after_the_window_history_is_blanked_and_the_rest_deleted(history, settings):
    assert settings.SANDBOX_RETENTION_DAYS == 90
    ended = history[0]
    SandboxSession.objects.filter(pk=ended.pk).update(expires_at=timezone.now() - timedelta(days=1))
    later = timezone.now() + timedelta(days=90)  # the clock moved: 91 days after it ended
    done = retention.run(now=later)
    assert done["sandbox sessions"] == 1
    ended.refresh_from_db()
    assert (ended.phone_number, ended.raw_payload, ended.activation_code) == ("", {}, "")
    assert ended.erased_at is not None
    assert SandboxSession.objects.exclude(phone_number="").count() == 1  # still young
    assert SandboxSession.objects.count() == 2  # the row stays: counts stay true
    assert not FailedSessionAttempt.objects.exists()
    assert not Reminder.objects.filter(session=ended).exists()
    assert not Session.objects.exists()  # the login expired long ago


def test_retention_off_keeps_history_but_still_sweeps_expired_records(history, settings):
    settings.SANDBOX_RETENTION_DAYS = 0
    done = retention.run(now=timezone.now() + timedelta(days=400))
    assert done["sandbox sessions"] == 0 and FailedSessionAttempt.objects.exists()
    assert not SandboxSession.objects.filter(phone_number="").exists()
    assert not Session.objects.exists()
