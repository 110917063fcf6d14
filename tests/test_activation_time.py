"""models.kapso_session_fields: every path that learns of an activation keeps a time for it,
even when Kapso says "active" without one (refresh, live poll and API wait go through
sessions.sandbox_session_upsert; sync through sync._store_page)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from sandbox import sync
from sandbox.kapso.types import parse_session
from sandbox.models import SandboxSession
from sandbox.sessions import sandbox_session_upsert

pytestmark = pytest.mark.django_db
KAPSOS_TIME = "2026-05-01T10:00:00Z"


def _kapso(status: str, activated_at: str | None = None):
    return parse_session(
        {
            "id": "sess-1",
            "phone_number": "+14155552671",
            "status": status,
            "activation_code": "ABC123",
            "activation_message": "Send ABC123",
            "activation_link": "https://wa.me/15551234567?text=ABC123",
            "activated_at": activated_at,
            "expires_at": None,
            "created_at": "2026-05-01T09:59:00Z",
            "updated_at": "2026-05-01T10:00:00Z",
            "agent": {"id": "agent-1", "name": "Support"},
        }
    )


def test_kapsos_own_time_wins():
    session, _ = sandbox_session_upsert(_kapso("active", KAPSOS_TIME))
    assert session.activated_at == datetime(2026, 5, 1, 10, tzinfo=UTC)


def test_active_without_a_time_is_stamped_once_and_kept():
    sandbox_session_upsert(_kapso("pending_activation"))
    before = timezone.now()
    sandbox_session_upsert(_kapso("active"))
    first = SandboxSession.objects.get().activated_at
    assert first is not None and first >= before
    sandbox_session_upsert(_kapso("active"))  # a later refresh keeps the first time
    sandbox_session_upsert(_kapso("expired"))  # and so does its expiry
    assert SandboxSession.objects.get().activated_at == first


def test_pending_and_expired_unused_have_none():
    sandbox_session_upsert(_kapso("pending_activation"))
    sandbox_session_upsert(_kapso("expired"))
    assert SandboxSession.objects.get().activated_at is None


def test_sync_stamps_and_keeps_it_too():
    report = sync.SyncReport()
    agents: dict = {}
    sync._store_page([_kapso("pending_activation")], agents, report)
    sync._store_page([_kapso("active")], agents, report)
    first = SandboxSession.objects.get().activated_at
    assert first is not None
    sync._store_page([_kapso("expired")], agents, report)
    assert SandboxSession.objects.get().activated_at == first
