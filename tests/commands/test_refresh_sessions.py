"""`manage.py refresh_sessions`: refresh the sessions that may still change (for cron)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from tests.conftest import emulator_control
from tests.factories import make_session

pytestmark = pytest.mark.django_db


def run() -> str:
    out, err = StringIO(), StringIO()
    call_command("refresh_sessions", stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_refresh_sessions_updates_pending_ones(kapso, alice):
    session = make_session(alice)
    done = make_session(alice, "+14155552672")
    done.status = "expired"
    done.save()
    emulator_control(kapso, f"sessions/{session.kapso_id}/status", {"status": "active"})
    assert "Sessions: 1 refreshed, 0 failed" in run()
    session.refresh_from_db()
    assert session.status == "active"


def test_a_failure_is_named_and_counted(kapso, alice, settings):
    session = make_session(alice)
    settings.KAPSO_API_KEY = "wrong-key"
    text = run()
    assert "Sessions: 0 refreshed, 1 failed" in text
    assert f"failed: {session.kapso_id}: Kapso refused the API key" in text
