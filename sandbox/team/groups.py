"""Tester groups: who is in one, the agents they try, and the state of its join link.

Staff make a group, add testers from the roster (or a pasted list, through roster.py), and
use the group as the selection in onboarding and the matrix. The join link itself (who may
join, and how) is joining.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from sandbox.gateway import watcher
from sandbox.models import Agent, SandboxSession
from sandbox.phones import format_phone
from sandbox.team.models import GroupMember, Tester, TesterGroup
from sandbox.watching import sandbox_session_refresh_throttled

# What a join link is at a moment; every state but OPEN has a page of its own.
OPEN, CLOSED, ENDED, FULL = "open", "closed", "ended", "full"
FEED_ROWS = 200
# Pending sessions asked of Kapso per poll of the group page (each throttled per session).
REFRESH_PER_POLL = 5


def group_create(*, user, name: str, agent_ids: Iterable[str]) -> TesterGroup:
    """A new group, its join link off (staff switch it on with its limits)."""
    return TesterGroup.objects.create(name=name, agent_ids=list(agent_ids), created_by=user)


def group_add_testers(group: TesterGroup, testers: Iterable[Tester]) -> int:
    """Add `testers` (already members are left as they are); how many were new."""
    before = group.members.count()
    GroupMember.objects.bulk_create(
        [GroupMember(group=group, tester=tester) for tester in testers],
        ignore_conflicts=True,  # already in, or added by a join at the same moment
    )
    return group.members.count() - before


def group_remove_tester(group: TesterGroup, tester_pk: int) -> bool:
    """Take a tester out of the group (the tester stays in the roster)."""
    deleted, _ = GroupMember.objects.filter(group=group, tester_id=tester_pk).delete()
    return bool(deleted)


def group_testers(group: TesterGroup) -> QuerySet[Tester]:
    return Tester.objects.filter(memberships__group=group)


def group_agents(group: TesterGroup) -> list[Agent]:
    """The group's agents as the dashboard knows them, in the order staff chose them."""
    known = Agent.objects.in_bulk(group.agent_ids, field_name="kapso_id")
    return [known[kapso_id] for kapso_id in group.agent_ids if kapso_id in known]


def link_state(group: TesterGroup, now: datetime | None = None) -> str:
    """OPEN, or why the link admits nobody now. A group nobody can make sessions for (its
    maker deleted, no agent) is CLOSED."""
    now = now or timezone.now()
    if not group.join_enabled or group.created_by_id is None or not group.agent_ids:
        return CLOSED
    if group.join_ends_at is not None and group.join_ends_at <= now:
        return ENDED
    if group.joined_count >= group.join_cap:
        return FULL
    return OPEN


def parse_calling_codes(text: str) -> list[int]:
    """ "+44, 1 49" -> [44, 1, 49]; raises ValueError naming what is not a calling code."""
    codes = []
    for part in text.replace(",", " ").replace(";", " ").split():
        digits = part.removeprefix("+")
        if not digits.isdigit() or not 1 <= len(digits) <= 3:
            raise ValueError(f"“{part[:10]}” is not a country calling code (1 to 3 digits).")
        codes.append(int(digits))
    return codes


@dataclass(frozen=True)
class FeedRow:
    """One member on the group's live page."""

    name: str
    phone: str
    added_at: datetime
    joined: bool
    activated: bool
    status: str


def group_feed(group: TesterGroup) -> list[FeedRow]:
    """The members, newest first, with whether the session the join showed is active."""
    members = group.members.select_related("tester", "session")[:FEED_ROWS]
    return [
        FeedRow(
            name=member.tester.name,
            phone=format_phone(member.tester.phone_number),
            added_at=member.added_at,
            joined=member.joined,
            activated=bool(member.session and member.session.status == SandboxSession.ACTIVE),
            status=member.session.status_label if member.session else "no session yet",
        )
        for member in members
    ]


def feed_payload(group: TesterGroup) -> dict:
    """The JSON the group page polls."""
    rows = group_feed(group)
    return {
        "state": link_state(group),
        "joined_count": group.joined_count,
        "cap": group.join_cap,
        "members": [
            {
                "name": row.name,
                "phone": row.phone,
                "added_at": timezone.localtime(row.added_at).strftime("%Y-%m-%d %H:%M:%S"),
                "joined": row.joined,
                "activated": row.activated,
                "status": row.status,
            }
            for row in rows
        ],
    }


def refresh_pending(group: TesterGroup, user) -> int | None:
    """Ask Kapso about a few members' pending sessions, oldest check first, so "activated"
    turns on by itself; the seconds the budget asks the page to wait, or None."""
    pending = (
        SandboxSession.objects.filter(
            pk__in=group.members.filter(session__isnull=False).values("session")
        )
        .exclude(status=SandboxSession.ACTIVE)
        .filter(expires_at__gt=timezone.now())
        .order_by("last_synced_at", "pk")[:REFRESH_PER_POLL]
    )
    for session in pending:
        watched = sandbox_session_refresh_throttled(session, caller=watcher(user))
        if watched.retry_in is not None:
            return watched.retry_in
    return None
