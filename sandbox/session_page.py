"""A session's page as one person sees it: what it is made of, and the page kept whole.

Everything the page shows comes from the session's row, its agent and creator, the
viewer, the site's address and the clock. The fingerprint is all of them but the clock
(which `valid_until` covers), with the row as its version: the database moves it on
every write (migration 0012), so a check costs one narrow read, not the whole row.
"""

from __future__ import annotations

import functools
import threading

from django.db import connection
from django.db.models.query import get_related_populators
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from sandbox import page_cache, qr, sharing, timewords
from sandbox.access import can_manage, sessions_visible_to
from sandbox.models import SandboxSession
from sandbox.phones import format_phone
from sandbox.presenters import inline_qr
from sandbox.session_states import page_state

TEMPLATE = "sandbox/detail.html"


def state_context(
    request: HttpRequest, session: SandboxSession, kept_qr: object = qr.NOT_READ
) -> dict:
    """What templates/sandbox/_session_state.html needs: the page and its live update."""
    state = page_state(session)
    token = sharing.share_token(session) if state.offers_share else None
    share_url = (
        request.build_absolute_uri(reverse("sandbox:shared", args=[token])) if token else None
    )
    return {
        "session": session,
        "state": state,
        "qr_svg": inline_qr(session, kept_qr) if state.offers_code else "",
        "phone_display": format_phone(session.phone_number),
        "share_url": share_url,
        "can_share": state.offers_share and can_manage(request.user, session),
    }


# What a kept page is checked against, read without the row itself (sandbox:detail).
PROBE = ("version", "created_by_id", "agent__kapso_id", "agent__name", "created_by__username")
# The columns the page reads (templates/sandbox/detail.html and what it includes, the
# state table, the share link, the QR code, the fingerprint); any other would be read
# on its own if a template ever asked, so a missing one costs a query, never a wrong page.
READ = (
    *("kapso_id", "phone_number", "status", "activation_code", "activation_message"),
    *("activation_link", "activated_at", "expires_at", "created_at", "last_synced_at"),
    *("last_sync_error", "share_nonce", "renewed_from_id", "version", "created_by_id"),
    *("agent__kapso_id", "agent__name", "created_by__username"),
)
PROBE_PK = -7  # the id the probe's SQL is written with, then given the real one


def fingerprint(request: HttpRequest, probed: tuple) -> tuple:
    """Every input of the page but the clock: the row's version (moved by any write to
    it), the agent's and creator's names, who looks, and the site's address (the share
    link is absolute)."""
    return (*probed, *page_cache.viewer(request))


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

    One narrow read instead of the whole session. It serves only staff and the session's
    creator, whom the access rule always lets see it (sandbox/access.py); anyone else
    (a linked teammate sees only live sessions) is answered by the full read, whose query
    is the access rule itself."""
    if kept.entry is None:
        return None
    found = probe(pk)
    user = request.user
    if found is None or not (user.is_staff or found[1] == user.pk):
        return None
    html = kept.page(fingerprint(request, found))
    return page_cache.fill_csrf(request, html) if html else None


def probe(pk: int) -> tuple | None:
    """PROBE's values of session `pk`, by SQL the ORM wrote once per process: compiling
    the query took longer than running it. (No column in PROBE needs converting.)"""
    with connection.cursor() as cursor:
        cursor.execute(_probe_sql(connection.vendor), [pk])
        return cursor.fetchone()


@functools.cache
def _probe_sql(vendor: str) -> str:
    query = SandboxSession.objects.filter(pk=PROBE_PK).order_by().values_list(*PROBE).query
    sql, params = query.sql_with_params()
    _takes_only_the_id(params, "probe")
    return sql


def _takes_only_the_id(params: tuple, what: str) -> None:
    """SQL written once is run with the session's id alone: refuse any other parameter."""
    if params != (PROBE_PK,):
        raise RuntimeError(f"unexpected parameters in the session {what}: {params!r}")


def read(request: HttpRequest, pk: int) -> SandboxSession | None:
    """Session `pk` with READ's columns, if this viewer may see it (sandbox/access.py).

    Staff and the session's creator, whom the access rule always admits, are answered by
    SQL the ORM wrote once per thread: compiling the query cost about as much as running
    it. Anyone else gets the access rule's own query."""
    session = _read_by_id(pk)
    user = request.user
    if session is not None and (user.is_staff or session.created_by_id == user.pk):
        return session
    return sessions_visible_to(user).only(*READ).filter(pk=pk).first()


_compiled = threading.local()  # a compiler holds its thread's connection


def _read_by_id(pk: int) -> SandboxSession | None:
    """What `SandboxSession.objects.select_related(...).only(*READ).get(pk=pk)` gives, with
    the SQL and the way back to instances worked out once (Django's ModelIterable, less
    what this query cannot have: annotations, known related objects)."""
    if getattr(_compiled, "vendor", None) != connection.vendor:
        _compiled.vendor, _compiled.read = connection.vendor, _compile_read()
    sql, compiler, init_list, span, populators = _compiled.read
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        rows = cursor.fetchall()
    for row in compiler.results_iter([rows]):  # the backend's converters (SQLite's dates)
        session = SandboxSession.from_db(connection.alias, init_list, row[span[0] : span[1]])
        for populator in populators:
            populator.populate(row, session)
        return session
    return None


def _compile_read() -> tuple:
    queryset = SandboxSession.objects.select_related("agent", "created_by").only(*READ)
    compiler = queryset.filter(pk=PROBE_PK).query.get_compiler(connection.alias)
    sql, params = compiler.as_sql()  # also fills compiler.select and klass_info
    _takes_only_the_id(params, "read")
    info = compiler.klass_info
    start, end = info["select_fields"][0], info["select_fields"][-1] + 1
    init_list = [column[0].target.attname for column in compiler.select[start:end]]
    populators = get_related_populators(info, compiler.select, connection.alias)
    return sql, compiler, init_list, (start, end), populators


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
        kept_qr = kept.also.get(qr.kept_key(session.pk), qr.NOT_READ)  # read with the page
        context = state_context(request, session, kept_qr)
        context["csrf_token"] = page_cache.csrf_placeholder()
        html = render_to_string(TEMPLATE, context, request)
        if not one_time:
            kept.keep(html, inputs, until)
    return page_cache.fill_csrf(request, html)
