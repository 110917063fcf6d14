"""How the sandbox app's own tables are found, erased, exported and expired for a person.

Texts that quote Kapso (`last_sync_error`, attempts' `error_message`) can name a phone
number of any session, so they are searched for every written form of it, not only in the
person's own rows.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import reduce
from importlib import import_module
from operator import or_
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.db.models import Model, Q
from django.utils import timezone

from sandbox.models import FailedSessionAttempt, IdempotencyRecord, PairClaim, SandboxSession
from sandbox.privacy.person import Person

CHUNK = 500
ERASED = "(erased)"
BLANK_SESSION = {
    "phone_number": "",
    "activation_code": "",
    "activation_message": "",
    "activation_link": "",
    "raw_payload": {},
    "share_nonce": "",
    "last_sync_error": "",
}


def mentions(model: type[Model], person: Person, *columns: str) -> Q:
    """Rows of `model` whose text in any of `columns` holds a written form of the person.

    The database narrows by substring; Python then keeps a row only if a name is there as a
    whole word (`Person.mentioned_in`): 'Ann' must not find Joanne's rows, nor 'admin' the
    whole admin log. Acting on the kept pks keeps the erasure and the export in step."""
    needles = person.needles()
    if not needles:
        return Q(pk__in=[])
    near = reduce(or_, (Q(**{f"{c}__icontains": n}) for c in columns for n in needles))
    rows = model.objects.filter(near).values_list("pk", *columns)
    return Q(
        pk__in=[
            pk
            for pk, *texts in rows.iterator(chunk_size=CHUNK)
            if any(person.mentioned_in(text) for text in texts)
        ]
    )


def find_sessions(person: Person) -> None:
    """Resolver: the sessions that held the phone, before anything is blanked."""
    if not person.phone:
        return
    rows = SandboxSession.objects.filter(phone_number=person.phone).values_list("pk", "kapso_id")
    for pk, kapso_id in rows:
        person.session_ids.add(pk)
        person.kapso_ids.add(kapso_id)


def find_accounts(person: Person) -> None:
    """Resolver: the accounts asked for, with the user name, names and address of each, so
    every other store (the admin's history, invitations, a tester) is searched for them."""
    for user in get_user_model().objects.filter(pk__in=person.user_ids):
        person.names |= {
            name
            for name in (user.username, user.first_name, user.last_name, user.get_full_name())
            if name
        }
        if user.email:
            person.emails.add(user.email)


def erase_accounts(person: Person) -> int:
    """Last of all: every browser signed in as them is signed out, then the row goes (their
    API tokens, e-mail addresses and second factors cascade with it)."""
    if not person.user_ids:
        return 0
    ids = {str(pk) for pk in person.user_ids}
    # Through the configured store: a cached copy of a login must not outlive the row.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for login in Session.objects.iterator(chunk_size=CHUNK):
        if login.get_decoded().get("_auth_user_id") in ids:
            store(session_key=login.session_key).delete()
    deleted = get_user_model().objects.filter(pk__in=person.user_ids).delete()[1]
    return deleted.get(get_user_model()._meta.label, 0)


def erase_sessions(person: Person) -> int:
    now = timezone.now()
    mine = SandboxSession.objects.filter(pk__in=person.session_ids)
    count = mine.update(**BLANK_SESSION, erased_at=now, updated_at=now)
    # Another session's error that quotes the phone (Kapso quoting what was sent).
    quoting = SandboxSession.objects.filter(mentions(SandboxSession, person, "last_sync_error"))
    quoting.update(last_sync_error=ERASED, updated_at=now)
    return count


def erase_attempts(person: Person) -> int:
    rows = FailedSessionAttempt.objects.filter(
        Q(phone_number=person.phone) if person.phone else Q(pk__in=[])
    )
    rows = rows | FailedSessionAttempt.objects.filter(
        mentions(FailedSessionAttempt, person, "error_message")
    )
    return rows.update(phone_number="", error_message=ERASED)


def erase_idempotency(person: Person) -> int:
    """Records hold only keyed hashes. An API record of an erased session stays until it
    expires, so a replayed request gets the blanked session instead of making a new one;
    the form's (30 s) go, so adding the person again at once works as for anyone."""
    quoting = IdempotencyRecord.objects.filter(mentions(IdempotencyRecord, person, "error_message"))
    count = quoting.update(error_message=ERASED)
    mine = IdempotencyRecord.objects.filter(session__in=person.session_ids, scope="form")
    return count + mine.delete()[0]


def erase_pair_claims(person: Person) -> int:
    """A create in progress, or one left by a crash, names the phone it is for."""
    return PairClaim.objects.filter(phone_number=person.phone).delete()[0] if person.phone else 0


def export_pair_claims(person: Person) -> list[dict[str, Any]]:
    if not person.phone:
        return []
    rows = PairClaim.objects.filter(phone_number=person.phone)
    return list(rows.values("phone_number", "agent_id", "claimed_at", "expires_at"))


def erase_admin_history(person: Person) -> int:
    """The admin's history names objects ("Ann (+44…)") and may quote typed values."""
    session_type = ContentType.objects.get_for_model(SandboxSession)
    rows = LogEntry.objects.filter(mentions(LogEntry, person, "object_repr", "change_message"))
    rows = rows | LogEntry.objects.filter(
        content_type=session_type, object_id__in=[str(pk) for pk in person.session_ids]
    )
    return rows.delete()[0]


def export_sessions(person: Person) -> list[dict[str, Any]]:
    fields = ["kapso_id", "status", "phone_number", "activation_code", "activation_link"]
    fields += ["created_at", "expires_at", "last_sync_error", "origin", "raw_payload"]
    return list(SandboxSession.objects.filter(pk__in=person.session_ids).values(*fields))


def export_attempts(person: Person) -> list[dict[str, Any]]:
    rows = FailedSessionAttempt.objects.filter(phone_number=person.phone) if person.phone else []
    fields = ["created_at", "phone_number", "agent_id", "error_kind", "error_message"]
    return list(rows.values(*fields)) if person.phone else []


def export_admin_history(person: Person) -> list[dict[str, Any]]:
    rows = LogEntry.objects.filter(mentions(LogEntry, person, "object_repr", "change_message"))
    return list(rows.values("action_time", "object_repr", "change_message"))


# --- retention ---------------------------------------------------------------------------
def cutoff(now: datetime) -> datetime | None:
    """Before this, history loses its personal data; None: SANDBOX_RETENTION_DAYS is 0 (off)."""
    days = settings.SANDBOX_RETENTION_DAYS
    return now - timedelta(days=days) if days > 0 else None


def retain_sessions(now: datetime) -> int:
    """Blank sessions that ended before the cutoff, a chunk per statement; rows stay."""
    before = cutoff(now)
    if before is None:
        return 0
    ended = Q(expires_at__lt=before) | Q(expires_at__isnull=True, created_at__lt=before)
    todo = SandboxSession.objects.filter(ended, erased_at__isnull=True)
    count = 0
    while pks := list(todo.values_list("pk", flat=True)[:CHUNK]):
        count += SandboxSession.objects.filter(pk__in=pks).update(
            **BLANK_SESSION, erased_at=now, updated_at=now
        )
    return count


def retain_attempts(now: datetime) -> int:
    before = cutoff(now)
    if before is None:
        return 0
    return FailedSessionAttempt.objects.filter(created_at__lt=before).delete()[0]


def retain_idempotency(now: datetime) -> int:
    return IdempotencyRecord.objects.filter(expires_at__lt=now).delete()[0]


def retain_admin_history(now: datetime) -> int:
    before = cutoff(now)
    if before is None:
        return 0
    return LogEntry.objects.filter(action_time__lt=before).delete()[0]


def retain_logins(now: datetime) -> int:
    return Session.objects.filter(expire_date__lt=now).delete()[0]
