"""When a failed Kapso call is worth repeating, and after how long: written once.

Two callers wait in different ways. A call made for a page repeats only reads, and only
within the call's own deadline (`read_retry_wait`). Background work (sync, refresh) may
wait out Kapso's rate limit for as long as Kapso asks (`with_rate_limit_waits`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from sandbox.kapso.errors import (
    DEFAULT_RETRY_AFTER,
    KapsoConnectionError,
    KapsoError,
    KapsoQuotaError,
    KapsoRateLimitedError,
    KapsoServerError,
)

T = TypeVar("T")

# Gateways answer these when Kapso itself did not: worth one more read.
GATEWAY_STATUSES = frozenset({502, 503, 504})
READ_RETRIES = 2
BACKOFF_SECONDS = 0.25
# A retry that could not get at least this long before the deadline is not started.
MIN_ATTEMPT_SECONDS = 1.0
# Kapso's windows are one minute; a few waits ride out a busy minute, more means trouble.
MAX_RATE_LIMIT_WAITS = 5


def read_retry_wait(method: str, exc: KapsoError, attempt: int, deadline: float) -> float | None:
    """Seconds to wait before repeating the call, or None to give up now.

    Only reads are repeated. A create that failed may have happened at Kapso anyway, and
    a blind repeat would make a second session; the sessions service looks for it instead.
    """
    if method != "GET" or attempt >= READ_RETRIES or isinstance(exc, KapsoQuotaError):
        return None  # our own budget said no: waiting inside a page's call helps no one
    if isinstance(exc, KapsoRateLimitedError):
        wait = float(exc.retry_after or DEFAULT_RETRY_AFTER)
    elif isinstance(exc, KapsoConnectionError) or (
        isinstance(exc, KapsoServerError) and exc.status in GATEWAY_STATUSES
    ):
        wait = BACKOFF_SECONDS * 2**attempt
    else:
        return None  # timeouts spent the budget; 4xx and garbage will not improve
    if time.monotonic() + wait + MIN_ATTEMPT_SECONDS > deadline:
        return None
    return wait


def with_rate_limit_waits(
    call: Callable[[], T],
    *,
    sleep: Callable[[float], None] = time.sleep,
    on_wait: Callable[[int], None] | None = None,
    max_waits: int = MAX_RATE_LIMIT_WAITS,
    give_up_after: float | None = None,
) -> T:
    """Run `call`; on 429 wait as long as Kapso asks and try again, `max_waits` times at most.

    `on_wait(seconds)` hears of each wait. With `give_up_after` (a monotonic time), a wait
    that would end past it is not started: the 429 is raised instead.
    """
    for attempt in range(max_waits + 1):
        try:
            return call()
        except KapsoRateLimitedError as exc:
            wait = exc.retry_after or DEFAULT_RETRY_AFTER
            late = give_up_after is not None and time.monotonic() + wait > give_up_after
            if attempt == max_waits or late:
                raise
            if on_wait:
                on_wait(wait)
            sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover
