"""`ensure`: a live session for a phone and an agent, reused if there is one, else made.

What a CI job calls before a run (the API's `POST /api/v1/sessions/ensure`). It applies the
same rules as the pages: the person sees what `access.sessions_visible_to` lets them see,
"live" is `live.live_session`'s rule (shared with bulk onboarding), a new session is made
by `sessions.sandbox_session_create`, charged to the person's share of the Kapso budget.
Reusing a live session asks Kapso nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from sandbox import agents, gateway, pair_claims
from sandbox.access import sessions_visible_to
from sandbox.errors import ServiceError
from sandbox.kapso import KapsoClient
from sandbox.kapso.quota import Caller
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
    *, user, phone_number: str, agent_id: str, client: KapsoClient | None = None
) -> Ensured:
    """The live session for `phone_number` (E.164) and `agent_id` among those `user` may
    see, or a new one made for `user`.

    Raises `UnknownAgent`, or what `sandbox_session_create` raises (`KapsoError`,
    `ServiceError`). Two calls at once for the pair make one session: the pair's claim
    (`live_or_create`) lets the second in only once the first's session is stored, and
    it is then "reused".
    """
    found = live_session(sessions_visible_to(user), phone_number=phone_number, agent_id=agent_id)
    if found is not None:
        return Ensured(found, "reused")
    check_agent(user, agent_id, client=client)
    ensured = live_or_create(
        user=user,
        phone_number=phone_number,
        agent_id=agent_id,
        sessions=sessions_visible_to(user),
        origin=Origin.API,
        caller=gateway.person(user),
        client=client,
    )
    # "duplicate": the same request a moment earlier made it (a concurrent twin).
    return Ensured(ensured.session, "reused" if ensured.how == "duplicate" else ensured.how)


def live_or_create(
    *,
    user,
    phone_number: str,
    agent_id: str,
    sessions: QuerySet[SandboxSession],
    origin: str,
    caller: Caller,
    renewed_from: SandboxSession | None = None,
    client: KapsoClient | None = None,
) -> Ensured:
    """The live session for the pair among `sessions` (what the asker may see), else a new
    one: the one door every create that must not duplicate goes through (the form, the
    matrix, bulk onboarding, the API).

    The pair is held (pair_claims.py) from the look-up to the stored answer, so people and
    jobs asking at once make one session and the later ones reuse it. A pair whose last
    holder died mid-create is first reconciled with Kapso (its session adopted). A renewal
    (`renewed_from`) reuses only a live session newer than the one it renews.
    """
    if renewed_from is not None:
        sessions = sessions.filter(newer_than(renewed_from))
    with pair_claims.held(phone_number, agent_id, user=user, origin=origin) as held:
        if held.abandoned is not None:
            pair_claims.adopt_lost(held.abandoned)
        found = live_session(sessions, phone_number=phone_number, agent_id=agent_id)
        if found is not None:
            return Ensured(found, "reused")
        outcome = sandbox_session_create(
            user=user,
            phone_number=phone_number,
            agent_id=agent_id,
            renewed_from=renewed_from,
            origin=origin,
            caller=caller,
            client=client,
        )
    return Ensured(outcome.session, outcome.how)


def newer_than(session: SandboxSession) -> Q:
    """Sessions made after `session` (Kapso's times have whole seconds: ties go by our id)."""
    return (
        Q(renewed_from=session)
        | Q(created_at__gt=session.created_at)
        | Q(created_at=session.created_at, pk__gt=session.pk)
    ) & ~Q(pk=session.pk)


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
