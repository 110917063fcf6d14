"""The erasure audit (issue 19): one person touched by every door, erased through the tester
page or the admin's delete; then every table and column (read by introspection), the queue's
store and the log lines hold no written form of them, and a sync against an emulator that
still holds their sessions brings nothing back. Runs on SQLite (make test) and PostgreSQL
(make test-postgres)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from sandbox import sharing
from sandbox.agents import agent_list_refresh
from sandbox.kapso import KapsoError
from sandbox.models import SandboxSession
from sandbox.sessions import sandbox_session_refresh
from sandbox.sync import sync_kapso
from sandbox.team import onboarding, reminders
from sandbox.team.models import OnboardingBatch, Tester
from tests.api.conftest import Api, make_token
from tests.conftest import arm, console_output, emulator_control
from tests.privacy import audit
from tests.privacy.audit import EMAIL, NAME, PHONE, TYPED

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def agents(kapso):
    return agent_list_refresh()


KEY = "audit-idempotency-key-1"
# Where the seed must have put the person, or the audit would prove nothing.
SEEDED = (
    "team_tester.phone_number",
    "sandbox_sandboxsession.last_sync_error",
    "sandbox_sandboxsession.raw_payload",
    "team_onboardingpair.error",
    "team_reminder.recipient",
    "django_admin_log.object_repr",
    "sandbox_failedsessionattempt.error_message",
    "kept pages",
)
SESSIONS = "/api/v1/sandbox_sessions"


def disarm(kapso) -> None:
    requests.delete(f"{kapso.url}/_emulator/faults", json={}, timeout=5).raise_for_status()


def seed(kapso, agents, client, root) -> tuple[Tester, audit.Needles, str]:
    """Every door: roster, bulk onboarding (Kapso's error quotes the phone), the form,
    reminders, a share link, the API with an Idempotency-Key, an admin edit, a refresh
    error quoting the phone, and a session only Kapso made (imported by sync)."""
    ids = [agent.kapso_id for agent in agents]
    client.force_login(root)
    client.post("/team/testers/", {"pasted": f"{NAME}, {TYPED}, {EMAIL}"})
    tester = Tester.objects.get(phone_number=PHONE)
    quote = {"error": f"The number {TYPED} ({PHONE}) cannot use the sandbox"}
    arm(kapso, "status", path=SESSIONS, status=422, body=quote, times=3)
    client.post("/onboard/", {"testers": [tester.pk], "agents": [ids[0]]})
    onboarding.batch_run(OnboardingBatch.objects.get())
    disarm(kapso)
    created = client.post("/", {"phone_number": TYPED, "agent_id": ids[1]})
    assert created.status_code == 302, created.content.decode()[-3000:]
    session = SandboxSession.objects.get(pk=created.url.strip("/").split("/")[-1])
    SandboxSession.objects.filter(pk=session.pk).update(
        expires_at=timezone.now() + timedelta(minutes=30)
    )
    reminders.send_due_reminders()
    client.post(f"/sessions/{session.pk}/share/", {"action": "create"})
    share = sharing.share_token(SandboxSession.objects.get(pk=session.pk))
    assert client.get(f"/share/{share}/").status_code == 200
    api = Api(make_token(root))
    body = {"phone_number": TYPED, "agent_id": ids[2]}
    made = api.post("/api/v1/sessions/ensure", body, key=KEY)
    assert made.status_code == 201, made.content
    api.get("/api/v1/sessions", {"phone": PHONE})
    for path in (f"/sessions/{session.pk}/", "/sessions/"):  # kept pages (page_cache)
        assert client.get(path).status_code == 200
    with audit.development_server() as url:  # request lines, as `make run` logs them
        for path in ("/sessions/", "/api/v1/sessions", "/team/testers/"):
            requests.get(url + path, params={"phone": TYPED, "q": EMAIL}, timeout=10)
    edited = client.post(
        f"/admin/team/tester/{tester.pk}/change/",
        {"name": NAME, "phone_number": TYPED, "email": EMAIL.upper(), "account": ""}
        | {"created_at_0": f"{tester.created_at:%Y-%m-%d}", "created_at_1": "10:00:00"}
        | {"auto_renewals-TOTAL_FORMS": 0, "auto_renewals-INITIAL_FORMS": 0},
    )
    assert edited.status_code == 302, edited.content.decode()[-2000:]
    arm(kapso, "status", path=f"{SESSIONS}/*", method="GET", status=422, body=quote, times=3)
    with pytest.raises(KapsoError):  # kept on the session as last_sync_error
        sandbox_session_refresh(SandboxSession.objects.get(pk=session.pk))
    disarm(kapso)
    emulator_control(kapso, "sessions", {"phone_number": PHONE, "agent_id": ids[0]})
    sync_kapso()
    # Made by Kapso before the erasure and never stored here: the next sync must skip it.
    emulator_control(kapso, "sessions", {"phone_number": PHONE, "agent_id": ids[1]})
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"))
    return tester, audit.Needles(agents=ids, api_bodies=[canonical]), share


def erase_through(door: str, client, tester: Tester) -> None:
    if door == "tester page":
        response = client.post(f"/team/testers/{tester.pk}/erase/")
    elif door == "admin delete":
        response = client.post(f"/admin/team/tester/{tester.pk}/delete/", {"post": "yes"})
    else:  # the admin's bulk "Delete selected"
        response = client.post(
            "/admin/team/tester/",
            {"action": "delete_selected", "_selected_action": [tester.pk], "post": "yes"},
        )
    assert response.status_code == 302, response.content[:500]


def assert_nothing_left(needles: dict[str, str], log: str) -> None:
    hits = audit.database_hits(needles) + audit.queue_hits(needles)
    hits += audit.kept_page_hits(needles)
    hits += audit.text_hits("log", log, needles)
    assert not hits, "still there after erasure:\n" + "\n".join(hits)


@pytest.mark.parametrize("door", ["tester page", "admin delete", "admin bulk delete"])
def test_an_erased_person_is_nowhere_and_sync_brings_nothing_back(
    door, kapso, agents, client, root, settings
):
    settings.PAGES_CACHED = True  # one test process: its cache stands in for a shared one
    with console_output() as log:
        tester, needles, share = seed(kapso, agents, client, root)
        found = audit.database_hits(needles.all()) + audit.kept_page_hits(needles.all())
        # The seed reached the stores the audit is about (else the audit proves nothing).
        for where in SEEDED:
            assert any(hit.startswith(where) for hit in found), (where, found)
        erase_through(door, client, tester)
        report = sync_kapso()  # the emulator still holds every session of the phone
        api = Api(make_token(root, name="after"))
        replay = api.post(
            "/api/v1/sessions/ensure",
            {"phone_number": TYPED, "agent_id": needles.agents[2]},
            key=KEY,
        )
        listed = api.get("/api/v1/sessions", {"phone": PHONE})
        shared = client.get(f"/share/{share}/")
    assert report.created == 0
    assert shared.status_code != 200
    assert listed.status_code == 200 and PHONE not in listed.content.decode()
    assert replay.headers.get("Idempotent-Replayed") == "true"  # answered, nothing made
    assert PHONE.lstrip("+") not in replay.content.decode()
    assert "django.server" in log.getvalue()  # the request lines were read
    assert_nothing_left(needles.all(), log.getvalue())
