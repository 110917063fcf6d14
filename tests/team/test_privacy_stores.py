"""sandbox/team/privacy_stores.py: the team's stores in the declaration; what the erasure log
records (counts, never the data)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sandbox import privacy
from sandbox.models import Agent, SandboxSession
from sandbox.team import privacy_stores
from sandbox.team.models import ErasureLog, Reminder, Tester

pytestmark = pytest.mark.django_db


def test_a_tester_saved_with_a_typed_phone_is_still_found_in_e164():
    tester = Tester.objects.create(name="Tess Typed", phone_number="+44 7911 123456")
    person = privacy.Person(tester_ids={tester.pk})
    privacy_stores.find_testers(person)
    assert person.phone == "+447911123456" and person.names == {"Tess Typed"}


def test_reminders_go_once_their_session_has_ended():
    agent = Agent.objects.create(kapso_id="agent", name="Agent")
    now = timezone.now()

    def session(kapso_id, expires):
        return SandboxSession.objects.create(
            kapso_id=kapso_id, agent=agent, phone_number="+14155552671", status="active",
            activation_code="C", activation_message="m", activation_link="l",
            raw_payload={}, expires_at=expires,
        )  # fmt: skip

    for kapso_id, expires in (("ended", now - timedelta(hours=1)), ("live", now + timedelta(1))):
        Reminder.objects.create(session=session(kapso_id, expires), kind="mail", recipient="a@b.c")
    assert privacy_stores.retain_reminders(now) == 1
    assert Reminder.objects.get().session.kapso_id == "live"


def test_the_log_row_holds_counts_and_the_door_never_the_data(charlie):
    person = privacy.Person(phone="+14155552671", names={"Ann"}, tester_ids={7})
    log = privacy_stores.record(
        kind="erasure", person=person, counts={"sandbox sessions": 2}, by=charlie, door="x"
    )
    assert (log.kind, log.sessions, log.by) == (ErasureLog.TESTER, 2, charlie)
    assert "Tester #7" in log.detail and "2671" not in log.detail and "Ann" not in log.detail
