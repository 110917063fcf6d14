"""sandbox/team/reminders.py against a real SMTP server: each reminder arrives once, its
renew link works once (after a confirm), dies with the session, and auto-renew says the
tester must still scan."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.utils import timezone

from sandbox.models import Origin, SandboxSession
from sandbox.team import jobs, onboarding, reminders
from sandbox.team.models import AutoRenew, Reminder
from tests.conftest import TEST_API_KEY, arm
from tests.team.conftest import running_worker, wait_until

pytestmark = pytest.mark.django_db(transaction=True)
LINK = re.compile(r"https?://\S+/renew/(\S+)/")


@pytest.fixture
def due(settings, kapso, agents, make_testers, alice):
    """A tester's session made by alice, inside the reminder window."""
    settings.SANDBOX_REMINDER_BEFORE = 25 * 3600  # the emulator's sessions last 24 h
    settings.SITE_URL = "https://dash.example.com"
    (tester,) = make_testers(1)
    batch = onboarding.batch_start(user=alice, testers=[tester], agent_ids=[agents[0].kapso_id])
    onboarding.batch_run(batch)
    return batch.pairs.get().session


def renew_path(body: str) -> str:
    return "/renew/" + LINK.search(body).group(1) + "/"


def test_the_reminder_arrives_once_even_with_several_workers(smtp, due):
    threads = [threading.Thread(target=reminders.send_due_reminders) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    reminders.send_due_reminders()  # and the next minute's run
    assert len(smtp.messages) == 1
    mail = message_from_bytes(smtp.messages[0].content, policy=policy.default)
    assert smtp.messages[0].rcpt_tos == ["tester0@example.com"]
    assert "Customer Support Agent" in mail["Subject"] and "ends in" in mail["Subject"]
    body = smtp.bodies()[0]
    assert "https://dash.example.com/renew/" in body
    assert TEST_API_KEY not in body
    assert Reminder.objects.get().session == due


def test_the_reminder_job_runs_on_the_worker(smtp, due):
    with running_worker():
        jobs.send_reminders()
        wait_until(lambda: smtp.messages)
    assert len(smtp.messages) == 1


def test_the_renew_link_asks_first_then_works_once(smtp, due, client, alice):
    reminders.send_due_reminders()
    path = renew_path(smtp.bodies()[0])
    # A mail scanner following the link renews nothing.
    page = client.get(path)
    assert page.status_code == 200 and b"Renew now" in page.content
    assert SandboxSession.objects.count() == 1

    done = client.post(path)
    assert done.status_code == 200
    new = SandboxSession.objects.exclude(pk=due.pk).get()
    assert (new.renewed_from_id, new.created_by_id, new.origin) == (due.pk, alice.pk, Origin.RENEW)
    assert new.charged_to_id == alice.pk  # a person's create, not background work
    html = done.content.decode()
    assert new.activation_code in html and new.activation_link in html and "<svg" in html
    # The new code goes out by e-mail too.
    wait_until(lambda: len(smtp.messages) == 2)
    assert new.activation_code in smtp.bodies()[1] and new.activation_link in smtp.bodies()[1]
    assert message_from_bytes(smtp.messages[1].content).get_content_type() == "multipart/mixed"

    again = client.post(path)
    assert again.status_code == 410 and b"already used" in again.content
    assert client.get(path).status_code == 410
    assert SandboxSession.objects.count() == 2


def test_the_link_dies_with_the_session(smtp, due, client):
    reminders.send_due_reminders()
    path = renew_path(smtp.bodies()[0])
    SandboxSession.objects.filter(pk=due.pk).update(expires_at=timezone.now() - timedelta(1))
    response = client.post(path)
    assert response.status_code == 410 and b"expired" in response.content
    assert SandboxSession.objects.count() == 1


def test_a_tampered_link_does_nothing(smtp, due, client):
    reminders.send_due_reminders()
    path = renew_path(smtp.bodies()[0])
    assert client.post(path[:-3] + "xx/").status_code == 410
    assert SandboxSession.objects.count() == 1


def test_when_kapso_fails_the_link_still_works_afterwards(smtp, due, client, kapso):
    reminders.send_due_reminders()
    path = renew_path(smtp.bodies()[0])
    arm(kapso, "status", status=500, body={"error": "Internal error"})
    failed = client.post(path)
    assert failed.status_code == 200 and b'role="alert"' in failed.content
    assert client.post(path).status_code == 200
    assert SandboxSession.objects.count() == 2


def test_after_a_lost_answer_the_link_stays_used_so_no_second_session(smtp, due, client, kapso):
    reminders.send_due_reminders()
    path = renew_path(smtp.bodies()[0])
    # Kapso makes the session but the answer is lost, and the look-up fails too.
    arm(kapso, "drop")
    arm(kapso, "status", path="/api/v1/sandbox_sessions", method="GET", status=503, times=5)
    lost = client.post(path)
    assert b"may still have made the session" in lost.content
    again = client.post(path)
    assert again.status_code == 410 and b"already used" in again.content


def test_the_link_of_an_erased_session_opens_nothing(smtp, due, client):
    reminders.send_due_reminders()
    path = renew_path(smtp.bodies()[0])
    SandboxSession.objects.filter(pk=due.pk).update(phone_number="", raw_payload={})
    assert client.get(path).status_code == 410
    assert client.post(path).status_code == 410
    assert SandboxSession.objects.count() == 1


def test_without_a_tester_address_the_creator_is_told(smtp, due, alice):
    from sandbox.team.models import Tester

    Tester.objects.update(email="")
    reminders.send_due_reminders()
    assert smtp.messages[0].rcpt_tos == [alice.email]


def test_a_refused_mail_is_tried_again_next_run(smtp, due):
    smtp.refuse = True
    report = reminders.send_due_reminders()
    assert report.failed == 1 and not Reminder.objects.exists()
    smtp.refuse = False
    reminders.send_due_reminders()
    assert len(smtp.messages) == 1


def test_auto_renew_renews_and_says_the_tester_must_still_scan(smtp, due, agents, settings):
    from sandbox.team.models import Tester

    AutoRenew.objects.create(tester=Tester.objects.get(), agent_id=agents[0].kapso_id)
    report = reminders.send_due_reminders()
    assert report.auto_renewed == 1
    new = SandboxSession.objects.exclude(pk=due.pk).get()
    assert new.renewed_from_id == due.pk
    body = smtp.bodies()[0]
    assert new.activation_code in body and "must still send the new code" in body
    settings.SANDBOX_REMINDER_BEFORE = 3600  # the new session is not due yet
    reminders.send_due_reminders()
    assert len(smtp.messages) == 1 and SandboxSession.objects.count() == 2


def test_a_session_already_renewed_gets_no_reminder(smtp, due, alice):
    from sandbox.sessions import sandbox_session_renew

    sandbox_session_renew(session=due, user=alice)
    reminders.send_due_reminders()
    # The new session is due too (24 h < 25 h window), the old one is not reminded.
    assert [m.rcpt_tos for m in smtp.messages] == [["tester0@example.com"]]
    assert Reminder.objects.get().session_id != due.pk


def test_a_claim_left_by_a_dead_worker_is_sent_by_a_later_run(smtp, due):
    # A worker claimed the reminder, then died before the mail went out.
    Reminder.objects.create(
        session=due,
        kind=Reminder.MAIL,
        recipient="tester0@example.com",
        nonce="0" * 32,
        sent_at=timezone.now() - reminders.STALE_CLAIM - timedelta(seconds=1),
    )
    reminders.send_due_reminders()
    assert [m.rcpt_tos for m in smtp.messages] == [["tester0@example.com"]]
    assert Reminder.objects.get().delivered_at is not None
    reminders.send_due_reminders()  # delivered: never again
    assert len(smtp.messages) == 1


def test_a_fresh_claim_of_another_worker_is_left_alone(smtp, due):
    Reminder.objects.create(session=due, kind=Reminder.MAIL, recipient="x@example.com", nonce="1")
    reminders.send_due_reminders()
    assert smtp.messages == []


def test_when_the_new_code_of_an_auto_renewal_cannot_be_mailed_only_the_mail_is_retried(
    smtp, due, agents, settings
):
    from sandbox.team.models import Tester

    AutoRenew.objects.create(tester=Tester.objects.get(), agent_id=agents[0].kapso_id)
    smtp.refuse = True
    assert reminders.send_due_reminders().auto_renewed == 1
    new = SandboxSession.objects.exclude(pk=due.pk).get()
    smtp.refuse = False
    settings.SANDBOX_REMINDER_BEFORE = 3600  # the new session is not due yet
    Reminder.objects.update(sent_at=timezone.now() - reminders.STALE_CLAIM - timedelta(1))
    reminders.send_due_reminders()
    assert len(smtp.messages) == 1 and new.activation_code in smtp.bodies()[0]
    assert SandboxSession.objects.count() == 2  # renewed once, mailed once
    reminders.send_due_reminders()
    assert len(smtp.messages) == 1
