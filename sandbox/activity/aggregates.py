"""The activity page's figures, counted by the database over indexes, never row by row.

A session created in the range became one of: activated (an `activated_at`), expired unused
(no activation, and Kapso said expired or its `expires_at` passed), or is still pending.
A create Kapso refused or never answered is a failed attempt (`FailedSessionAttempt` not
later matched to a session). Time to activation is `activated_at - created_at`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from sandbox.activity import grouping, percentiles
from sandbox.models import Agent, FailedSessionAttempt, KapsoUsageHour, SandboxSession

NOBODY = "(nobody: synced from Kapso)"


@dataclass(frozen=True)
class Scope:
    start: date
    end: date  # inclusive
    agent: Agent | None = None
    user_id: int | None = None
    tz: tzinfo = field(default_factory=timezone.get_current_timezone)

    def bounds(self) -> tuple[datetime, datetime]:
        first = datetime.combine(self.start, time.min, tzinfo=self.tz)
        return first, datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=self.tz)

    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]


@dataclass
class Figures:
    label: str
    created: int = 0
    activated: int = 0
    expired: int = 0
    failed: int = 0
    median: float | None = None
    p90: float | None = None

    @property
    def pending(self) -> int:
        return self.created - self.activated - self.expired

    @property
    def rate(self) -> float | None:
        """Activated share of the sessions made (failed attempts made none)."""
        return self.activated / self.created if self.created else None


@dataclass
class QuotaDay:
    day: date
    calls: int = 0
    refusals: int = 0
    waits: int = 0


@dataclass
class Activity:
    scope: Scope
    totals: Figures
    days: list[Figures]
    agents: list[Figures]
    people: list[Figures]
    quota: list[QuotaDay]


def activity(scope: Scope) -> Activity:
    with percentiles.room_to_sort():
        return _activity(scope)


def _activity(scope: Scope) -> Activity:
    sessions, attempts = _sessions(scope), _attempts(scope)
    day = TruncDate("created_at", tzinfo=scope.tz)
    # Days carry counts only: time to activation is per range, agent and teammate.
    days = _by(sessions, {"day": day}, lambda r: r["day"], timing=False)
    _add_failed(days, attempts, {"day": day}, lambda r: r["day"])
    by_agent_pk, people, overall = _groups(scope, sessions)
    agents = _by_kapso_id(by_agent_pk)
    _add_failed(agents, attempts, {"key": F("agent_id")}, _key)
    _add_failed(people, attempts, {"key": F("created_by_id")}, _key)
    totals = overall.get(None) or Figures("")
    totals.label, totals.failed = "All", attempts.count()
    return Activity(
        scope=scope,
        totals=totals,
        days=[_labelled(days.get(d), d.isoformat()) for d in scope.days()],
        agents=_named(agents, _agent_names(agents)),
        people=_named(people, _user_names(people)),
        quota=quota_by_day(scope),
    )


def _groups(scope: Scope, sessions) -> tuple[dict, dict, dict]:
    """Sessions' figures by agent pk, by teammate and overall: one pass on PostgreSQL."""
    if not percentiles.in_database():
        by_user = {"key": F("created_by_id")}
        return (
            _by(sessions, {"key": F("agent_id")}, _key),
            _by(sessions, by_user, _key),
            _by(sessions, {}, lambda row: None),
        )
    first, after = scope.bounds()
    found = grouping.session_groups(
        first,
        after,
        timezone.now(),
        agent_pk=scope.agent.pk if scope.agent else None,
        user_id=scope.user_id,
    )
    return tuple(
        {key: Figures("", c, a, e, median=m, p90=p) for key, (c, a, e, m, p) in found[kind].items()}
        for kind in (grouping.BY_AGENT, grouping.BY_USER, grouping.OVERALL)
    )


def _sessions(scope: Scope) -> QuerySet:
    first, after = scope.bounds()
    rows = SandboxSession.objects.filter(created_at__gte=first, created_at__lt=after)
    if scope.agent is not None:
        rows = rows.filter(agent=scope.agent)
    if scope.user_id is not None:
        rows = rows.filter(created_by_id=scope.user_id)
    return rows.order_by()


def _attempts(scope: Scope) -> QuerySet:
    first, after = scope.bounds()
    rows = FailedSessionAttempt.objects.filter(
        created_at__gte=first, created_at__lt=after, session__isnull=True
    )
    if scope.agent is not None:
        rows = rows.filter(agent_id=scope.agent.kapso_id)
    if scope.user_id is not None:
        rows = rows.filter(created_by_id=scope.user_id)
    return rows.order_by()


def _by_kapso_id(by_pk: dict) -> dict:
    """Agents keyed by Kapso's id (failed attempts know only that); sessions were grouped by
    our agent's pk, so no join runs over the range's rows."""
    kapso_ids = dict(Agent.objects.filter(pk__in=list(by_pk)).values_list("pk", "kapso_id"))
    return {kapso_ids[pk]: figures for pk, figures in by_pk.items()}


def _add_failed(found: dict, attempts, keys: dict, key_of) -> None:
    for row in attempts.annotate(**keys).values(*keys).annotate(n=Count("pk")).order_by():
        found.setdefault(key_of(row), Figures("")).failed = row["n"]


def _counts(now: datetime, *, timing: bool = True) -> dict:
    never = Q(activated_at__isnull=True)
    counts = {
        "created": Count("pk"),
        "activated": Count("pk", filter=~never),
        "expired": Count(
            "pk", filter=never & (Q(status=SandboxSession.EXPIRED) | Q(expires_at__lte=now))
        ),
    }
    if timing and percentiles.in_database():
        counts["timing"] = percentiles.PercentilesCont((0.5, 0.9), percentiles.Seconds())
    return counts


def _by(sessions, keys: dict, key_of, timing: bool = True) -> dict:
    """Sessions' figures per group, in one grouped query (the ORM path, any database)."""
    found: dict = {}
    counts = _counts(timezone.now(), timing=timing)
    grouped = sessions.annotate(**keys).values(*keys) if keys else None
    rows = grouped.annotate(**counts) if grouped is not None else [sessions.aggregate(**counts)]
    for row in rows:
        median, p90 = row.get("timing") or (None, None)
        found[key_of(row)] = Figures(
            "", row["created"], row["activated"], row["expired"], median=median, p90=p90
        )
    if timing and not percentiles.in_database():
        _percentiles_in_python(sessions, keys, key_of, found)
    return found


def _percentiles_in_python(sessions, session_keys: dict, key_of, found: dict) -> None:
    durations: dict = defaultdict(list)
    activated = sessions.filter(activated_at__isnull=False).annotate(**session_keys)
    for row in activated.values(*session_keys, "activated_at", "created_at"):
        seconds = (row["activated_at"] - row["created_at"]).total_seconds()
        durations[key_of(row)].append(seconds)
    for key, values in durations.items():
        values.sort()
        figures = found[key]
        figures.median = percentiles.percentile(values, 0.5)
        figures.p90 = percentiles.percentile(values, 0.9)


def _key(row: dict):
    return row["key"]


def _labelled(figures: Figures | None, label: str) -> Figures:
    figures = figures or Figures("")
    figures.label = label
    return figures


def _agent_names(found: dict) -> dict:
    agents = Agent.objects.filter(kapso_id__in=[k for k in found if k is not None])
    return {a.kapso_id: str(a) for a in agents}


def _user_names(found: dict) -> dict:
    users = get_user_model().objects.filter(pk__in=[k for k in found if k is not None])
    return {u.pk: u.get_username() for u in users}


def _named(found: dict, names: dict) -> list[Figures]:
    rows = [_labelled(f, names.get(k, NOBODY if k is None else str(k))) for k, f in found.items()]
    return sorted(rows, key=lambda f: (-f.created, f.label))


def quota_by_day(scope: Scope) -> list[QuotaDay]:
    """Kapso quota use per day (the team's, whatever the filters: the budget is shared)."""
    first, after = scope.bounds()
    rows = (
        KapsoUsageHour.objects.filter(hour__gte=first, hour__lt=after)
        .annotate(day=TruncDate("hour", tzinfo=scope.tz))
        .values("day")
        .annotate(calls=Sum("calls"), refusals=Sum("refusals"), waits=Sum("waits"))
        .order_by()
    )
    found = {row["day"]: row for row in rows}
    return [
        QuotaDay(d, *(int(found.get(d, {}).get(k) or 0) for k in ("calls", "refusals", "waits")))
        for d in scope.days()
    ]
