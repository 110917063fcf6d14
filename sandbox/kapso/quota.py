"""One Kapso rate limit shared fairly by everyone and everything that uses one API key.

Kapso counts calls per key in fixed one-minute windows (100 a minute on its smallest plan).
Every call the client makes first takes a unit from this budget, so that people at the form
are never starved by pages watching sessions, and neither by background work:

- people (create, renew; later the API for its token's owner) may use the whole minute, at
  most `per_person` each;
- a page watching a session may use the minute less half the reserve, at most
  `per_watcher` for each person's pages;
- background work (sync, refresh, bulk jobs) may use the minute less the whole reserve;
- people joining a tester group through its public link may use the minute less the whole
  reserve, and at most `per_join` all together: a crowd at a stand cannot spend the team's
  minute.

A pure component: given a `QuotaStore` (atomic counters; the Django cache in
`sandbox/gateway.py`) and a clock, it imports nothing of Django. Kapso's own
`X-RateLimit-*` headers and `Retry-After` correct it (`observe`), so two dashboards on one key,
or a key also used by Kapso's CLI, still keep within Kapso's count.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol

WINDOW_SECONDS = 60
# Counters outlive their window a little, so a late decrement finds its key.
COUNTER_TTL = 2 * WINDOW_SECONDS


class Priority(IntEnum):
    PERSON = 0
    WATCH = 1
    BACKGROUND = 2
    JOIN = 3


@dataclass(frozen=True)
class Caller:
    """Who asks Kapso for something, and how urgently. `who` names a person or a job."""

    who: str
    priority: Priority


BACKGROUND = Caller("background", Priority.BACKGROUND)


class StoreUnavailable(Exception):
    """The store could not be reached: the budget cannot be checked, so nothing is spent."""


class QuotaStore(Protocol):
    def incr(self, key: str, ttl: int, also: tuple[str, ...] = ()) -> int:
        """Add one to `key` and to each of `also` (each made with `ttl` seconds to live if
        absent); the new value of `key`. One round trip where the store allows."""

    def decr(self, key: str) -> None: ...

    def add_to(self, key: str, amount: int, ttl: int) -> None: ...

    def get(self, key: str) -> int | float | None: ...

    def get_many(self, keys: list[str]) -> dict[str, int | float]: ...

    def set(self, key: str, value: int | float, ttl: int) -> None: ...

    def set_many(self, values: dict[str, int | float], ttl: int) -> None: ...


@dataclass(frozen=True)
class QuotaPolicy:
    per_minute: int
    reserve: int
    per_person: int
    per_watcher: int
    # All joins through public group links together, a minute.
    per_join: int = 30

    def ceiling(self, priority: Priority, limit: int) -> int:
        reserve = min(self.reserve, limit)
        if priority == Priority.PERSON:
            return limit
        if priority == Priority.WATCH:
            return limit - reserve // 2
        return limit - reserve


@dataclass(frozen=True)
class Denied:
    """No call now. `whose` is "person", "watcher", "join", "team" or "kapso"; `wait` in
    seconds."""

    whose: str
    wait: int
    limit: int


@dataclass(frozen=True)
class Usage:
    window_started: float
    limit: int
    used: int
    by_priority: dict[str, int]
    kapso_blocked_for: int
    kapso_remaining: int | None


class Quota:
    def __init__(
        self,
        store: QuotaStore,
        policy: QuotaPolicy,
        *,
        scope: str,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self.policy = policy
        self._clock = clock
        self._prefix = f"kapso-quota:{scope}"

    # --- spending ----------------------------------------------------------------------
    def take(self, caller: Caller) -> Denied | None:
        """Spend one call for `caller`, or say why not and for how long (nothing spent)."""
        now = self._clock()
        window = int(now // WINDOW_SECONDS)
        to_next = max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
        found = self._store.get_many([self._key("blocked"), self._key("kapso-limit")])
        limit = self._effective_limit(found.get(self._key("kapso-limit")))
        blocked_until = found.get(self._key("blocked"))
        if blocked_until is not None and blocked_until > now:
            return Denied("kapso", max(1, math.ceil(blocked_until - now)), limit)
        own = self._own_share(caller, window)
        if own is not None:
            key, share, whose = own
            if self._store.incr(key, COUNTER_TTL) > share:
                self._store.decr(key)
                return Denied(whose, to_next, share)
        team_key = self._key(f"team:{window}")
        by_priority = self._key(f"{caller.priority.name}:{window}")
        used = self._store.incr(team_key, COUNTER_TTL, also=(by_priority,))
        if used > self.policy.ceiling(caller.priority, limit):
            for key in (team_key, by_priority, *(own[:1] if own else ())):
                self._store.decr(key)
            return Denied("team", to_next, limit)
        return None

    def _own_share(self, caller: Caller, window: int) -> tuple[str, int, str] | None:
        if caller.priority == Priority.PERSON:
            return self._key(f"person:{caller.who}:{window}"), self.policy.per_person, "person"
        if caller.priority == Priority.WATCH:
            return self._key(f"watch:{caller.who}:{window}"), self.policy.per_watcher, "watcher"
        if caller.priority == Priority.JOIN:
            return self._key(f"join:{caller.who}:{window}"), self.policy.per_join, "join"
        return None

    # --- what Kapso says ---------------------------------------------------------------
    def observe(self, status: int, headers: Mapping[str, str], retry_after: int | None) -> None:
        """Correct the budget from an answer: Kapso's count wins when it is higher."""
        now = self._clock()
        window = int(now // WINDOW_SECONDS)
        if status == 429:
            wait = retry_after or max(1, math.ceil((window + 1) * WINDOW_SECONDS - now))
            self._store.set(self._key("blocked"), now + wait, wait + 1)
        kapso_limit = _header_int(headers, "X-RateLimit-Limit")
        remaining = _header_int(headers, "X-RateLimit-Remaining")
        if kapso_limit is None or remaining is None:
            return
        self._store.set_many(
            {
                self._key("kapso-limit"): kapso_limit,
                self._key(f"kapso-remaining:{window}"): remaining,
            },
            COUNTER_TTL,
        )
        team_key = self._key(f"team:{window}")
        ours = int(self._store.get(team_key) or 0)
        theirs = kapso_limit - remaining  # calls Kapso counted this window, ours included
        if theirs > ours:
            self._store.add_to(team_key, theirs - ours, COUNTER_TTL)

    # --- reading -----------------------------------------------------------------------
    def limit(self) -> int:
        """The configured limit, or Kapso's own if it announced a smaller one."""
        return self._effective_limit(self._store.get(self._key("kapso-limit")))

    def _effective_limit(self, kapso_limit: int | float | None) -> int:
        if kapso_limit is not None and 0 < kapso_limit < self.policy.per_minute:
            return int(kapso_limit)
        return self.policy.per_minute

    def usage(self) -> Usage:
        now = self._clock()
        window = int(now // WINDOW_SECONDS)
        blocked_until = self._store.get(self._key("blocked")) or 0
        remaining = self._store.get(self._key(f"kapso-remaining:{window}"))
        return Usage(
            window_started=window * WINDOW_SECONDS,
            limit=self.limit(),
            used=int(self._store.get(self._key(f"team:{window}")) or 0),
            by_priority={
                p.name.lower(): int(self._store.get(self._key(f"{p.name}:{window}")) or 0)
                for p in Priority
            },
            kapso_blocked_for=max(0, math.ceil(blocked_until - now)),
            kapso_remaining=None if remaining is None else int(remaining),
        )

    def _key(self, name: str) -> str:
        return f"{self._prefix}:{name}"


def _header_int(headers: Mapping[str, str], name: str) -> int | None:
    value = (headers.get(name) or "").strip()
    return int(value) if value.isdigit() else None
