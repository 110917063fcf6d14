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
    """The first moment after `now` at which any word above about `moments` may read
    differently. Each counts whole seconds, then whole minutes, from its moment, so it
    turns only at the moment plus a whole number of minutes, or a second before one
    (a span under a second left reads "no time left"). A page written at `now` says the
    same until then."""
    turns = []
    for moment in moments:
        if moment is not None:
            turn = moment + timedelta(minutes=(now - moment).total_seconds() // 60 + 1)
            early = turn - timedelta(seconds=1)
            turns.append(early if early >= now else turn)
    return min(turns, default=now + timedelta(minutes=1))
