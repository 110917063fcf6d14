"""A session's page as one person sees it: what it is made of, and the page kept whole.

Everything the page shows comes from the session's row, its agent and creator, the
viewer, the site's address and the clock. The fingerprint is all of them but the clock
(which `valid_until` covers), with the row as its version: the database moves it on
every write (migration 0012), so a check costs one narrow read, not the whole row.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from sandbox import page_cache, sharing, timewords
from sandbox.access import can_manage, sessions_visible_to
from sandbox.models import SandboxSession
from sandbox.phones import format_phone
from sandbox.presenters import inline_qr
from sandbox.session_states import page_state

TEMPLATE = "sandbox/detail.html"


def state_context(request: HttpRequest, session: SandboxSession) -> dict:
    """What templates/sandbox/_session_state.html needs: the page and its live update."""
    state = page_state(session)
    token = sharing.share_token(session) if state.offers_share else None
    share_url = (
        request.build_absolute_uri(reverse("sandbox:shared", args=[token])) if token else None
    )
    return {
        "session": session,
        "state": state,
        "qr_svg": inline_qr(session) if state.offers_code else "",
        "phone_display": format_phone(session.phone_number),
        "share_url": share_url,
        "can_share": state.offers_share and can_manage(request.user, session),
    }


# What a kept page is checked against, read without the row itself (sandbox:detail).
PROBE = ("version", "created_by_id", "agent__kapso_id", "agent__name", "created_by__username")


def fingerprint(request: HttpRequest, probed: tuple) -> tuple:
    """Every input of the page but the clock: the row's version (moved by any write to
    it), the agent's and creator's names, who looks, and the site's address."""
    viewer = request.user
    return (*probed, viewer.pk, viewer.get_username(), viewer.is_staff, request.get_host())


def probed(session: SandboxSession) -> tuple:
    """PROBE's values, from a session read whole."""
    creator = session.created_by
    return (
        session.version,
        session.created_by_id,
        session.agent.kapso_id,
        session.agent.name,
        creator.get_username() if creator else None,
    )


def kept_page(request: HttpRequest, pk: int, kept: page_cache.Lookup) -> str | None:
    """The page kept for this viewer, if it is still true; None when it must be made.
    One narrow read (the access rule is its filter) instead of the whole session."""
    if kept.entry is None:
        return None
    rows = sessions_visible_to(request.user).filter(pk=pk).order_by().values_list(*PROBE)
    found = next(iter(rows), None)
    html = kept.page(fingerprint(request, found)) if found else None
    return page_cache.fill_csrf(request, html) if html else None


def valid_until(session: SandboxSession) -> float:
    """When the page's words may turn: its "ago" and "left", or the expiry itself."""
    now = timezone.now()
    return timewords.next_change(now, session.created_at, session.expires_at).timestamp()


def page(request: HttpRequest, session: SandboxSession, kept: page_cache.Lookup) -> str:
    """The whole page: the kept one when it was made from the same inputs, else made
    now (and kept, unless it carries a one-time message)."""
    inputs = fingerprint(request, probed(session))
    html = kept.page(inputs)
    if html is None:
        until = valid_until(session)  # before the page reads the clock: never after a turn
        one_time = page_cache.one_time_message(request)
        context = state_context(request, session)
        context["csrf_token"] = page_cache.csrf_placeholder()
        html = render_to_string(TEMPLATE, context, request)
        if not one_time:
            kept.keep(html, inputs, until)
    return page_cache.fill_csrf(request, html)
