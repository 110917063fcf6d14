"""What a session's state means to the person looking at it, in words.

The session page renders this on the server and its live-status script shows the same
payload from the status endpoint, so the words live in one place.
"""

from __future__ import annotations

from django.utils.safestring import SafeString, mark_safe

from sandbox.models import SandboxSession
from sandbox.qr import NOT_READ, kept_qr_svg
from sandbox.session_states import page_state


def status_text(session: SandboxSession) -> tuple[str, str]:
    """(headline, detail) for the session's current state (sandbox/session_states.py)."""
    state = page_state(session)
    return state.headline, state.detail


def status_payload(session: SandboxSession, *, error: str | None = None) -> dict:
    """What the session page polls. `state_key` changes whenever the server-rendered state
    part of the page would: the page then fetches that part again, whole."""
    state = page_state(session)
    return {
        "status": session.status,
        "display_status": session.display_status,
        "label": state.label,
        "headline": state.headline,
        "detail": state.detail,
        "state_key": state.key,
        "final": state.final,
        "activated_at": session.activated_at.isoformat() if session.activated_at else None,
        "expires_at": session.expires_at.isoformat() if session.expires_at else None,
        "last_synced_at": session.last_synced_at.isoformat() if session.last_synced_at else None,
        "error": error,
    }


def qr_label(session: SandboxSession) -> str:
    return f"QR code that opens WhatsApp with the activation code {session.activation_code}"


def inline_qr(session: SandboxSession, kept: object = NOT_READ) -> SafeString:
    """The session's code for its pages, kept in the shared cache until it expires
    (`kept`: what the caller read there already, see `kept_qr_svg`).

    An erased session has no link left, and so no code to show.
    """
    if not session.activation_link:
        return mark_safe("")
    svg = kept_qr_svg(
        session.pk,
        session.activation_link,
        label=qr_label(session),
        expires_at=session.expires_at,
        kept=kept,
    )
    # Written by sandbox/qr.py, every text in it escaped, from a link Kapso's parser vetted.
    return mark_safe(svg)  # noqa: S308
