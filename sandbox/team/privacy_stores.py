"""The team app's personal data, declared to sandbox.privacy at start (TeamConfig.ready):
testers, reminder addresses, batch errors that quote Kapso, and the erasure log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Q

from sandbox import privacy
from sandbox.phones import InvalidPhoneNumber, normalize_phone
from sandbox.privacy.core_stores import ERASED, mentions
from sandbox.team.models import (
    ErasedKapsoSession,
    ErasureLog,
    GroupMember,
    OnboardingPair,
    Reminder,
    Tester,
)

CHUNK = 500


def find_testers(person: privacy.Person) -> None:
    """Resolver: the tester with the phone, or the tester asked for, and their details."""
    by_phone = Q(phone_number=person.phone) if person.phone else Q(pk=None)
    # An erased account takes the tester it is linked to: the same person.
    rows = Tester.objects.filter(
        Q(pk__in=person.tester_ids) | by_phone | Q(account__in=person.user_ids)
    )
    for tester in rows:
        person.tester_ids.add(tester.pk)
        person.phone = person.phone or _e164(tester.phone_number)
        person.names.add(tester.name)
        if tester.email:
            person.emails.add(tester.email)


def _e164(phone: str) -> str:
    """Rows written before the admin normalised phones may hold one as typed."""
    try:
        return normalize_phone(phone, settings.PHONE_DEFAULT_REGION)
    except InvalidPhoneNumber:
        return phone


def erase_testers(person: privacy.Person) -> int:
    return Tester.objects.filter(pk__in=person.tester_ids).delete()[1].get("team.Tester", 0)


def export_testers(person: privacy.Person) -> list[dict[str, Any]]:
    fields = ["name", "phone_number", "email", "created_at", "updated_at"]
    return list(Tester.objects.filter(pk__in=person.tester_ids).values(*fields))


def remember_kapso_ids(person: privacy.Person) -> int:
    """Their Kapso ids: refresh never asks Kapso again, even if the row is later deleted."""
    ErasedKapsoSession.objects.bulk_create(
        [ErasedKapsoSession(kapso_id=kapso_id) for kapso_id in person.kapso_ids],
        ignore_conflicts=True,
        batch_size=CHUNK,
    )
    return len(person.kapso_ids)


def erase_reminders(person: privacy.Person) -> int:
    rows = Reminder.objects.filter(session__in=person.session_ids)
    if person.emails:
        emails = Q()
        for email in person.emails:
            emails |= Q(recipient__iexact=email)
        rows = rows | Reminder.objects.filter(emails)
    return rows.update(recipient="")


def export_reminders(person: privacy.Person) -> list[dict[str, Any]]:
    rows = Reminder.objects.filter(session__in=person.session_ids)
    return list(rows.values("kind", "recipient", "sent_at", "used_at"))


def retain_reminders(now: datetime) -> int:
    """A reminder is the send-once guard while its session lives; after that, nothing."""
    ended = Q(session__expires_at__lt=now) | Q(session__erased_at__isnull=False)
    return Reminder.objects.filter(ended).delete()[0]


def erase_pair_errors(person: privacy.Person) -> int:
    rows = OnboardingPair.objects.filter(
        Q(tester__in=person.tester_ids) | Q(session__in=person.session_ids)
    ).exclude(error="")
    rows = rows | OnboardingPair.objects.filter(mentions(OnboardingPair, person, "error"))
    return rows.update(error=ERASED)


def erase_memberships(person: privacy.Person) -> int:
    """A tester's groups (also deleted with the tester; first here, so the count is said)."""
    return GroupMember.objects.filter(tester__in=person.tester_ids).delete()[0]


def export_memberships(person: privacy.Person) -> list[dict[str, Any]]:
    rows = GroupMember.objects.filter(tester__in=person.tester_ids)
    return list(rows.values("group__name", "added_at", "joined", "session_id"))


def record(*, kind: str, person: privacy.Person, counts: dict[str, int], by, door: str):
    """The audit row: counts and who asked, never the data."""
    sessions = counts.get("sandbox sessions", 0)
    attempts = counts.get("failed attempts", 0)
    who = f"Tester #{', #'.join(map(str, sorted(person.tester_ids)))}" if person.tester_ids else ""
    if person.user_ids:
        who = f"Account #{', #'.join(map(str, sorted(person.user_ids)))}" + (who and f" ({who})")
    detail = {
        "erasure": f"{who or 'A phone number'} erased through {door}. {privacy.KAPSO_KEEPS_A_COPY}",
        "export": f"Data of {who or 'a phone number'} downloaded through {door}.",
        "retention": ", ".join(f"{name}: {n}" for name, n in counts.items() if n)
        or "Nothing to purge.",
    }[kind]
    erased = ErasureLog.TESTER if person.tester_ids else ErasureLog.PHONE
    erased = ErasureLog.ACCOUNT if person.user_ids else erased
    log_kind = {"erasure": erased}.get(kind, kind)
    if by is not None and by.pk in person.user_ids:
        by = None  # an account erasing itself: its row is gone
    return ErasureLog.objects.create(
        kind=log_kind, by=by, sessions=sessions, attempts=attempts, detail=detail
    )


STORES = (
    privacy.Store(
        name="testers",
        columns=("team.Tester.name", "team.Tester.phone_number", "team.Tester.email"),
        holds="a tester's name, phone number and e-mail address",
        erased="deleted (their batches keep their rows, naming no one)",
        kept="until erased",
        erase=erase_testers,
        export=export_testers,
        order=80,
    ),
    privacy.Store(
        name="erased Kapso sessions",
        columns=("team.ErasedKapsoSession.kapso_id",),
        holds="Kapso's ids of erased sessions (no personal data): never stored again",
        erased="written by erasure",
        kept="for good",
        erase=remember_kapso_ids,
        order=10,
    ),
    privacy.Store(
        name="reminders",
        columns=("team.Reminder.recipient",),
        holds="the e-mail address a reminder went to",
        erased="address blanked",
        kept="until the session ends, then deleted",
        erase=erase_reminders,
        export=export_reminders,
        retain=retain_reminders,
    ),
    privacy.Store(
        name="job queue",
        holds="job names and batch ids (no personal data): jobs read the rest from the database",
        erased="nothing to erase",
        kept="until the job runs",
    ),
    privacy.Store(
        name="group memberships",
        columns=(),
        holds="which tester groups a tester is in, whether they joined through the group's "
        "link, when, and the session the join showed them (their name, phone and e-mail are "
        "the testers store)",
        erased="deleted",
        kept="until the tester is erased or taken out of the group",
        erase=erase_memberships,
        export=export_memberships,
        order=70,
    ),
    privacy.Store(
        name="join link address counts",
        holds="a keyed hash (HMAC) of the address a join form was posted from, per link, in "
        "the cache: the per-address limit (no address is stored as such)",
        erased="nothing linkable to a person to erase",
        kept="one day, then expires",
    ),
    privacy.Store(
        name="onboarding errors",
        columns=("team.OnboardingPair.error",),
        holds="Kapso's error for one tester and agent, which may quote the phone number",
        erased="replaced by “(erased)”",
        kept="with its batch",
        erase=erase_pair_errors,
    ),
)

EXEMPT = {
    "team.AutoRenew.agent_id": "an agent id",
    "team.OnboardingBatch.kind": "a fixed list",
    "team.OnboardingPair.agent_id": "an agent id",
    "team.OnboardingPair.state": "a fixed list",
    "team.OnboardingPair.claimed_by": "the claiming process (host:pid)",
    "team.Reminder.kind": "a fixed list",
    "team.Reminder.nonce": "a random nonce",
    "team.ErasureLog.kind": "a fixed list",
    "team.ErasureLog.detail": "counts, the door and tester ids; written without data",
    "team.WorkerHeartbeat.name": "a worker's host name and process id",
    "team.TesterGroup.name": "a group's name, chosen by staff",
    "team.TesterGroup.agent_ids": "agent ids",
    "team.TesterGroup.join_secret": "a random secret: the join link",
    "team.TesterGroup.join_calling_codes": "country calling codes",
}


def declare() -> None:
    privacy.register(*STORES)
    for column, reason in EXEMPT.items():
        privacy.exempt(column, reason)
    privacy.register_resolver(find_testers)
    privacy.register_recorder(record)
