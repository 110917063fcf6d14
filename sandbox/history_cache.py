"""Cached whole-history reads (row counts, the statuses present), exact until a write.

At 100,000 sessions COUNT(*) and DISTINCT status cost more than the page's own rows.
Every write of sessions bumps a version in the shared cache, and every cached read is
keyed by it, so a cached figure is never stale: it is simply not reused after a change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "sandbox:history-version"
TTL_SECONDS = 10 * 60
T = TypeVar("T")


def bump() -> None:
    """After any write to sessions: cached counts and statuses are recomputed.

    Saves and deletes call it through signals (apps.py); bulk writes call it directly.
    """
    if not cache.add(VERSION_KEY, 1, None):
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # evicted between the two calls
            cache.add(VERSION_KEY, 1, None)


def on_session_written(sender, **kwargs) -> None:
    # Now, and again once the write is committed: a page that read the old rows between
    # the two cached them under the first new version, which the second discards.
    bump()
    transaction.on_commit(bump)


def cached(name: str, parts: tuple, compute: Callable[[], T]) -> T:
    version = cache.get(VERSION_KEY, 0)
    digest = hashlib.sha256(repr((version, parts)).encode()).hexdigest()[:32]
    return cache.get_or_set(f"sandbox:history:{name}:{digest}", compute, TTL_SECONDS)
