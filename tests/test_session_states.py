"""sandbox/session_states.py: the state table (docs/session-states.md), row by row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sandbox import session_states
from sandbox.models import Agent, SandboxSession

NOW = datetime(2026, 12, 4, 17, 20, tzinfo=UTC)


def session(**fields) -> SandboxSession:
    values = {
        "kapso_id": "s-1",
        "agent": Agent(kapso_id="agent-1", name="Support bot"),
        "phone_number": "+14155552671",
        "status": SandboxSession.PENDING,
        "activation_code": "ABC123",
        "activation_link": "https://wa.me/15550001111?text=ABC123",
        "expires_at": NOW + timedelta(hours=1),
        "raw_payload": {},
        **fields,
    }
    return SandboxSession(**values)


@pytest.fixture(autouse=True)
def utc(settings):
    settings.TIME_ZONE = "UTC"


def test_pending_leads_with_the_code_and_ticks_its_time_left():
    state = session_states.page_state(session(), NOW)
    assert (state.row, state.heading, state.label) == (
        "pending",
        "Scan to activate",
        "Pending activation",
    )
    assert state.lead == "scan" and state.offers_code and state.offers_share
    assert (state.expires_on, state.expiry_note) == ("2026-12-04 18:20 UTC", "1 h 0 min left")
    assert state.ticking and not state.final
    assert "before 2026-12-04 18:20 UTC" in state.detail


def test_active_says_since_and_until_and_stops_polling():
    shown = session(status="active", activated_at=NOW - timedelta(minutes=2))
    state = session_states.page_state(shown, NOW)
    assert (state.row, state.label, state.headline) == ("active", "Active", "Activated")
    assert state.heading != "Scan to activate"
    assert state.status_fact == "Active since 2026-12-04 17:18 UTC"
    assert state.offers_code and state.final and state.ticking


@pytest.mark.parametrize(
    "fields",
    [
        {"expires_at": NOW - timedelta(hours=3)},  # by expires_at, though Kapso said pending
        {"status": "active", "expires_at": NOW - timedelta(hours=3)},
        {"status": "expired", "expires_at": NOW - timedelta(hours=3)},
    ],
)
def test_expired_leads_with_renew_offers_no_code_and_says_when(fields):
    state = session_states.page_state(session(**fields), NOW)
    assert (state.row, state.label, state.lead) == ("expired", "Expired", "renew")
    assert not state.offers_code and not state.offers_share
    assert state.expiry_note == "expired 3 h 0 min ago"
    assert "3 h 0 min ago (2026-12-04 14:20 UTC)" in state.detail and "Renew" in state.detail
    assert state.final and not state.ticking


def test_kapso_saying_expired_early_is_expired():
    state = session_states.page_state(session(status="expired"), NOW)
    assert state.row == "expired" and not state.offers_code
    assert state.expiry_note == "ended early by Kapso"


def test_an_unknown_status_is_shown_as_kapso_sent_it():
    state = session_states.page_state(session(status="paused_by_kapso"), NOW)
    assert (state.row, state.label, state.heading) == (
        "other",
        "Paused by kapso",
        "Kapso says: Paused by kapso",
    )
    assert "as sent" in state.detail and not state.final and state.offers_code


@pytest.mark.parametrize("status", ["pending_activation", "active", "paused_by_kapso"])
def test_no_expiry_known_says_so_and_shows_no_time_left(status):
    state = session_states.page_state(session(status=status, expires_at=None), NOW)
    assert (state.expires_on, state.expiry_note, state.ticking) == ("", "Kapso did not say", False)
    assert "before" not in state.detail and "until" not in state.detail


def test_the_key_changes_with_everything_the_part_shows_but_the_clock():
    pending = session_states.page_state(session(), NOW)
    later = session_states.page_state(session(), NOW + timedelta(minutes=5))
    assert pending.key == later.key
    active = session_states.page_state(session(status="active"), NOW)
    moved = session_states.page_state(session(expires_at=NOW + timedelta(hours=24)), NOW)
    expired = session_states.page_state(session(), NOW + timedelta(hours=2))
    assert len({pending.key, active.key, moved.key, expired.key}) == 4


def test_the_matrix_uses_the_same_words_for_the_states_it_shares():
    from sandbox.team import matrix

    for row in ("pending", "active", "expired"):
        assert matrix.LABELS[row] == session_states.WORDS[row]
