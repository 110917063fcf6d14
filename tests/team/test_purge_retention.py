"""sandbox/team/management/commands/purge_retention.py: the nightly purge for cron."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from sandbox.models import Agent, SandboxSession

pytestmark = pytest.mark.django_db


def _run() -> str:
    out = io.StringIO()
    call_command("purge_retention", stdout=out)
    return out.getvalue()


def test_with_retention_off_it_says_so_and_keeps_sessions(settings):
    settings.SANDBOX_RETENTION_DAYS = 0
    _session("old", age=400)
    assert "sessions are kept" in _run()
    assert SandboxSession.objects.get().phone_number == "+14155552671"


def _session(kapso_id: str, *, age: int) -> SandboxSession:
    agent, _ = Agent.objects.get_or_create(kapso_id="a", defaults={"name": "A"})
    ended = timezone.now() - timedelta(days=age)
    return SandboxSession.objects.create(
        kapso_id=kapso_id,
        agent=agent,
        phone_number="+14155552671",
        status="active",
        activation_code="X",
        activation_message="X",
        activation_link="https://wa.me/1",
        raw_payload={},
        created_at=ended - timedelta(days=1),
        expires_at=ended,
    )


def test_with_a_retention_it_blanks_only_what_ended_before_it(settings):
    settings.SANDBOX_RETENTION_DAYS = 30
    _session("old", age=40)
    _session("new", age=1)
    assert "Blanked 1 sessions" in _run()
    # Rows stay (counts stay true); only the old one lost its phone.
    phones = dict(SandboxSession.objects.values_list("kapso_id", "phone_number"))
    assert phones == {"old": "", "new": "+14155552671"}
