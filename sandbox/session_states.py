"""The session page's state table (docs/session-states.md), as one function.

Everything on the session page that depends on the session's state (heading, badge, status
box, lead action, whether the QR code, Open in WhatsApp and the share link are offered, and
the Status and Expires rows of the details list) comes from `page_state`, and the page
renders it from one template (templates/sandbox/_session_state.html), both on load and
when the live update fetches it again. So no part can say something another part does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from sandbox import timewords
from sandbox.models import SandboxSession, status_label

# The rows of the table. The team matrix uses the same words for the states it shares
# (sandbox/team/matrix.py reads WORDS).
PENDING, ACTIVE, EXPIRED, OTHER = "pending", "active", "expired", "other"
WORDS = {PENDING: "Pending activation", ACTIVE: "Active", EXPIRED: "Expired"}
NO_EXPIRY = "Kapso did not say"

# What the page leads with.
LEAD_SCAN = "scan"  # the QR code (laptop) or Open in WhatsApp (phone)
LEAD_CHAT = "chat"  # Open in WhatsApp: the phone is connected, go talk to the agent
LEAD_RENEW = "renew"  # the dead code is gone; one click makes a fresh one


@dataclass(frozen=True)
class PageState:
    row: str
    css: str  # the status-<css> class of the badge and the status box
    label: str  # the badge and the details list's Status row
    heading: str
    headline: str
    detail: str
    lead: str
    offers_code: bool  # QR code, Open in WhatsApp, the code and its link
    offers_share: bool
    status_fact: str
    expires_on: str  # "" when Kapso gave no expiry
    expiry_note: str  # "23 h 59 min left", "expired 3 h ago", or NO_EXPIRY
    ticking: bool  # expiry_note is a time left the page keeps counting down
    final: bool  # nothing more will change: the page stops polling

    @property
    def key(self) -> str:
        """Changes whenever the rendered part would (apart from the ticking clock)."""
        return f"{self.row}|{self.label}|{self.expires_on}|{self.status_fact}"


def row_of(session: SandboxSession, now: datetime) -> str:
    if session.is_expired(now):
        return EXPIRED
    if session.status == SandboxSession.ACTIVE:
        return ACTIVE
    if session.status == SandboxSession.PENDING:
        return PENDING
    return OTHER


def page_state(session: SandboxSession, now: datetime | None = None) -> PageState:
    now = now or timezone.now()
    row = row_of(session, now)
    return _BUILDERS[row](session, now)


def _expiry(session: SandboxSession, now: datetime) -> tuple[str, str, bool]:
    """(expires_on, note, ticking) for the details list."""
    if session.expires_at is None:
        return "", NO_EXPIRY, False
    on = timewords.when(session.expires_at)
    ticking = session.expires_at > now
    return on, timewords.expiry_words(session.expires_at, now), ticking


def _pending(session: SandboxSession, now: datetime) -> PageState:
    on, note, ticking = _expiry(session, now)
    by = f" before {on}" if on else ""
    return PageState(
        row=PENDING,
        css=SandboxSession.PENDING,
        label=WORDS[PENDING],
        heading="Scan to activate",
        headline="Waiting for the code",
        detail=f"Scan the QR code and send the prefilled message from WhatsApp{by}. "
        "This page updates by itself.",
        lead=LEAD_SCAN,
        offers_code=True,
        offers_share=True,
        status_fact=WORDS[PENDING],
        expires_on=on,
        expiry_note=note,
        ticking=ticking,
        final=False,
    )


def _active(session: SandboxSession, now: datetime) -> PageState:
    on, note, ticking = _expiry(session, now)
    since = f" since {timewords.when(session.activated_at)}" if session.activated_at else ""
    until = f" until {on}" if on else ""
    return PageState(
        row=ACTIVE,
        css=SandboxSession.ACTIVE,
        label=WORDS[ACTIVE],
        heading="Active: the phone is connected",
        headline="Activated",
        detail=f"This phone can talk to {session.agent.name}{since}{until}.",
        lead=LEAD_CHAT,
        offers_code=True,
        offers_share=True,
        status_fact=f"{WORDS[ACTIVE]}{since}",
        expires_on=on,
        expiry_note=note,
        ticking=ticking,
        final=True,
    )


def _expired(session: SandboxSession, now: datetime) -> PageState:
    on, note, _ = _expiry(session, now)
    if session.expires_at is not None and session.expires_at <= now:
        ended = f"This code stopped working {timewords.time_ago(session.expires_at, now)} ({on})."
    else:  # Kapso said so before (or without) the time it had given
        ended = "Kapso says this code no longer works."
        note = "ended early by Kapso" if on else NO_EXPIRY
    return PageState(
        row=EXPIRED,
        css=SandboxSession.EXPIRED,
        label=WORDS[EXPIRED],
        heading="This session has expired",
        headline="Expired",
        detail=f"{ended} Renew to get a fresh code for the same phone and agent.",
        lead=LEAD_RENEW,
        offers_code=False,
        offers_share=False,
        status_fact=WORDS[EXPIRED],
        expires_on=on,
        expiry_note=note,
        ticking=False,
        final=True,
    )


def _other(session: SandboxSession, now: datetime) -> PageState:
    on, note, ticking = _expiry(session, now)
    label = status_label(session.status)  # not expired at `now` (row_of said so)
    return PageState(
        row=OTHER,
        css=session.status,
        label=label,
        heading=f"Kapso says: {label}",
        headline=label,
        detail="Kapso reports this status; the dashboard shows it as sent.",
        lead=LEAD_SCAN,
        offers_code=True,
        offers_share=True,
        status_fact=label,
        expires_on=on,
        expiry_note=note,
        ticking=ticking,
        final=False,
    )


_BUILDERS = {PENDING: _pending, ACTIVE: _active, EXPIRED: _expired, OTHER: _other}
