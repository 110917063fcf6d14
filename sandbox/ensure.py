"""`ensure`: a live session for a phone and an agent, reused if there is one, else made.

What a CI job calls before a run (the API's `POST /api/v1/sessions/ensure`). It applies the
same rules as the pages: the person sees what `access.sessions_visible_to` lets them see,
"live" is `live.live_session`'s rule (shared with bulk onboarding), a new session is made
by `sessions.sandbox_session_create`, charged to the person's share of the Kapso budget.
Reusing a live session asks Kapso nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sandbox import agents, gateway
from sandbox.access import sessions_visible_to
from sandbox.errors import ServiceError
from sandbox.gateway import Caller
from sandbox.kapso import KapsoClient
from sandbox.live import live_session
from sandbox.models import Origin, SandboxSession
from sandbox.sessions import sandbox_session_create


class UnknownAgent(ServiceError):
    """The agent asked for is not in Kapso's agent list (as the form's choice would refuse)."""

    kind = "unknown_agent"


@dataclass(frozen=True)
class Ensured:
    session: SandboxSession
    # "reused": a live session was there (no Kapso call); "created": Kapso made it now;
    # "adopted": Kapso made it but its answer was lost, and it was found there.
    how: str

    @property
    def made(self) -> bool:
        return self.how != "reused"


def ensure_session(
    *,
    user,
    phone_number: str,
    agent_id: str,
    client: KapsoClient | None = None,
    origin: str = Origin.API,
    caller: Caller | None = None,
) -> Ensured:
    """The live session for `phone_number` (E.164) and `agent_id` among those `user` may
    see, or a new one made for `user`, by door `origin`, charged to `caller` (by default
    `user`'s own share: a group's join link passes `gateway.joiner()`).

    Raises `UnknownAgent`, or what `sandbox_session_create` raises (`KapsoError`,
    `ServiceError`). Two identical calls at once make one session: the create's own
    double-submit guard folds the second into the first, which is then "reused".
    """
    found = live_session(sessions_visible_to(user), phone_number=phone_number, agent_id=agent_id)
    if found is not None:
        return Ensured(found, "reused")
    check_agent(user, agent_id, client=client)
    outcome = sandbox_session_create(
        user=user,
        phone_number=phone_number,
        agent_id=agent_id,
        origin=origin,
        caller=caller or gateway.person(user),
        client=client,
    )
    # "duplicate": the same request a moment earlier made it (a concurrent twin).
    return Ensured(outcome.session, "reused" if outcome.how == "duplicate" else outcome.how)


def check_agent(user, agent_id: str, *, client: KapsoClient | None = None) -> None:
    """Refuse an agent Kapso's list does not name, as the form's agent choice does. When the
    list cannot be had at all, any id is tried, as the form's text box allows."""
    choices = agents.agent_choices(caller=gateway.watcher(user), client=client)
    known = {agent.kapso_id for agent in choices.agents}
    if known and agent_id not in known:
        raise UnknownAgent(
            f"Kapso's agent list has no agent “{agent_id}”. GET /api/v1/agents lists the "
            "agents by id."
        )
