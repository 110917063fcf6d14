"""What a page (or the API's long poll) calls while someone watches a session: Kapso is
asked at most once per KAPSO_REFRESH_SECONDS per session, whatever the number of tabs, users
and server processes watching, and only while the watcher's share of the budget allows;
otherwise the watcher backs off quietly. The refresh itself is `sessions.sandbox_session_refresh`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from sandbox.gateway import Caller
from sandbox.kapso import KapsoClient, KapsoError, KapsoQuotaError
from sandbox.models import SandboxSession
from sandbox.sessions import sandbox_session_refresh

REFRESH_CLAIM_KEY = "sandbox:refresh-claim:{pk}"


@dataclass(frozen=True)
class Watched:
    session: SandboxSession
    # Why asking Kapso failed just now, if it did.
    error: str | None = None
    # Seconds the page should wait before asking again (the budget said not now).
    retry_in: int | None = None


def sandbox_session_refresh_throttled(
    session: SandboxSession, *, caller: Caller, client: KapsoClient | None = None
) -> Watched:
    """The claim is a cache.add, which only one caller wins while the key lives (atomic in
    Redis and in the local-memory cache alike).
    """
    if session.is_final:
        return Watched(session)
    claimed = cache.add(
        REFRESH_CLAIM_KEY.format(pk=session.pk), True, settings.KAPSO_REFRESH_SECONDS
    )
    if not claimed:
        return Watched(session, session.last_sync_error or None)
    try:
        return Watched(sandbox_session_refresh(session, caller=caller, client=client))
    except KapsoQuotaError as exc:
        # Let the next poll (by anyone) try again once the budget allows.
        cache.delete(REFRESH_CLAIM_KEY.format(pk=session.pk))
        return Watched(session, session.last_sync_error or None, retry_in=exc.retry_after)
    except KapsoError as exc:
        return Watched(session, exc.message)
