"""Counters in the shared cache (Redis in production): one fixed window per key."""

from __future__ import annotations

from django.core.cache import cache


def count_up(key: str, window_seconds: int | None) -> int:
    """Add one to `key` and return the new count. The first count starts the window
    (`window_seconds`, or None for no end); later ones do not extend it."""
    if cache.add(key, 1, window_seconds):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # the window ended (or the key was evicted) between the two calls
        cache.add(key, 1, window_seconds)
        return 1
