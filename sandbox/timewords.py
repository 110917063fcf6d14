"""How the dashboard writes a moment and a span of time: one way, on every page.

"5 min ago" / "just now", "23 h 59 min left" / "under a minute left", and dates as
"2026-12-04 17:20 UTC". The session page, the history, the team matrix and the create
page's recent sessions all use these; static/js/live-status.js mirrors `duration` for its
ticking time left. (The API keeps ISO 8601: that is its contract, not a page.)
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone


def duration(seconds: float) -> str:
    """ "2 days", "23 h 59 min", "45 min", "under a minute": short, minute-precise."""
    minutes = max(0, int(seconds)) // 60
    if minutes == 0:
        return "under a minute"
    hours, minutes = divmod(minutes, 60)
    if hours >= 48:
        return f"{hours // 24} days"
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def seconds_left(moment: datetime, now: datetime | None = None) -> int:
    return int((moment - (now or timezone.now())).total_seconds())


def time_left(moment: datetime, now: datetime | None = None) -> str:
    """ "23 h 59 min left"; once past, "no time left" (the caller says "expired")."""
    left = seconds_left(moment, now)
    return f"{duration(left)} left" if left > 0 else "no time left"


def time_ago(moment: datetime, now: datetime | None = None) -> str:
    """ "just now" for the first minute (never "0 minutes ago"), then "5 min ago"."""
    past = -seconds_left(moment, now)
    return "just now" if past < 60 else f"{duration(past)} ago"


def expiry_words(moment: datetime, now: datetime | None = None) -> str:
    """ "23 h 59 min left" before the moment, "expired 3 h ago" after it."""
    if seconds_left(moment, now) > 0:
        return time_left(moment, now)
    return f"expired {time_ago(moment, now)}"


def when(moment: datetime) -> str:
    """ "2026-12-04 17:20 UTC" in the dashboard's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")


def next_change(now: datetime, *moments: datetime | None) -> datetime:
    """The first moment from `now` on at which any word above about `moments` may read
    differently; a page written at `now` says the same until then (`now` itself: it may
    turn at once, so keep nothing). Every word counts whole seconds, then whole minutes:
    before a moment the words turn just after it minus a whole number of minutes (and a
    second before it, "no time left"); after it, at it plus a whole number of minutes."""
    turns = [now + timedelta(minutes=1)]
    for moment in moments:
        if moment is None:
            continue
        ahead = (moment - now).total_seconds()
        if ahead > 0:
            last_minute = moment - timedelta(minutes=ahead // 60)  # at or after now
            one_second = moment - timedelta(seconds=1)
            turns.append(min(t for t in (last_minute, one_second, moment) if t >= now))
        else:
            turns.append(moment + timedelta(minutes=-ahead // 60 + 1))
    return min(turns)
