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


@dataclass(frozen=True)
class AgentChoices:
    agents: list[Agent]
    # Why Kapso's list could not be loaded just now, if it could not.
    error: str | None = None


def agent_upsert(data: kapso_types.Agent) -> Agent:
    agent, _ = Agent.objects.update_or_create(
        kapso_id=data.id,
        defaults={
            "name": data.name,
            "description": data.description,
            "project_id": data.project_id,
            "kapso_created_at": data.created_at,
            "kapso_updated_at": data.updated_at,
            "listed": True,
            "synced_at": timezone.now(),
        },
    )
    return agent


def agent_list_refresh(*, client: KapsoClient | None = None) -> list[Agent]:
    """Replace the cached agent list with Kapso's; raises KapsoError if Kapso fails."""
    fetched = (client or get_client()).list_agents()
    with transaction.atomic():
        agents = [agent_upsert(item) for item in fetched]
        Agent.objects.exclude(pk__in=[a.pk for a in agents]).update(listed=False)
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
        }
        session, created = SandboxSession.objects.update_or_create(
            kapso_id=data.id,
            defaults=kapso_fields,
            create_defaults={
                **kapso_fields,
                "created_by": created_by,
                "requested_agent_id": requested_agent_id,
                "created_at": data.created_at or timezone.now(),
            },
        )
    return session, created


def sandbox_session_create(
    *, user, phone_number: str, agent_id: str, client: KapsoClient | None = None
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
    session, _ = sandbox_session_upsert(data, created_by=user, requested_agent_id=agent_id)
    return session
