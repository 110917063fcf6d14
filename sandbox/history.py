"""The session history: its rows and filters, and whole-history figures cached until a write.

At 100,000 sessions COUNT(*) and DISTINCT status cost more than the page's own rows.
Every write of sessions bumps a version in the shared cache, and every cached figure is
keyed by it, so a cached figure is never stale: it is simply not reused after a change.
That holds only when every process writing sessions (web servers, the job worker) bumps
the same cache: with a per-process cache (local memory, `make run`) figures are not
cached at all (settings.HISTORY_FIGURES_CACHED).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Min, Q, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from sandbox import page_cache, timewords
from sandbox.access import sessions_visible_to
from sandbox.models import SandboxSession, status_label

logger = logging.getLogger(__name__)
VERSION_KEY = "sandbox:history-version"
TTL_SECONDS = 10 * 60
T = TypeVar("T")


def session_history(
    user, *, status: str = "", agent_id: str = "", phone: str = ""
) -> QuerySet[SandboxSession]:
    """The history page's rows, newest first, filtered as each row is shown."""
    sessions = filter_by_status(sessions_visible_to(user), status)
    if agent_id:
        sessions = sessions.filter(agent__kapso_id=agent_id)
    if phone:
        digits = "".join(ch for ch in phone if ch.isdigit())
        if digits:
            sessions = sessions.filter(phone_number__contains=digits)
    return sessions.order_by("-created_at", "-pk")


# What a history row shows (templates/sandbox/list.html), and nothing else: no Kapso
# payload, no creator's password hash, six datetimes fewer to parse per row.
ROW_FIELDS = (
    "phone_number",
    "status",
    "activation_code",
    "created_at",
    "expires_at",
    "agent__name",
    "created_by__username",
    "api_origin__token_name",
)


def history_rows(sessions: QuerySet[SandboxSession]) -> QuerySet[SandboxSession]:
    """`sessions` as the history page reads them: each row's agent, creator and API
    origin in the same query, and only the columns a row shows."""
    return sessions.select_related("api_origin").only(*ROW_FIELDS)


def filter_by_status(sessions: QuerySet[SandboxSession], status: str) -> QuerySet[SandboxSession]:
    """Sessions whose *shown* status is `status`: a lapsed session counts as expired."""
    if not status:
        return sessions
    lapsed = Q(expires_at__lte=timezone.now()) & ~Q(status=SandboxSession.EXPIRED)
    if status == SandboxSession.EXPIRED:
        return sessions.filter(Q(status=SandboxSession.EXPIRED) | lapsed)
    return sessions.filter(status=status).exclude(lapsed)


def status_choices(sessions: QuerySet[SandboxSession]) -> list[tuple[str, str]]:
    """(value, label) of every status among `sessions`, and always the known three.

    Kapso may invent statuses; whatever it sent is offered next to the known three.
    """
    found = set(sessions.order_by().values_list("status", flat=True).distinct())
    found |= {SandboxSession.PENDING, SandboxSession.ACTIVE, SandboxSession.EXPIRED}
    return [(value, status_label(value)) for value in sorted(found)]


def statuses_in_history(user) -> list[tuple[str, str]]:
    """`status_choices` of the user's history, cached until sessions change."""
    scope = "all" if user.is_staff else user.pk
    return cached("statuses", (scope,), lambda: status_choices(sessions_visible_to(user)))


def history_count(user, sessions: QuerySet[SandboxSession], filters: tuple) -> int:
    """The number of rows the history's filters match, cached until sessions change."""
    scope = "all" if user.is_staff else user.pk
    # Status filters move with the clock (a session lapses into "expired" without any
    # write), so those counts are recomputed at least once a minute.
    minute = int(time.time() // 60) if filters and filters[0] else 0
    return cached("count", (scope, minute, *filters), sessions.count)


# --- the cache -----------------------------------------------------------------------
def bump() -> None:
    """After any write to sessions: cached counts and statuses are recomputed.

    Saves and deletes call it through signals (apps.py); bulk writes call it directly.
    """
    try:
        # A version lost to eviction starts again at a random number, not at 1, so a
        # kept page of an earlier 1 cannot match again.
        if not cache.add(VERSION_KEY, secrets.randbits(48), None):
            cache.incr(VERSION_KEY)
    except Exception:  # a cache outage must not undo a write; figures expire in 10 min
        logger.warning("history cache unreachable: version not bumped", exc_info=True)


def on_session_written(sender, **kwargs) -> None:
    # Now, and again once the write is committed: a page that read the old rows between
    # the two cached them under the first new version, which the second discards.
    bump()
    transaction.on_commit(bump)


# What a history row or its filters show of an account: a login (last_login) changes none.
SHOWN_ACCOUNT_FIELDS = {"username", "is_staff"}


def on_account_written(sender, update_fields=None, **kwargs) -> None:
    if update_fields is None or SHOWN_ACCOUNT_FIELDS & set(update_fields):
        on_session_written(sender, **kwargs)


def cache_key(name: str, parts: tuple, version: int) -> str:
    """Keyed: the parts hold the typed phone filter, and an unkeyed digest of a phone number
    is as good as the number to anyone who can list the cache's keys. Under the privacy key
    (`PRIVACY_HASH_KEY`, else SECRET_KEY), but not through `sandbox.privacy.keys`: the privacy
    package imports this module (erasure bumps the version), and packages import no circle."""
    secret = settings.PRIVACY_HASH_KEY or settings.SECRET_KEY
    digest = salted_hmac(__name__, repr((version, parts)), secret=secret, algorithm="sha256")
    return f"sandbox:history:{name}:{digest.hexdigest()[:32]}"


def cached(name: str, parts: tuple, compute: Callable[[], T]) -> T:
    """`compute()`, remembered until sessions change; only a speed-up, so a cache outage
    costs the computation, never the page."""
    if not settings.HISTORY_FIGURES_CACHED:
        return compute()  # another process's write would not reach this process's cache
    try:
        version = cache.get(VERSION_KEY, 0)
        return cache.get_or_set(cache_key(name, parts, version), compute, TTL_SECONDS)
    except Exception:  # any cache failure: compute it here (logged, never shown)
        logger.warning("history cache unreachable: computing %s", name, exc_info=True)
        return compute()


# --- the kept page (sandbox/page_cache.py) -------------------------------------------------
def page_fingerprint(request, kept) -> tuple | None:
    """What a kept history page (`kept`, a page_cache.Lookup) is checked against besides
    its address: the history version (every write to what a row shows moves it) and who
    looks. None when nothing is kept: pages not cached, or no version yet."""
    if not kept.key or not settings.HISTORY_FIGURES_CACHED:
        return None
    version = kept.also.get(VERSION_KEY)
    if version is None:  # a new cache: start a version, so the next view may be kept
        bump()
        return None
    return (version, *page_cache.viewer(request))


def page_valid_until(user, rows, status: str, now) -> float:
    """When the page may read differently without a write: a row's "ago" or "left"
    turns, or a session it may list lapses into expired, which a status filter (and a
    linked teammate's view, which shows live sessions only) shows by adding or dropping
    rows. `now` is read before the rows, so a turn in between ends the page at once."""
    moments = [moment for row in rows for moment in (row.created_at, row.expires_at)]
    if status or not user.is_staff:
        moments.append(next_lapse(user, now))
    return timewords.next_change(now, *moments).timestamp()


def next_lapse(user, now):
    """The first expiry still ahead among the sessions `user` may see (an index read)."""
    ahead = sessions_visible_to(user).filter(expires_at__gt=now).order_by()
    return ahead.aggregate(first=Min("expires_at"))["first"]
