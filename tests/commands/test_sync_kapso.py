"""`manage.py sync_kapso` against the emulator over HTTP: what it prints, and that a stopped
run says so and can simply be run again."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sandbox.models import SandboxSession
from tests.conftest import emulator_control
from tests.factories import make_session

pytestmark = pytest.mark.django_db


def outside(emulator, count: int, phone="+14155550100", agent="agent-sales-02"):
    emulator_control(
        emulator, "sessions", {"phone_number": phone, "agent_id": agent, "count": count}
    )


def run(command="sync_kapso") -> str:
    out, err = StringIO(), StringIO()
    call_command(command, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def test_sync_imports_everything_and_keeps_creators(kapso, alice):
    mine = make_session(alice, "+14155552671")
    outside(kapso, 230)
    text = run()
    # The dashboard's own session is already stored exactly as Kapso lists it.
    assert "Sessions: 230 created, 0 updated, 1 unchanged, 0 failed" in text
    assert SandboxSession.objects.count() == 231
    assert SandboxSession.objects.filter(created_by__isnull=True).count() == 230
    mine.refresh_from_db()
    assert mine.created_by == alice
    assert "[##############################] page 3/3" in text


def test_second_run_changes_nothing_and_writes_nothing(kapso, alice):
    outside(kapso, 120)
    run()
    with CaptureQueriesContext(connection) as queries:
        text = run()
    assert "Sessions: 0 created, 0 updated, 120 unchanged, 0 failed" in text
    writes = [q["sql"] for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []


def test_changes_at_kapso_are_updated(kapso):
    outside(kapso, 3)
    run()
    session = SandboxSession.objects.first()
    emulator_control(kapso, f"sessions/{session.kapso_id}/status", {"status": "active"})
    assert "Sessions: 0 created, 1 updated, 2 unchanged, 0 failed" in run()
    session.refresh_from_db()
    assert session.status == "active" and session.activated_at is not None


def test_failed_run_says_so_and_rerun_is_safe(kapso, settings, refused_url):
    outside(kapso, 5)
    settings.KAPSO_API_BASE_URL = refused_url + "/api/v1"
    with pytest.raises(CommandError, match="run the command again"):
        run()
    settings.KAPSO_API_BASE_URL = kapso.api_base_url
    assert "Sessions: 5 created" in run()


def test_sync_stopped_by_a_fault_midway_finishes_on_rerun(kapso, settings):
    settings.KAPSO_TIMEOUT = 2.0
    outside(kapso, 150)
    # The list answers a gateway's HTML page three times running: more than the read
    # retries absorb, so the run stops.
    emulator_control(
        kapso,
        "faults",
        {
            "kind": "html",
            "path": "/api/v1/sandbox_sessions",
            "method": "GET",
            "times": 3,
            "status": 502,
        },
    )
    with pytest.raises(CommandError, match="run the command again"):
        run()
    assert SandboxSession.objects.count() == 0
    assert "Sessions: 150 created, 0 updated, 0 unchanged, 0 failed" in run()
    assert SandboxSession.objects.count() == 150


def test_unusable_sessions_are_named_and_counted(kapso):
    outside(kapso, 2)
    emulator_control(
        kapso,
        "faults",
        {"kind": "bad_link", "path": "/api/v1/sandbox_sessions", "method": "GET"},
    )
    text = run()  # the first session of the page comes with a hostile link
    assert "skipped: Kapso sent an answer the dashboard cannot use (activation_link" in text
    assert "Sessions: 1 created, 0 updated, 0 unchanged, 1 failed" in text
    assert SandboxSession.objects.count() == 1
