"""sandbox/access.py: who may see or manage what."""

from __future__ import annotations

import pytest

from sandbox.access import can_manage, sessions_visible_to
from sandbox.models import Agent, SandboxSession

pytestmark = pytest.mark.django_db


def stored(kapso_id: str, created_by) -> SandboxSession:
    agent, _ = Agent.objects.get_or_create(kapso_id="agent-1", defaults={"name": "Agent"})
    return SandboxSession.objects.create(
        kapso_id=kapso_id,
        agent=agent,
        phone_number="+14155552671",
        status="pending_activation",
        activation_code="ABC123",
        activation_message="Send ABC123",
        activation_link="https://wa.me/15550001111?text=ABC123",
        raw_payload={},
        created_by=created_by,
    )


def test_a_teammate_sees_only_their_own_sessions(alice, bob, charlie):
    hers, his, nobodys = stored("a", alice), stored("b", bob), stored("c", None)
    assert set(sessions_visible_to(alice)) == {hers}
    assert set(sessions_visible_to(bob)) == {his}
    assert set(sessions_visible_to(charlie)) == {hers, his, nobodys}  # staff see all


def test_the_visible_rows_come_with_their_agent_and_creator(alice, django_assert_num_queries):
    stored("a", alice)
    with django_assert_num_queries(1):
        row = sessions_visible_to(alice).get()
        assert (row.agent.name, row.created_by.username) == ("Agent", "alice")


def test_only_the_creator_and_staff_manage_a_session(alice, bob, charlie):
    hers, nobodys = stored("a", alice), stored("c", None)
    assert can_manage(alice, hers)
    assert not can_manage(bob, hers)
    assert can_manage(charlie, hers)
    # A session made outside the dashboard belongs to no teammate: staff only.
    assert not can_manage(alice, nobodys) and can_manage(charlie, nobodys)
