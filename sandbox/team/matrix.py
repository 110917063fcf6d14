"""The team matrix: testers down, agents across, the state of each pair's newest session.

One request per page fills the whole matrix (`matrix_for`); while some cells may still
change, that request also refreshes a few of them from Kapso through the same throttle as
the session page (`sandbox_session_refresh_throttled`: once per session per
KAPSO_REFRESH_SECONDS, within the watcher's share of the budget), the longest-unchecked
first, so however many pages are open Kapso is asked no more than for one.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from sandbox import ensure, live, session_states, timewords
from sandbox.access import sessions_visible_to
from sandbox.gateway import person, watcher
from sandbox.models import Agent, Origin, SandboxSession
from sandbox.team.access import can_manage_team
from sandbox.team.models import Tester
from sandbox.watching import sandbox_session_refresh_throttled

NONE, PENDING, ACTIVE, EXPIRING, EXPIRED = "none", "pending", "active", "expiring", "expired"
# The session page's words for the states both show (docs/session-states.md).
LABELS = {
    NONE: "No session",
    PENDING: session_states.WORDS[session_states.PENDING],
    ACTIVE: session_states.WORDS[session_states.ACTIVE],
    EXPIRING: "Expiring soon",
    EXPIRED: session_states.WORDS[session_states.EXPIRED],
}
# Kapso calls one matrix request may cause: each is a round trip the page waits for.
REFRESH_PER_REQUEST = 2


@functools.cache
def _session_url_prefix() -> str:
    """ "/sessions/" from the URLconf: a session's page is this, its pk and a slash."""
    return reverse("sandbox:detail", args=[0]).removesuffix("0/")


# The session fields a cell reads (state, time left, link) and its refresh needs.
CELL_FIELDS = (
    "pk",
    "kapso_id",
    "agent_id",
    "requested_agent_id",
    "phone_number",
    "status",
    "expires_at",
    "created_at",
    "last_synced_at",
    "last_sync_error",
)


def expiring_window() -> timedelta:
    """ "Expiring soon" is the reminder's lead time: the moment a reminder would go out."""
    return timedelta(seconds=settings.SANDBOX_REMINDER_BEFORE)


@dataclass(frozen=True)
class Cell:
    tester: Tester
    agent: Agent
    session: SandboxSession | None
    state: str
    seconds_left: int | None

    @property
    def session_url(self) -> str | None:
        # The detail page's address by string: reversing it 100 times cost a few ms a request.
        return f"{_session_url_prefix()}{self.session.pk}/" if self.session else None

    @property
    def key(self) -> str:
        return f"{self.tester.pk}-{self.agent.pk}"

    @property
    def label(self) -> str:
        return LABELS[self.state]

    @property
    def left(self) -> str:
        if self.seconds_left is None or self.state in (NONE, EXPIRED):
            return ""
        return short_duration(self.seconds_left) + " left"

    @property
    def action(self) -> str:
        return "Create" if self.state == NONE else "Renew"


# "23 h 59 min": the dashboard's one way to write a span (sandbox/timewords.py).
short_duration = timewords.duration


def cell_state(session: SandboxSession | None, now: datetime) -> tuple[str, int | None]:
    if session is None:
        return NONE, None
    if session.is_expired(now) or session.status not in (
        SandboxSession.PENDING,
        SandboxSession.ACTIVE,
    ):
        return EXPIRED, None
    left = None if session.expires_at is None else int((session.expires_at - now).total_seconds())
    # Pending with too little time to scan is no longer "live" (sandbox.live): renew it.
    if (left is not None and left <= expiring_window().total_seconds()) or not live.is_live(
        session, now
    ):
        return EXPIRING, left
    return (ACTIVE if session.status == SandboxSession.ACTIVE else PENDING), left


def team_agents() -> list[Agent]:
    return list(Agent.objects.filter(listed=True))


def matrix_for(user, testers: list[Tester], agents: list[Agent], *, now=None) -> list[list[Cell]]:
    """Rows of cells for `testers` by `agents`, from the sessions `user` may see."""
    now = now or timezone.now()
    sessions = sessions_seen_by(user)
    by_id = {}
    for agent in agents:
        by_id[agent.kapso_id] = agent
    newest: dict[tuple[str, int], SandboxSession] = {}
    found = (
        sessions.filter(phone_number__in=[t.phone_number for t in testers], agent__in=agents)
        # What a cell needs: building 100 full rows (payloads, eight dates) was half the time.
        .select_related(None)
        .only(*CELL_FIELDS)
        .order_by("created_at", "pk")
    )
    for session in found:
        agent_pk = (
            by_id[session.requested_agent_id].pk
            if session.requested_agent_id in by_id
            else session.agent_id
        )
        newest[(session.phone_number, agent_pk)] = session  # later rows win: the newest
    rows = []
    for tester in testers:
        row = []
        for agent in agents:
            session = newest.get((tester.phone_number, agent.pk))
            state, left = cell_state(session, now)
            row.append(Cell(tester, agent, session, state, left))
        rows.append(row)
    return rows


def sessions_seen_by(user):
    """Managers see every session in the matrix; others what sandbox.access lets them."""
    return SandboxSession.objects.all() if can_manage_team(user) else sessions_visible_to(user)


def cell_session(user, tester: Tester, agent: Agent) -> ensure.Ensured:
    """One click on a cell: a renewal of its newest session, or a first one; a live one
    made meanwhile (by a batch, a teammate, another tab) is shown instead of made again."""
    cell = matrix_for(user, [tester], [agent])[0][0]
    return ensure.live_or_create(
        user=user,
        phone_number=tester.phone_number,
        agent_id=agent.kapso_id,
        sessions=sessions_seen_by(user),
        renewed_from=cell.session,
        origin=Origin.FORM,
        caller=person(user),
    )


def refresh_some(user, rows: list[list[Cell]]) -> tuple[int | None, int]:
    """Ask Kapso about the cells that may still change, a few per request. Returns the
    seconds the budget asks the page to wait (None: no wait) and how many were asked."""
    changing = [
        cell.session
        for row in rows
        for cell in row
        if cell.session is not None and cell.state in (PENDING, EXPIRING)
    ]
    changing.sort(key=lambda s: s.last_synced_at or s.created_at)
    asked = 0
    for session in changing:
        if asked >= REFRESH_PER_REQUEST:
            break
        watched = sandbox_session_refresh_throttled(session, caller=watcher(user))
        if watched.retry_in is not None:
            return watched.retry_in, asked
        if watched.session is not session:  # a fresh copy: Kapso was asked
            asked += 1
    return None, asked


def payload(rows: list[list[Cell]], *, retry_in: int | None) -> dict:
    return {
        "cells": {
            cell.key: {
                "state": cell.state,
                "label": cell.label,
                "left": cell.left,
                "action": cell.action,
                "session_url": cell.session_url,
            }
            for row in rows
            for cell in row
        },
        "retry_in": retry_in,
    }
