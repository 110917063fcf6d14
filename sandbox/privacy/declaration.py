"""Where the sandbox app and Django keep personal data, declared in one place.

The team app, the API (and later accounts and join links) declare theirs in their own
`privacy_stores.py`, registered at start. The declaration test walks every text and JSON
column of every installed app and fails on one that is neither declared nor exempted here.
"""

from __future__ import annotations

from django.db import transaction

from sandbox import page_cache, qr
from sandbox.privacy import core_stores as core
from sandbox.privacy.core_stores import BLANK_SESSION
from sandbox.privacy.registry import Store, exempt, register, register_resolver

SESSIONS = "sandbox sessions"
ATTEMPTS = "failed attempts"
DAYS = "SANDBOX_RETENTION_DAYS"


def forget_qr_codes(person) -> int:
    """The kept QR codes of the person's sessions (sandbox/qr.py): deleted now, and again
    once the erasure commits: a page shown in between read the session before it was blanked
    and may have kept its code again."""
    ids = set(person.session_ids)
    qr.forget_kept_qr_svgs(ids)
    transaction.on_commit(lambda: qr.forget_kept_qr_svgs(ids))
    return len(person.session_ids)


def forget_kept_pages(person) -> int:
    """Every kept page (sandbox/page_cache.py) becomes unreadable: the one secret they are
    sealed under is deleted, now and once the erasure commits."""
    page_cache.forget_all()
    return len(person.session_ids)


def expire_kept_pages(now) -> int:
    """Retention blanks old sessions; a page kept of one in the last minute goes too."""
    page_cache.forget_all()
    return 0


STORES = (
    Store(
        name="kept pages",
        holds="whole session and history pages as a viewer saw them (phone numbers, codes),"
        " sealed (AES-GCM) in the shared cache under one secret kept beside them",
        erased="made unreadable: every erasure, retention run and session deletion deletes"
        " the secret, so no kept page can be opened again; the sealed entries expire",
        kept="at most a minute (each until its words would change), the secret a day",
        erase=forget_kept_pages,
        retain=expire_kept_pages,
        order=31,
    ),
    Store(
        name="kept QR codes",
        holds="each session page's QR code (the activation link and code, never the phone),"
        " in the shared cache, by session id",
        erased="deleted with the person's sessions (and when a session is deleted or its"
        " share link revoked)",
        kept="until the session expires, at most 24 hours; never for an expired session",
        erase=forget_qr_codes,
        order=30,
    ),
    Store(
        name=SESSIONS,
        columns=tuple(f"sandbox.SandboxSession.{c}" for c in BLANK_SESSION),
        holds="the phone number, Kapso's copy of the session, errors that may quote the number",
        erased="blanked (the row stays, so counts stay true); the share link stops working; "
        "errors quoting the number are replaced by “(erased)”",
        kept=f"until the session ended {DAYS} days ago, then blanked the same way",
        erase=core.erase_sessions,
        export=core.export_sessions,
        retain=core.retain_sessions,
        order=20,
    ),
    Store(
        name=ATTEMPTS,
        columns=tuple(
            f"sandbox.FailedSessionAttempt.{c}" for c in ("phone_number", "error_message")
        ),
        holds="the phone number typed, and Kapso's error, which may quote it",
        erased="phone and message blanked (the row stays)",
        kept=f"{DAYS} days, then deleted",
        erase=core.erase_attempts,
        export=core.export_attempts,
        retain=core.retain_attempts,
    ),
    Store(
        name="idempotency records",
        columns=tuple(
            f"sandbox.IdempotencyRecord.{c}" for c in ("key", "fingerprint", "error_message")
        ),
        holds="keyed hashes (HMAC) of what was asked, phone included; the API caller's key",
        erased="errors quoting the number blanked; the form's records of their sessions "
        "deleted; the API's kept until they expire, so a replay answers the blanked session",
        kept="until they expire (30 s for the form, 24 h for the API), then deleted",
        erase=core.erase_idempotency,
        retain=core.retain_idempotency,
    ),
    Store(
        name="create claims",
        columns=("sandbox.PairClaim.phone_number",),
        holds="the phone number of a create in progress (one per phone and agent)",
        erased="deleted",
        kept="while the create runs; one left by a crash is deleted by the next request for "
        "the pair or by the resume job about a minute after it expires",
        erase=core.erase_pair_claims,
        export=core.export_pair_claims,
    ),
    Store(
        name="erased phone numbers",
        columns=("sandbox.ErasedPhone.digest",),
        holds="a keyed hash (HMAC under PRIVACY_HASH_KEY) of each erased number, never the number",
        erased="written by erasure: a sync never imports Kapso's older sessions of the number",
        kept="for good (without the key it names no one)",
        order=90,
    ),
    Store(
        name="admin history",
        columns=("admin.LogEntry.object_repr", "admin.LogEntry.change_message"),
        holds="what admins changed, naming the object (a tester's name and phone)",
        erased="entries naming the person or their sessions are deleted",
        kept=f"{DAYS} days, then deleted",
        erase=core.erase_admin_history,
        export=core.export_admin_history,
        retain=core.retain_admin_history,
    ),
    Store(
        name="accounts",
        columns=tuple(f"auth.User.{c}" for c in ("username", "first_name", "last_name", "email")),
        holds="teammates' user names, names and e-mail addresses",
        erased="erasing the account (the admin's delete, `manage.py erase_account`): "
        "its logins end, the row goes with its API tokens, and every store is searched "
        "for its user name, names and addresses; erasing a phone or tester keeps it",
        kept="until the account is erased",
        erase=core.erase_accounts,
        order=99,
    ),
    Store(
        name="logins",
        columns=("sessions.Session.session_data",),
        holds="who is logged in, and a flash message until it is shown",
        erased="nothing personal beyond the account id",
        kept="until the login expires (SESSION_COOKIE_AGE), then deleted",
        retain=core.retain_logins,
    ),
    Store(
        name="shared cache",
        holds="history counts, QR codes of activation links (no phone), login copies, kept"
        " pages (their own store above)",
        erased="history figures are recomputed at once; entries expire within 10 minutes",
        kept="minutes (each entry's expiry)",
    ),
    Store(
        name="log lines",
        holds="nothing personal: phone numbers and e-mail addresses are redacted in one "
        "filter (sandbox/web/log_filters.py) and in gunicorn's access log",
        erased="nothing to erase",
        kept="as long as the log collector keeps them",
    ),
    Store(
        name="e-mail",
        holds="reminders sent to a tester's e-mail address",
        erased="the dashboard keeps no copy; the mail server's and the inbox's copies are "
        "outside it. `make run` prints mail to the terminal (the demo's mailbox, not a log)",
        kept="not kept by the dashboard",
    ),
)

# Text and JSON columns that cannot hold personal data, and why.
EXEMPT = {
    "sandbox.Agent.kapso_id": "Kapso's id of an agent",
    "sandbox.Agent.name": "an agent's name, set in Kapso by the team",
    "sandbox.Agent.description": "an agent's description, set in Kapso by the team",
    "sandbox.Agent.project_id": "Kapso's project id",
    "sandbox.SandboxSession.kapso_id": "Kapso's id, kept to skip erased sessions",
    "sandbox.SandboxSession.requested_agent_id": "an agent id",
    "sandbox.SandboxSession.status": "Kapso's status word",
    "sandbox.SandboxSession.origin": "which door, from a fixed list",
    "sandbox.FailedSessionAttempt.agent_id": "an agent id",
    "sandbox.FailedSessionAttempt.error_kind": "a fixed list of error kinds",
    "sandbox.FailedSessionAttempt.origin": "which door, from a fixed list",
    "sandbox.PairClaim.agent_id": "an agent id",
    "sandbox.PairClaim.holder": "the claiming process (host:pid:thread)",
    "sandbox.PairClaim.origin": "which door, from a fixed list",
    "sandbox.IdempotencyRecord.scope": "“form” or “api”",
    "sandbox.IdempotencyRecord.state": "a fixed list of states",
    "auth.User.password": "a salted password hash",
    "auth.Group.name": "a group's name, set by admins",
    "auth.Permission.name": "Django's permission names",
    "auth.Permission.codename": "Django's permission names",
    "contenttypes.ContentType.app_label": "code names",
    "contenttypes.ContentType.model": "code names",
    "admin.LogEntry.object_id": "a row's id",
    "sessions.Session.session_key": "a random key",
}


def declare() -> None:
    register(*STORES)
    for column, reason in EXEMPT.items():
        exempt(column, reason)
    register_resolver(core.find_sessions)
    register_resolver(core.find_accounts)
