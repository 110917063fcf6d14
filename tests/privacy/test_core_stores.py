"""sandbox/privacy/core_stores.py: sandbox's tables, found by every written form."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sandbox.models import Agent, SandboxSession
from sandbox.privacy import core_stores
from sandbox.privacy.person import Person

pytestmark = pytest.mark.django_db


def _session(kapso_id: str, phone: str, **extra) -> SandboxSession:
    agent, _ = Agent.objects.get_or_create(kapso_id="agent", defaults={"name": "Agent"})
    return SandboxSession.objects.create(
        kapso_id=kapso_id, agent=agent, phone_number=phone, status="expired",
        activation_code="C", activation_message="m", activation_link="l",
        raw_payload={"phone_number": phone}, **extra,
    )  # fmt: skip


def test_an_error_quoting_the_phone_in_another_row_is_found_in_its_written_form():
    mine = _session("mine", "+447911123456")
    other = _session("other", "+14155552671", last_sync_error="Kapso: 07911 123456 refused")
    person = Person(phone="+447911123456")
    core_stores.find_sessions(person)
    assert person.session_ids == {mine.pk} and person.kapso_ids == {"mine"}
    assert core_stores.erase_sessions(person) == 1
    mine.refresh_from_db()
    other.refresh_from_db()
    assert (mine.phone_number, mine.raw_payload, mine.erased_at is not None) == ("", {}, True)
    assert other.last_sync_error == core_stores.ERASED
    assert other.phone_number == "+14155552671"  # someone else's number stays


def test_retention_blanks_only_what_ended_before_the_window(settings):
    now = timezone.now()
    old = _session("old", "+14155552601", expires_at=now - timedelta(days=91))
    young = _session("young", "+14155552602", expires_at=now - timedelta(days=89))
    undated = _session("undated", "+14155552603", created_at=now - timedelta(days=100))
    assert core_stores.retain_sessions(now) == 2
    assert {s.kapso_id for s in SandboxSession.objects.filter(phone_number="")} == {
        old.kapso_id,
        undated.kapso_id,
    }
    assert SandboxSession.objects.get(pk=young.pk).phone_number == "+14155552602"
    settings.SANDBOX_RETENTION_DAYS = 0
    assert core_stores.retain_sessions(now + timedelta(days=999)) == 0


def _history(text: str, message: str = ""):
    from django.contrib.admin.models import ADDITION, LogEntry
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="reviewer")
    return LogEntry.objects.create(
        user=user, object_repr=text, change_message=message, action_flag=ADDITION
    )


def test_a_name_is_found_only_as_a_whole_word_never_inside_another_name():
    from django.contrib.admin.models import LogEntry

    anns = _history("Ann (+447911123456)")
    said = _history("Tester", "Changed name: ann smith")
    joannes = _history("Joanne (+447700900111)")
    log = _history("Logged in", "administrator changed settings")
    other = _session("other", "+14155552671", last_sync_error="Kapso: Joanne not reachable")
    ann = Person(names={"Ann", "admin"})
    exported = {row["object_repr"] for row in core_stores.export_admin_history(ann)}
    assert exported == {"Ann (+447911123456)", "Tester"}
    assert core_stores.erase_admin_history(ann) == 2
    assert core_stores.erase_sessions(ann) == 0
    left = set(LogEntry.objects.values_list("pk", flat=True))
    assert left == {joannes.pk, log.pk} and not {anns.pk, said.pk} & left
    other.refresh_from_db()
    assert other.last_sync_error == "Kapso: Joanne not reachable"
