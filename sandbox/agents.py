"""Kapso's agents, cached in the database so the form and the history need not ask Kapso."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from sandbox.gateway import get_client
from sandbox.kapso import KapsoBudgetUnavailable, KapsoClient, KapsoError, types
from sandbox.kapso.quota import BACKGROUND, Caller
from sandbox.models import Agent

logger = logging.getLogger(__name__)
T = TypeVar("T")
AGENTS_FRESH_KEY = "sandbox:agents-fresh"
AGENTS_RELOAD_KEY = "sandbox:agents-reload"


@dataclass(frozen=True)
class AgentChoices:
    agents: list[Agent]
    # Why Kapso's list could not be loaded just now, if it could not.
    error: str | None = None
    # True when a reload was asked for and Kapso was asked (not throttled).
    reloaded: bool = False
    # True when the dashboard's own cache is down, so Kapso could not even be asked: the
    # list is not Kapso's fault and the page must not say it is.
    outage: bool = False


def agent_upsert(
    data: types.Agent, *, known: Agent | None = None, listed: bool | None = None
) -> Agent:
    """Store Kapso's agent; written only when something differs from `known`.

    `listed` is True when the agent came from Kapso's agent list. A copy embedded in a
    session says nothing about the list (None): it never revives an agent Kapso dropped,
    and an agent first seen that way stays out of the form.
    """
    fields = {
        "name": data.name,
        "description": data.description,
        "project_id": data.project_id,
        "kapso_created_at": data.created_at,
        "kapso_updated_at": data.updated_at,
    }
    if listed is not None:
        fields["listed"] = listed
    if known is None:
        known = Agent.objects.filter(kapso_id=data.id).first()
    if known is not None and all(getattr(known, k) == v for k, v in fields.items()):
        return known
    if (
        listed is None
        and known is not None
        and data.updated_at
        and known.kapso_updated_at
        and data.updated_at < known.kapso_updated_at
    ):
        return known  # an old session's copy of the agent must not undo a rename
    agent, _ = Agent.objects.update_or_create(
        kapso_id=data.id,
        defaults={**fields, "synced_at": timezone.now()},
        create_defaults={"listed": bool(listed), **fields, "synced_at": timezone.now()},
    )
    return agent


def agent_list_refresh(
    *, caller: Caller = BACKGROUND, client: KapsoClient | None = None
) -> list[Agent]:
    """Replace the cached agent list with Kapso's; raises KapsoError if Kapso fails."""
    fetched = (client or get_client()).list_agents(caller=caller)
    known = {agent.kapso_id: agent for agent in Agent.objects.all()}
    with transaction.atomic():
        agents = [agent_upsert(item, known=known.get(item.id), listed=True) for item in fetched]
        kept = {agent.pk for agent in agents}
        gone = [a.pk for a in known.values() if a.listed and a.pk not in kept]
        if gone:
            Agent.objects.filter(pk__in=gone).update(listed=False)
    _tolerant(lambda: cache.set(AGENTS_FRESH_KEY, True, settings.KAPSO_AGENT_CACHE_SECONDS), None)
    return sorted(agents, key=lambda a: (a.name.lower(), a.kapso_id))


def agent_choices(
    *, caller: Caller = BACKGROUND, force_refresh: bool = False, client: KapsoClient | None = None
) -> AgentChoices:
    """Agents for the create form: the cached list, reloaded from Kapso when stale.

    A forced reload asks Kapso at most once per KAPSO_AGENT_RELOAD_SECONDS for the whole
    team (twenty quick clicks are one call). When Kapso cannot be reached the last known
    list is still offered, with the reason.
    """
    reload_seconds = settings.KAPSO_AGENT_RELOAD_SECONDS
    if force_refresh and not _tolerant(
        lambda: cache.add(AGENTS_RELOAD_KEY, True, reload_seconds), True
    ):
        force_refresh = False  # reloaded a moment ago: that list is as fresh as Kapso's
    if force_refresh or not _tolerant(lambda: cache.get(AGENTS_FRESH_KEY), False):
        try:
            agents = agent_list_refresh(caller=caller, client=client)
            return AgentChoices(agents=agents, reloaded=force_refresh)
        except KapsoError as exc:
            return AgentChoices(
                agents=list(Agent.objects.filter(listed=True)),
                error=exc.message,
                outage=isinstance(exc, KapsoBudgetUnavailable),
            )
    return AgentChoices(agents=list(Agent.objects.filter(listed=True)))


def _tolerant(call: Callable[[], T], fallback: T) -> T:
    """The agent list's cache flags are only a speed-up: an outage falls back to asking
    Kapso (whose budget then says, in words, that the cache is down)."""
    try:
        return call()
    except Exception:  # any cache failure
        logger.warning("agent cache unreachable", exc_info=True)
        return fallback
