"""Bring the local history in line with Kapso: every agent and every sandbox session.

Sessions are upserted by Kapso id a page at a time (one transaction per page), so an
interrupted run can simply be run again; a session whose data has not changed is not
written, so a second run writes nothing at all.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sandbox import erased, history, lost_creates
from sandbox.agents import agent_list_refresh, agent_upsert
from sandbox.gateway import get_client
from sandbox.kapso import KapsoClient, KapsoError, types, with_rate_limit_waits
from sandbox.models import (
    KAPSO_SESSION_FIELDS,
    Agent,
    FailedSessionAttempt,
    SandboxSession,
    kapso_session_fields,
)
from sandbox.sessions import sandbox_session_refresh

PER_PAGE = 100
SESSION_FIELDS = (*KAPSO_SESSION_FIELDS, "last_synced_at", "last_sync_error")
Sleep = Callable[[float], None]
OnWait = Callable[[int], None]


@dataclass
class SyncReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    rate_limit_waits: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def seen(self) -> int:
        return self.created + self.updated + self.unchanged + self.failed

    def counting(self, on_wait: OnWait | None) -> OnWait:
        """`on_wait` that also counts the wait in this report."""

        def count(seconds: int) -> None:
            self.rate_limit_waits += 1
            if on_wait:
                on_wait(seconds)

        return count


Progress = Callable[[int, int, SyncReport], None]


def sync_kapso(
    *,
    client: KapsoClient | None = None,
    progress: Progress | None = None,
    sleep: Sleep = time.sleep,
    on_wait: OnWait | None = None,
) -> SyncReport:
    """Import agents, then every session page by page. Raises KapsoError if Kapso fails
    beyond rate limiting; what was stored until then stays, and a re-run carries on."""
    client = client or get_client()
    report = SyncReport()
    waits = {"sleep": sleep, "on_wait": report.counting(on_wait)}
    with_rate_limit_waits(lambda: agent_list_refresh(client=client), **waits)
    agents = {agent.kapso_id: agent for agent in Agent.objects.all()}
    number, total_pages = 1, 1
    while number <= total_pages:
        page = with_rate_limit_waits(
            lambda n=number: client.list_sessions(page=n, per_page=PER_PAGE), **waits
        )
        total_pages = page.total_pages
        report.failed += len(page.failures)
        report.failures.extend(page.failures)
        _store_page(page.items, agents, report)
        if progress:
            progress(number, total_pages, report)
        if not page.items and not page.failures:
            break  # an empty page ends the walk even if meta promised more
        number += 1
    return report


def _store_page(
    items: list[types.SandboxSession], agents: dict[str, Agent], report: SyncReport
) -> None:
    now = timezone.now()
    gone = erased.erased_items(items)  # erased here: never stored again
    items = [item for item in items if item.id not in gone]
    existing = SandboxSession.objects.in_bulk([item.id for item in items], field_name="kapso_id")
    with transaction.atomic():
        to_create, to_update = _sort_page(items, existing, agents, now, report)
        _attribute_unowned(items, existing)
        if to_create:
            _create_all(to_create)
        if to_update:
            SandboxSession.objects.bulk_update(to_update, [*SESSION_FIELDS, "updated_at"])
    if to_create or to_update:
        history.bump()
    report.created += len(to_create)
    report.updated += len(to_update)


def _sort_page(
    items: list[types.SandboxSession],
    existing: dict[str, SandboxSession],
    agents: dict[str, Agent],
    now: datetime,
    report: SyncReport,
) -> tuple[list[SandboxSession], list[SandboxSession]]:
    """The page's sessions to create and (with Kapso's values set) to update; the
    unchanged ones are only counted."""
    to_create: list[SandboxSession] = []
    to_update: list[SandboxSession] = []
    for item in items:
        agent = _agent_for(item.agent, agents)
        current = existing.get(item.id)
        if current is not None and current.raw_payload == item.raw and current.agent_id == agent.pk:
            report.unchanged += 1
            continue
        known = current.activated_at if current is not None else None
        values = _session_values(item, agent, now, known)
        if current is None:
            created_at = item.created_at or now
            to_create.append(SandboxSession(kapso_id=item.id, created_at=created_at, **values))
        else:
            for name, value in values.items():
                setattr(current, name, value)
            to_update.append(current)
    return to_create, to_update


def _attribute_unowned(
    items: list[types.SandboxSession], existing: dict[str, SandboxSession]
) -> None:
    unowned = [
        existing[item.id]
        for item in items
        if item.id in existing and existing[item.id].created_by_id is None
    ]
    for attempt, kapso_id in _attribute_lost_creates(unowned):
        # Stored earlier without a creator (a sync got there before the failure was
        # recorded): now it is the teammate's.
        session = existing[kapso_id]
        session.save(update_fields=["created_by", "requested_agent_id"])
        attempt.session = session
        attempt.save(update_fields=["session"])


def _create_all(to_create: list[SandboxSession]) -> None:
    claimed = _attribute_lost_creates(to_create)
    # A session the dashboard created meanwhile wins its creator; Kapso's data wins
    # the rest.
    SandboxSession.objects.bulk_create(
        to_create,
        update_conflicts=True,
        unique_fields=["kapso_id"],
        update_fields=list(SESSION_FIELDS),
    )
    for attempt, kapso_id in claimed:
        attempt.session = SandboxSession.objects.get(kapso_id=kapso_id)
        attempt.save(update_fields=["session"])


def _attribute_lost_creates(sessions: list[SandboxSession]) -> list[tuple]:
    """Give new sessions to the teammates whose create answer was lost on the way.

    A FailedSessionAttempt with outcome_unknown is a create that may have reached Kapso;
    the session Kapso made for it (lost_creates.match) is the teammate's, not an orphan
    only staff can see. The attempt is recorded at most the call's and the look-up's
    budgets after the request left.
    """
    if not sessions:
        return []
    attempts = list(
        FailedSessionAttempt.objects.filter(
            outcome_unknown=True,
            session__isnull=True,
            phone_number__in={s.phone_number for s in sessions},
        ).order_by("created_at")
    )
    budget = timedelta(seconds=settings.KAPSO_TIMEOUT + lost_creates.LOOKUP_TIMEOUT_SECONDS)
    claimed = []
    for attempt in attempts:
        found = lost_creates.match(
            (s for s in sessions if s.created_by_id is None),
            phone_number=attempt.phone_number,
            agent_id=attempt.agent_id,
            asked_from=attempt.created_at - budget,
            asked_until=attempt.created_at,
            describe=_describe,
        )
        if found is not None:
            found.created_by_id = attempt.created_by_id
            found.requested_agent_id = attempt.agent_id
            claimed.append((attempt, found.kapso_id))
    return claimed


def _describe(session: SandboxSession) -> tuple[str, str, datetime | None]:
    return session.phone_number, session.agent.kapso_id, session.created_at


def _session_values(
    item: types.SandboxSession, agent: Agent, now: datetime, activated_before: datetime | None
) -> dict:
    return {
        **kapso_session_fields(item, agent, activated_before=activated_before),
        "last_synced_at": now,
        "last_sync_error": "",
        "updated_at": now,
    }


def _agent_for(data: types.Agent, agents: dict[str, Agent]) -> Agent:
    """The stored agent for Kapso's embedded copy, written only when something differs."""
    agent = agent_upsert(data, known=agents.get(data.id))
    agents[data.id] = agent
    return agent


@dataclass
class RefreshReport:
    refreshed: int = 0
    failed: int = 0
    failures: list[str] = field(default_factory=list)


def refresh_watched_sessions(
    *, client: KapsoClient | None = None, sleep: Sleep = time.sleep, on_wait: OnWait | None = None
) -> RefreshReport:
    """Refresh every session that may still change (pending, or active and not lapsed)."""
    client = client or get_client()
    report = RefreshReport()
    now = timezone.now()
    candidates = SandboxSession.objects.filter(
        status__in=[SandboxSession.PENDING, SandboxSession.ACTIVE]
    ).exclude(expires_at__lte=now)
    for session in candidates.select_related("agent").iterator():
        try:
            with_rate_limit_waits(
                lambda s=session: sandbox_session_refresh(s, client=client),
                sleep=sleep,
                on_wait=on_wait,
            )
            report.refreshed += 1
        except KapsoError as exc:
            report.failed += 1
            report.failures.append(f"{session.kapso_id}: {exc.message}")
    return report
