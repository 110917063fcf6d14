"""Fixed one-minute windows per caller, the scheme Kapso's rate-limit page describes."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class RateDecision:
    allowed: bool
    limit: int
    remaining: int
    retry_after: int

    def headers(self) -> dict[str, str]:
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


def check_limit(limit: object) -> int | None:
    """`limit` if it is None (unlimited) or a positive integer; ValueError otherwise."""
    # bool is an int to Python, but `true` requests per minute is a mistake, not a limit.
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise ValueError("rate_limit must be None (unlimited) or a positive integer")
    return limit


class FixedWindowRateLimiter:
    """Counts requests per identity in windows aligned to whole minutes of the emulator clock.

    The emulator clock (not wall time) drives it so tests can step past a window by advancing
    the clock instead of sleeping. A limit of None counts nothing and lets everything through.
    """

    def __init__(
        self, limit: int | None, now: Callable[[], float], window_seconds: int = 60
    ) -> None:
        self._limit = check_limit(limit)
        self._now = now
        self._window = window_seconds
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, int]] = {}

    @property
    def limit(self) -> int | None:
        return self._limit

    def set_limit(self, limit: int | None) -> None:
        """Change the limit at run time; every caller starts a fresh count.

        Fresh counts make a test that lowers the limit predictable: calls made before the
        change (by setup code, say) would otherwise use up part of the new allowance.
        """
        check_limit(limit)
        with self._lock:
            self._limit = limit
            self._counts.clear()

    def check(self, identity: str) -> RateDecision | None:
        """Count one request; None when limiting is off (no headers, never refused)."""
        moment = self._now()
        window = int(moment // self._window)
        with self._lock:
            limit = self._limit
            if limit is None:
                return None
            if len(self._counts) > 10_000:
                # Forget callers from earlier windows so random keys cannot grow memory forever.
                self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
            seen_window, count = self._counts.get(identity, (window, 0))
            if seen_window != window:
                count = 0
            count += 1
            self._counts[identity] = (window, count)
        allowed = count <= limit
        window_end = (window + 1) * self._window
        retry_after = max(1, math.ceil(window_end - moment))
        return RateDecision(allowed, limit, max(0, limit - count), retry_after)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
