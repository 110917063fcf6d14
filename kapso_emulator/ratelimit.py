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


class FixedWindowRateLimiter:
    """Counts requests per identity in windows aligned to whole minutes of the emulator clock.

    The emulator clock (not wall time) drives it so tests can step past a window by advancing
    the clock instead of sleeping.
    """

    def __init__(self, limit: int, now: Callable[[], float], window_seconds: int = 60) -> None:
        self.limit = limit
        self._now = now
        self._window = window_seconds
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, int]] = {}

    def check(self, identity: str) -> RateDecision:
        moment = self._now()
        window = int(moment // self._window)
        with self._lock:
            if len(self._counts) > 10_000:
                # Forget callers from earlier windows so random keys cannot grow memory forever.
                self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
            seen_window, count = self._counts.get(identity, (window, 0))
            if seen_window != window:
                count = 0
            count += 1
            self._counts[identity] = (window, count)
        allowed = count <= self.limit
        window_end = (window + 1) * self._window
        retry_after = max(1, math.ceil(window_end - moment))
        return RateDecision(allowed, self.limit, max(0, self.limit - count), retry_after)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()
