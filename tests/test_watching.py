"""sandbox/watching.py: however many watch a session, Kapso is asked once per window; a final
session is not asked about; a failure is told to the watcher. Against the emulator."""

from __future__ import annotations

import pytest

from sandbox import sessions, watching
from sandbox.gateway import watcher
from sandbox.models import SandboxSession
from tests.conftest import emulator_calls

pytestmark = pytest.mark.django_db
PHONE, AGENT = "+14155552671", "agent-support-01"


def _gets(kapso, session: SandboxSession) -> int:
    return emulator_calls(kapso).get(f"GET /api/v1/sandbox_sessions/{session.kapso_id}", 0)


@pytest.fixture
def pending(kapso, alice):
    return sessions.sandbox_session_create(user=alice, phone_number=PHONE, agent_id=AGENT).session


def test_many_watchers_in_one_window_make_one_kapso_call(kapso, alice, pending, settings):
    settings.KAPSO_REFRESH_SECONDS = 60
    first = watching.sandbox_session_refresh_throttled(pending, caller=watcher(alice))
    assert first.session.pk == pending.pk and first.error is None
    for _ in range(5):
        again = watching.sandbox_session_refresh_throttled(pending, caller=watcher(alice))
        assert again.session is pending  # answered from what is stored, no call
    assert _gets(kapso, pending) == 1


def test_a_final_session_is_never_asked_about(kapso, alice, pending):
    SandboxSession.objects.filter(pk=pending.pk).update(status="active")
    pending.refresh_from_db()
    assert pending.is_final
    watching.sandbox_session_refresh_throttled(pending, caller=watcher(alice))
    assert _gets(kapso, pending) == 0


def test_a_kapso_failure_is_told_to_the_watcher(kapso, alice, pending, settings):
    settings.KAPSO_API_KEY = "wrong-key"
    watched = watching.sandbox_session_refresh_throttled(pending, caller=watcher(alice))
    assert watched.error and "KAPSO_API_KEY" in watched.error
