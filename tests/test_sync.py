"""sync_kapso and refresh_sessions against the emulator over HTTP."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kapso_emulator import EmulatorServer
from sandbox import sync
from sandbox.kapso import KapsoClient
from sandbox.models import SandboxSession
from sandbox.sync import sync_kapso
from tests.conftest import TEST_API_KEY, emulator_control, load_fixture
from tests.factories import make_session
from tests.scripted_server import Reply

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


def test_sync_honours_429_and_its_wait(settings):
    # Five calls (agents + four pages) against two per minute: even if a minute boundary
    # falls inside the run, one window sees a third call and answers 429.
    with EmulatorServer(host="127.0.0.1", port=0, rate_limit=2) as limited:
        emulator_control(
            limited,
            "sessions",
            {
                "phone_number": "+14155550100",
                "agent_id": "agent-sales-02",
                "count": 350,
            },
        )
        waits: list[int] = []

        def sleep(seconds):
            # Kapso's window is a minute; move the emulator's clock instead of waiting it.
            waits.append(seconds)
            emulator_control(limited, "clock", {"advance_seconds": seconds})

        client = KapsoClient(base_url=limited.api_base_url, api_key=TEST_API_KEY)
        report = sync_kapso(client=client, sleep=sleep)
    assert report.created == 350 and report.failed == 0
    assert report.rate_limit_waits >= 1 and all(1 <= w <= 60 for w in waits)


def test_unusable_sessions_are_counted_and_the_rest_kept(scripted):
    good = load_fixture("create_sandbox_session.response.json")["data"]
    bad = {**good, "id": "bad-one", "activation_link": "javascript:alert(1)"}
    scripted.reply = Reply(
        status=200,
        body={
            "data": [good, bad],
            "meta": {"page": 1, "per_page": 100, "total_pages": 1, "total_count": 2},
        },
    )
    # The scripted server answers every call with this page, so drive the page step
    # directly rather than the whole walk (which lists agents first).
    report = sync.SyncReport()
    page = KapsoClient(base_url=scripted.url, api_key=TEST_API_KEY).list_sessions()
    sync._store_page(page.items, {}, report)
    assert page.failures and "activation_link" in page.failures[0]
    assert report.created == 1
    assert SandboxSession.objects.get().kapso_id == good["id"]


def test_failed_run_says_so_and_rerun_is_safe(kapso, settings):
    outside(kapso, 5)
    settings.KAPSO_API_BASE_URL = "http://127.0.0.1:9/api/v1"
    with pytest.raises(CommandError, match="run the command again"):
        run()
    settings.KAPSO_API_BASE_URL = kapso.api_base_url
    assert "Sessions: 5 created" in run()


def test_refresh_sessions_updates_pending_ones(kapso, alice):
    session = make_session(alice)
    done = make_session(alice, "+14155552672")
    done.status = "expired"
    done.save()
    emulator_control(kapso, f"sessions/{session.kapso_id}/status", {"status": "active"})
    assert "Sessions: 1 refreshed, 0 failed" in run("refresh_sessions")
    session.refresh_from_db()
    assert session.status == "active"


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


def test_agents_kapso_dropped_stay_hidden_when_sessions_name_them():
    from sandbox.agents import agent_choices
    from sandbox.kapso.types import parse_session
    from sandbox.models import Agent

    data = load_fixture("create_sandbox_session.response.json")["data"]
    Agent.objects.create(kapso_id=data["agent"]["id"], name="Old name", listed=False)
    item = parse_session(data)
    report = sync.SyncReport()
    sync._store_page([item], {}, report)
    agent = Agent.objects.get(kapso_id=data["agent"]["id"])
    assert agent.name == data["agent"]["name"]  # its details are refreshed
    assert agent.listed is False  # but it does not come back into the form
    assert data["agent"]["id"] not in {a.kapso_id for a in agent_choices().agents if a.listed}
    with CaptureQueriesContext(connection) as queries:
        sync._store_page([item], {}, sync.SyncReport())
    assert not [q for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE")]


def test_an_agent_first_seen_inside_a_session_is_not_offered():
    from sandbox.kapso.types import parse_session
    from sandbox.models import Agent

    data = load_fixture("create_sandbox_session.response.json")["data"]
    sync._store_page([parse_session(data)], {}, sync.SyncReport())
    assert Agent.objects.get(kapso_id=data["agent"]["id"]).listed is False


def test_an_old_sessions_copy_of_its_agent_does_not_undo_a_rename():
    from sandbox.agents import agent_upsert
    from sandbox.kapso.types import parse_agent, parse_session
    from sandbox.models import Agent

    data = load_fixture("create_sandbox_session.response.json")["data"]
    renamed = {**data["agent"], "name": "Renamed agent", "updated_at": "2030-01-01T00:00:00Z"}
    agent_upsert(parse_agent(renamed), listed=True)  # Kapso's agent list, newer
    sync._store_page([parse_session(data)], {}, sync.SyncReport())  # an old session's copy
    assert Agent.objects.get(kapso_id=data["agent"]["id"]).name == "Renamed agent"
