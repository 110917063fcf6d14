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


def test_off_by_default_it_says_so_and_keeps_everything(settings):
    settings.SANDBOX_RETENTION_DAYS = 0
    assert "nothing is purged" in _run()


def test_with_a_retention_it_purges_only_what_is_older(settings):
    settings.SANDBOX_RETENTION_DAYS = 30
    agent = Agent.objects.create(kapso_id="a", name="A")
    for kapso_id, age in (("old", 40), ("new", 1)):
        SandboxSession.objects.create(
            kapso_id=kapso_id,
            agent=agent,
            phone_number="+14155552671",
            status="active",
            activation_code="X",
            activation_message="X",
            activation_link="https://wa.me/1",
            raw_payload={},
            created_at=timezone.now() - timedelta(days=age),
        )
    assert "Purged 1 sessions" in _run()
    assert list(SandboxSession.objects.values_list("kapso_id", flat=True)) == ["new"]
