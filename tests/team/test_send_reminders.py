"""sandbox/team/management/commands/send_reminders.py: the reminder job for cron."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_send_reminders_runs_from_the_command_line_and_says_what_it_did():
    out = io.StringIO()
    call_command("send_reminders", stdout=out)
    assert "Reminders: 0 mailed, 0 renewed automatically, 0 skipped, 0 failed." in out.getvalue()
