"""Which part of the team matrix a page shows: a page of testers, found by name or phone,
one agent or all, and a state filter; and the fingerprint that lets a poll answer "nothing
changed" in a few bytes (an ETag and 304).

At 20,000 testers the whole matrix was 20 MB a page and 6 MB a poll. Each page now holds
PAGE_SIZE testers, filtered in the database; the state filter asks whether a tester has a
session in that state for the agents shown (EXISTS on the phone's sessions, newest or not),
so a "pending" page lists every tester with a pending session, whose cells show the newest.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from sandbox import live
from sandbox.models import Agent, SandboxSession
from sandbox.team import matrix
from sandbox.team.models import Tester

PAGE_SIZE = 50
# The state filter's choices: the cell states (matrix.py) people look for.
STATE_CHOICES = [
    ("", "Any"),
    (matrix.NONE, matrix.LABELS[matrix.NONE]),
    (matrix.PENDING, matrix.LABELS[matrix.PENDING]),
    (matrix.ACTIVE, matrix.LABELS[matrix.ACTIVE]),
    (matrix.EXPIRING, matrix.LABELS[matrix.EXPIRING]),
    (matrix.EXPIRED, matrix.LABELS[matrix.EXPIRED]),
]
Q_MAX = 100


@dataclass(frozen=True)
class MatrixQuery:
    q: str = ""
    agent: str = ""  # an agent's Kapso id: that column only
    state: str = ""
    page: str = "1"

    @classmethod
    def from_params(cls, params) -> MatrixQuery:
        """Whatever was typed: kept (cut to a sane length), unknown values ignored."""
        state = params.get("state", "")
        return cls(
            q=params.get("q", "").strip()[:Q_MAX],
            agent=params.get("agent", "").strip()[:255],
            state=state if state in dict(STATE_CHOICES) else "",
            page=params.get("page", "1"),
        )


def agents_shown(query: MatrixQuery, agents: list[Agent]) -> list[Agent]:
    chosen = [agent for agent in agents if agent.kapso_id == query.agent]
    return chosen or agents


def testers_page(
    testers: QuerySet[Tester],
    sessions: QuerySet[SandboxSession],
    query: MatrixQuery,
    agents: list[Agent],
) -> Page:
    """One page of `testers` (those the person may see) matching `query`, by name."""
    found = matching(testers, sessions, query, agents)
    return Paginator(found, PAGE_SIZE).get_page(query.page)


def testers_on_page(
    testers: QuerySet[Tester],
    sessions: QuerySet[SandboxSession],
    query: MatrixQuery,
    agents: list[Agent],
) -> list[Tester]:
    """The same page's testers without counting them all: what every poll needs (the page
    it was loaded on names its page number, already within range)."""
    number = int(query.page) if query.page.isdigit() and int(query.page) > 0 else 1
    start = (number - 1) * PAGE_SIZE
    return list(matching(testers, sessions, query, agents)[start : start + PAGE_SIZE])


def matching(testers, sessions, query: MatrixQuery, agents: list[Agent]) -> QuerySet[Tester]:
    found = search(testers, query.q)
    if query.state and agents:
        found = found.filter(_state_filter(sessions, query.state, agents))
    return found.order_by("name", "pk")


def search(testers: QuerySet[Tester], text: str) -> QuerySet[Tester]:
    """By name (any part, any case) or by phone (its digits, in any format typed)."""
    if not text:
        return testers
    digits = "".join(ch for ch in text if ch.isdigit())
    found = Q(name__icontains=text)
    if len(digits) >= 3:
        found |= Q(phone_number__contains=digits)
    return testers.filter(found)


def _state_filter(sessions: QuerySet[SandboxSession], state: str, agents: list[Agent]) -> Q:
    now = timezone.now()
    soon = now + matrix.expiring_window()
    by_agent = Q()
    for agent in agents:
        by_agent |= live.for_agent(agent.kapso_id)
    mine = sessions.filter(by_agent, phone_number=OuterRef("phone_number"))
    lasting = Q(expires_at__isnull=True) | Q(expires_at__gt=soon)
    conditions = {
        matrix.ACTIVE: Q(status=SandboxSession.ACTIVE) & lasting,
        matrix.PENDING: Q(status=SandboxSession.PENDING) & lasting,
        matrix.EXPIRING: Q(
            status__in=[SandboxSession.PENDING, SandboxSession.ACTIVE],
            expires_at__gt=now,
            expires_at__lte=soon,
        ),
    }
    if state == matrix.NONE:
        return ~Exists(mine)
    if state == matrix.EXPIRED:
        return Exists(mine) & ~Exists(mine.filter(live.live_filter(now)))
    return Exists(mine.filter(conditions[state]))


def etag(payload: dict) -> str:
    """The answer's fingerprint: the same cells give the same tag, whatever the order."""
    body = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=_when)
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


def _when(value: datetime) -> str:
    return value.isoformat()
