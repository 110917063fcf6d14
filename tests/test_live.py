"""sandbox/live.py: one rule for "live", the same in Python and in SQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sandbox import live
from sandbox.models import Agent, SandboxSession

pytestmark = pytest.mark.django_db
HOUR = timedelta(hours=1)

CASES = [
    # (status, expires in, live?)
    ("active", 5 * HOUR, True),
    ("active", timedelta(minutes=5), True),  # active: live until it lapses
    ("active", -timedelta(minutes=1), False),  # lapsed since Kapso last spoke
    ("active", None, True),
    ("pending_activation", 2 * HOUR, True),
    ("pending_activation", HOUR + timedelta(minutes=1), True),
    ("pending_activation", timedelta(minutes=59), False),  # too little time to scan
    ("pending_activation", None, True),
    ("expired", 5 * HOUR, False),
    ("paused_by_kapso", 5 * HOUR, False),  # a status Kapso may invent is not live
]


def make(n: int, status: str, expires_in, agent: Agent, **extra) -> SandboxSession:
    now = timezone.now()
    return SandboxSession.objects.create(
        kapso_id=f"s-{n}",
        agent=agent,
        phone_number="+14155552671",
        status=status,
        activation_code="ABC123",
        activation_message="m",
        activation_link="https://wa.me/15551234567",
        expires_at=now + expires_in if expires_in is not None else None,
        raw_payload={},
        **extra,
    )


@pytest.fixture
def agent():
    return Agent.objects.create(kapso_id="agent-1", name="Support")


def test_python_and_sql_agree_on_every_case(agent):
    sessions = [make(n, status, left, agent) for n, (status, left, _) in enumerate(CASES)]
    in_sql = set(SandboxSession.objects.filter(live.live_filter()).values_list("pk", flat=True))
    for session, (status, left, expected) in zip(sessions, CASES, strict=True):
        assert live.is_live(session) is expected, (status, left)
        assert (session.pk in in_sql) is expected, (status, left)


def test_the_minimum_left_is_a_setting(agent, settings):
    session = make(1, "pending_activation", timedelta(minutes=30), agent)
    assert not live.is_live(session)
    settings.SANDBOX_LIVE_MIN_REMAINING = 15 * 60
    assert live.is_live(session)
    assert SandboxSession.objects.filter(live.live_filter()).get() == session


def test_live_session_finds_the_newest_for_phone_and_agent_in_either_id_form(agent):
    make(1, "pending_activation", timedelta(minutes=10), agent)  # not live
    older = make(2, "active", 5 * HOUR, agent)
    newer = make(3, "pending_activation", 5 * HOUR, agent, requested_agent_id="uuid-form")
    everyone = SandboxSession.objects.all()
    found = live.live_session(everyone, phone_number="+14155552671", agent_id="agent-1")
    assert found == newer
    assert live.live_session(everyone, phone_number="+14155552671", agent_id="uuid-form") == newer
    assert (
        live.live_session(
            everyone.exclude(pk=newer.pk), phone_number="+14155552671", agent_id="agent-1"
        )
        == older
    )
    assert live.live_session(everyone, phone_number="+14155559999", agent_id="agent-1") is None
