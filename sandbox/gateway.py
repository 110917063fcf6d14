"""The door to Kapso from the rest of the dashboard: a `KapsoClient` built from settings,
with the shared budget (`sandbox/kapso/quota.py`) kept in the shared cache.

`sandbox.kapso` knows nothing of Django; this module reads the settings, keeps one client
per thread and configuration (connections are reused across requests), and says who is
asking: `person(user)`, `watcher(user)`, `joiner()` or `kapso.quota.BACKGROUND`.

A door may not import `sandbox.kapso` (pyproject.toml's contracts), so the budget's words a
door needs are re-exported here under their own names: `Caller`, `Priority`, `BACKGROUND`,
and `with_rate_limit_waits` (waiting out Kapso's 429 within a deadline).
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
from collections.abc import Iterator

from django.conf import settings
from django.core.cache import cache
from django.views.decorators.debug import sensitive_variables

from sandbox.counters import count_up
from sandbox.kapso import KapsoClient, with_rate_limit_waits
from sandbox.kapso.quota import (
    BACKGROUND,
    Caller,
    Priority,
    Quota,
    QuotaPolicy,
    StoreUnavailable,
)
from sandbox.usage import UsageListener

_local = threading.local()
# Every client tells it of its calls: Prometheus counters and the quota history (usage.py).
_LISTENER = UsageListener()

__all__ = [
    "BACKGROUND",
    "Caller",
    "Priority",
    "get_client",
    "joiner",
    "person",
    "quota",
    "watcher",
    "with_rate_limit_waits",
]


def person(user) -> Caller:
    """A person at the form (or, later, the API acting for its token's owner)."""
    return Caller(f"user:{user.pk}", Priority.PERSON)


def joiner() -> Caller:
    """Someone joining a tester group through its public link: all joins share one share of
    the minute (KAPSO_JOINS_PER_MINUTE), below what people at the form may use."""
    return Caller("joins", Priority.JOIN)


def watcher(user) -> Caller:
    """A page of `user`'s watching a session (live status, the agent reload)."""
    return Caller(f"user:{user.pk}", Priority.WATCH)


@sensitive_variables("config", "clients")
def get_client(*, timeout: float | None = None) -> KapsoClient:
    """A client configured from settings, kept per thread so connections are reused.

    `timeout` caps the settings' KAPSO_TIMEOUT for one short call (a follow-up look-up).
    """
    seconds = settings.KAPSO_TIMEOUT if timeout is None else min(timeout, settings.KAPSO_TIMEOUT)
    config = (settings.KAPSO_API_BASE_URL, settings.KAPSO_API_KEY, seconds, _policy())
    clients = _local.__dict__.setdefault("clients", {})
    if config not in clients:
        base_url, api_key, timeout_seconds, policy = config
        clients[config] = KapsoClient(
            base_url=base_url,
            api_key=api_key,
            timeout=timeout_seconds,
            quota=_quota(base_url, api_key, policy),
            listener=_LISTENER,
        )
    return clients[config]


def quota() -> Quota | None:
    """The budget of the configured key (for the staff page), or None when it is off."""
    return get_client().quota


def _policy() -> QuotaPolicy | None:
    if settings.KAPSO_RATE_LIMIT_PER_MINUTE <= 0:
        return None
    return QuotaPolicy(
        per_minute=settings.KAPSO_RATE_LIMIT_PER_MINUTE,
        reserve=settings.KAPSO_RATE_LIMIT_RESERVE,
        per_person=settings.KAPSO_CREATES_PER_USER_PER_MINUTE,
        per_watcher=settings.KAPSO_REFRESHES_PER_USER_PER_MINUTE,
        per_join=settings.KAPSO_JOINS_PER_MINUTE,
    )


@sensitive_variables("api_key")
def _quota(base_url: str, api_key: str, policy: QuotaPolicy | None) -> Quota | None:
    if policy is None:
        return None
    # Kapso counts per key: two keys (or two Kapso hosts) never share a budget. A hash, so
    # the key itself is never a cache key that a Redis MONITOR would show.
    scope = hashlib.sha256(f"{base_url}\x1f{api_key}".encode()).hexdigest()[:16]
    return Quota(CacheStore(), policy, scope=scope)


@contextlib.contextmanager
def _reachable() -> Iterator[None]:
    try:
        yield
    except Exception as exc:  # any failure of the cache backend means "cannot check"
        raise StoreUnavailable(str(exc)) from None


class CacheStore:
    """The budget's counters in Django's cache: Redis in production, where INCR is atomic
    across workers and machines; the local-memory cache (one process) for `make run`."""

    def incr(self, key: str, ttl: int, also: tuple[str, ...] = ()) -> int:
        with _reachable():
            redis_client = _raw_redis(key)
            if redis_client is None:
                for name in also:
                    count_up(name, ttl)
                return count_up(key, ttl)
            # On Redis, INCR and EXPIRE NX for every key in one round trip: atomic per key
            # and ~1/6 of Django's add-then-exists-then-incr. Django's Redis serializer
            # stores integers as plain integers, so cache.get() reads them back.
            pipe = redis_client.pipeline(transaction=False)
            for name in (key, *also):
                full = cache.make_and_validate_key(name)
                pipe.incr(full)
                pipe.expire(full, ttl, nx=True)
            return int(pipe.execute()[0])

    def decr(self, key: str) -> None:
        with _reachable(), contextlib.suppress(ValueError):  # expired meanwhile
            cache.decr(key)

    def add_to(self, key: str, amount: int, ttl: int) -> None:
        with _reachable():
            if not cache.add(key, amount, ttl):
                with contextlib.suppress(ValueError):
                    cache.incr(key, amount)

    def get(self, key: str) -> int | float | None:
        with _reachable():
            return cache.get(key)

    def get_many(self, keys: list[str]) -> dict[str, int | float]:
        with _reachable():
            return cache.get_many(keys)

    def set(self, key: str, value: int | float, ttl: int) -> None:
        with _reachable():
            cache.set(key, value, ttl)

    def set_many(self, values: dict[str, int | float], ttl: int) -> None:
        with _reachable():
            cache.set_many(values, ttl)


def _raw_redis(key: str):
    """The redis-py client behind Django's RedisCache, or None for any other cache."""
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        return None
    return backend._cache.get_client(key, write=True)
