"""What a session's state means to the person looking at it, in words.

The session page renders this on the server and its live-status script shows the same
payload from the status endpoint, so the words live in one place.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timeuntil

from sandbox.models import SandboxSession
from sandbox.qr import kept_qr_svg


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")


def status_text(session: SandboxSession) -> tuple[str, str]:
    """(headline, detail) for the session's current state."""
    status = session.display_status
    if status == SandboxSession.ACTIVE:
        since = f" since {_when(session.activated_at)}" if session.activated_at else ""
        until = f" until {_when(session.expires_at)}" if session.expires_at else ""
        return (
            "Activated",
            f"This phone can talk to {session.agent.name}{since}{until}.",
        )
    if status == SandboxSession.EXPIRED:
        return (
            "Expired",
            "This code no longer works. Renew to get a fresh code for the same phone and agent.",
        )
    if status == SandboxSession.PENDING:
        left = f" within {timeuntil(session.expires_at)}" if session.expires_at else ""
        return (
            "Waiting for the code",
            f"Scan the QR code and send the prefilled message from WhatsApp{left}. "
            "This page updates by itself.",
        )
    return (session.status_label, "Kapso reports this status; the dashboard shows it as sent.")


def status_payload(session: SandboxSession, *, error: str | None = None) -> dict:
    headline, detail = status_text(session)
    return {
        "status": session.status,
        "display_status": session.display_status,
        "label": session.status_label,
        "headline": headline,
        "detail": detail,
        "final": session.is_final,
        "activated_at": session.activated_at.isoformat() if session.activated_at else None,
        "expires_at": session.expires_at.isoformat() if session.expires_at else None,
        "last_synced_at": session.last_synced_at.isoformat() if session.last_synced_at else None,
        "error": error,
    }


def qr_label(session: SandboxSession) -> str:
    return f"QR code that opens WhatsApp with the activation code {session.activation_code}"


def inline_qr(session: SandboxSession) -> SafeString:
    """The session's code for its pages, kept in the shared cache until it expires.

    An erased session has no link left, and so no code to show.
    """
    if not session.activation_link:
        return mark_safe("")
    svg = kept_qr_svg(
        session.pk, session.activation_link, label=qr_label(session), expires_at=session.expires_at
    )
    # Written by sandbox/qr.py, every text in it escaped, from a link Kapso's parser vetted.
    return mark_safe(svg)  # noqa: S308
