"""Sessions made through the real path: the emulator creates them, the service stores them."""

from __future__ import annotations

from sandbox import sessions
from sandbox.gateway import get_client


def make_session(user, phone: str = "+14155552671", agent_index: int = 0):
    agent_id = get_client().list_agents()[agent_index].id
    outcome = sessions.sandbox_session_create(user=user, phone_number=phone, agent_id=agent_id)
    return outcome.session


def make_lost_attempt(user, phone: str = "+14155552671", agent_id: str = "agent-support-01"):
    """A create whose answer was lost: Kapso may have made the session."""
    from sandbox.models import FailedSessionAttempt

    return FailedSessionAttempt.objects.create(
        created_by=user,
        phone_number=phone,
        agent_id=agent_id,
        error_kind="timeout",
        error_message="lost",
        outcome_unknown=True,
    )
