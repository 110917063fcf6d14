"""Business steps of the dashboard: each one a plain function, each write one transaction.

Views call these; these call Kapso through `sandbox.kapso` and write models. Nothing
here knows about requests, forms or templates.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from sandbox import kapso_types
from sandbox.kapso import KapsoClient, get_client
from sandbox.kapso_errors import KapsoError
from sandbox.models import Agent, FailedSessionAttempt, SandboxSession

AGENTS_FRESH_KEY = "sandbox:agents-fresh"
REFRESH_CLAIM_KEY = "sandbox:refresh-claim:{pk}"


@dataclass(frozen=True)
class AgentChoices:
    agents: list[Agent]
    # Why Kapso's list could not be loaded just now, if it could not.
    error: str | None = None


def agent_upsert(data: kapso_types.Agent, *, known: Agent | None = None) -> Agent:
    """Store Kapso's agent; written only when something differs from `known`."""
    fields = {
        "name": data.name,
        "description": data.description,
        "project_id": data.project_id,
        "kapso_created_at": data.created_at,
        "kapso_updated_at": data.updated_at,
        "listed": True,
    }
    if known is not None and all(getattr(known, k) == v for k, v in fields.items()):
        return known
    agent, _ = Agent.objects.update_or_create(
        kapso_id=data.id, defaults={**fields, "synced_at": timezone.now()}
    )
    return agent


def agent_list_refresh(*, client: KapsoClient | None = None) -> list[Agent]:
    """Replace the cached agent list with Kapso's; raises KapsoError if Kapso fails."""
    fetched = (client or get_client()).list_agents()
    known = {agent.kapso_id: agent for agent in Agent.objects.all()}
    with transaction.atomic():
        agents = [agent_upsert(item, known=known.get(item.id)) for item in fetched]
        kept = {agent.pk for agent in agents}
        gone = [a.pk for a in known.values() if a.listed and a.pk not in kept]
        if gone:
            Agent.objects.filter(pk__in=gone).update(listed=False)
    cache.set(AGENTS_FRESH_KEY, True, settings.KAPSO_AGENT_CACHE_SECONDS)
    return sorted(agents, key=lambda a: (a.name.lower(), a.kapso_id))


def agent_choices(
    *, force_refresh: bool = False, client: KapsoClient | None = None
) -> AgentChoices:
    """Agents for the create form: the cached list, reloaded from Kapso when stale.

    When Kapso cannot be reached the last known list is still offered, with the reason.
    """
    if force_refresh or not cache.get(AGENTS_FRESH_KEY):
        try:
            return AgentChoices(agents=agent_list_refresh(client=client))
        except KapsoError as exc:
            return AgentChoices(agents=list(Agent.objects.filter(listed=True)), error=exc.message)
    return AgentChoices(agents=list(Agent.objects.filter(listed=True)))


def sandbox_session_upsert(
    data: kapso_types.SandboxSession,
    *,
    created_by=None,
    requested_agent_id: str = "",
    renewed_from: SandboxSession | None = None,
) -> tuple[SandboxSession, bool]:
    """Store Kapso's view of a session, matched on Kapso's id; the creator is never replaced."""
    with transaction.atomic():
        kapso_fields = {
            "agent": agent_upsert(data.agent),
            "phone_number": data.phone_number,
            "status": data.status,
            "activation_code": data.activation_code,
            "activation_message": data.activation_message,
            "activation_link": data.activation_link,
            "activated_at": data.activated_at,
            "expires_at": data.expires_at,
            "kapso_created_at": data.created_at,
            "kapso_updated_at": data.updated_at,
            "raw_payload": data.raw,
            "last_synced_at": timezone.now(),
            "last_sync_error": "",
        }
        session, created = SandboxSession.objects.update_or_create(
            kapso_id=data.id,
            defaults=kapso_fields,
            create_defaults={
                **kapso_fields,
                "created_by": created_by,
                "requested_agent_id": requested_agent_id,
                "renewed_from": renewed_from,
                "created_at": data.created_at or timezone.now(),
            },
        )
    return session, created


def sandbox_session_create(
    *,
    user,
    phone_number: str,
    agent_id: str,
    renewed_from: SandboxSession | None = None,
    client: KapsoClient | None = None,
) -> SandboxSession:
    """Ask Kapso for a session and keep it; on failure keep the attempt, then re-raise."""
    try:
        data = (client or get_client()).create_session(phone_number=phone_number, agent_id=agent_id)
    except KapsoError as exc:
        FailedSessionAttempt.objects.create(
            created_by=user,
            phone_number=phone_number,
            agent_id=agent_id,
            error_kind=exc.kind,
            error_message=exc.message,
            http_status=exc.status,
        )
        raise
    session, _ = sandbox_session_upsert(
        data, created_by=user, requested_agent_id=agent_id, renewed_from=renewed_from
    )
    return session


def sandbox_session_renew(
    *, session: SandboxSession, user, client: KapsoClient | None = None
) -> SandboxSession:
    """A fresh session for the same phone and agent (Kapso documents no renew call)."""
    return sandbox_session_create(
        user=user,
        phone_number=session.phone_number,
        # The id the teammate picked, which Kapso accepted before; Kapso's answer may
        # name the agent by another id form.
        agent_id=session.requested_agent_id or session.agent.kapso_id,
        renewed_from=session,
        client=client,
    )


def sandbox_session_refresh(
    session: SandboxSession, *, client: KapsoClient | None = None
) -> SandboxSession:
    """Ask Kapso for the session now and store its answer; a failure is kept on the session."""
    try:
        data = (client or get_client()).get_session(session.kapso_id)
    except KapsoError as exc:
        SandboxSession.objects.filter(pk=session.pk).update(last_sync_error=exc.message)
        session.last_sync_error = exc.message
        raise
    refreshed, _ = sandbox_session_upsert(data)
    return refreshed


def sandbox_session_refresh_throttled(
    session: SandboxSession, *, client: KapsoClient | None = None
) -> tuple[SandboxSession, str | None]:
    """What a polling page calls: Kapso is asked at most once per KAPSO_REFRESH_SECONDS
    per session, whatever the number of tabs, users and server processes watching.

    The claim is a cache.add, which only one caller wins while the key lives (atomic in
    Redis and in the local-memory cache alike). Returns the session and, if asking Kapso
    failed, why.
    """
    if session.is_final:
        return session, None
    claimed = cache.add(
        REFRESH_CLAIM_KEY.format(pk=session.pk), True, settings.KAPSO_REFRESH_SECONDS
    )
    if not claimed:
        return session, session.last_sync_error or None
    try:
        return sandbox_session_refresh(session, client=client), None
    except KapsoError as exc:
        return session, exc.message
