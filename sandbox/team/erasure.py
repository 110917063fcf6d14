"""Phone numbers are personal data: erase a tester everywhere, and purge old history.

Erasing keeps the history's rows (so counts stay true) but blanks what identifies the
person: the phone, the code and link, Kapso's stored payload, failed attempts with that
phone, reminder addresses. The erased Kapso ids are remembered so that `sync_kapso` and
refreshes never store Kapso's copy again (sandbox/erased.py asks `erased_kapso_ids`).
Kapso keeps its own copy; only Kapso's dashboard deletes it.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from datetime import timedelta

from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from sandbox import history
from sandbox.models import FailedSessionAttempt, IdempotencyRecord, PairClaim, SandboxSession
from sandbox.team.models import ErasedKapsoSession, ErasureLog, Reminder, Tester

logger = logging.getLogger(__name__)
CHUNK = 500
KAPSO_KEEPS_A_COPY = "Kapso keeps its own copy of these sessions: delete them in Kapso's dashboard."


def erased_kapso_ids(kapso_ids: Collection[str]) -> set[str]:
    found: set[str] = set()
    ids = list(kapso_ids)
    for start in range(0, len(ids), CHUNK):
        found.update(
            ErasedKapsoSession.objects.filter(kapso_id__in=ids[start : start + CHUNK]).values_list(
                "kapso_id", flat=True
            )
        )
    return found


def _remember(kapso_ids: list[str]) -> None:
    ErasedKapsoSession.objects.bulk_create(
        [ErasedKapsoSession(kapso_id=kapso_id) for kapso_id in kapso_ids],
        ignore_conflicts=True,
        batch_size=CHUNK,
    )


def _log(kind: str, by, counts: tuple[int, int], what: str) -> ErasureLog:
    """The admin's record of an erasure: how many sessions and failed attempts, and that
    Kapso still has its copy (deleted only in Kapso's dashboard)."""
    sessions, attempts = counts
    detail = f"{what} {KAPSO_KEEPS_A_COPY}"
    return ErasureLog.objects.create(
        kind=kind, by=by, sessions=sessions, attempts=attempts, detail=detail
    )


def erase_tester(tester: Tester, *, by=None) -> ErasureLog:
    """Remove the tester and every trace of their phone and e-mail; log what was done."""
    phone, email, pk = tester.phone_number, tester.email, tester.pk
    with transaction.atomic():
        sessions = SandboxSession.objects.filter(phone_number=phone)
        kapso_ids = list(sessions.values_list("kapso_id", flat=True))
        _remember(kapso_ids)
        session_pks = list(sessions.values_list("pk", flat=True))
        IdempotencyRecord.objects.filter(session__in=session_pks).delete()
        Reminder.objects.filter(session__in=session_pks).update(recipient="")
        if email:
            Reminder.objects.filter(recipient__iexact=email).update(recipient="")
        erased_sessions = sessions.update(
            phone_number="",
            activation_code="",
            activation_message="",
            activation_link="",
            raw_payload={},
            share_nonce="",
            updated_at=timezone.now(),
        )
        erased_attempts = FailedSessionAttempt.objects.filter(phone_number=phone).update(
            phone_number="", error_message="(erased)"
        )
        # A create in progress (or left by a crash) for the phone: its claim names the phone.
        PairClaim.objects.filter(phone_number=phone).delete()
        # The admin's change history names the tester ("Ann (+44…)") in its entries.
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Tester), object_id=str(pk)
        ).delete()
        tester.delete()
        counts = (erased_sessions, erased_attempts)
        log = _log(ErasureLog.TESTER, by, counts, f"Tester #{pk} erased.")
    history.bump()
    logger.info(
        "tester #%s erased: %s sessions, %s failed attempts", pk, erased_sessions, erased_attempts
    )
    return log


def purge_older_than(*, days: int, by=None) -> ErasureLog:
    """Delete sessions and failed attempts created more than `days` ago (SANDBOX_RETENTION_DAYS)."""
    cutoff = timezone.now() - timedelta(days=days)
    deleted_sessions = 0
    while True:
        with transaction.atomic():
            batch = list(
                SandboxSession.objects.filter(created_at__lt=cutoff).values_list("pk", "kapso_id")[
                    :CHUNK
                ]
            )
            if not batch:
                break
            _remember([kapso_id for _, kapso_id in batch])
            SandboxSession.objects.filter(pk__in=[pk for pk, _ in batch]).delete()
            deleted_sessions += len(batch)
    deleted_attempts, _ = FailedSessionAttempt.objects.filter(created_at__lt=cutoff).delete()
    counts = (deleted_sessions, deleted_attempts)
    log = _log(
        ErasureLog.RETENTION,
        by,
        counts,
        f"Older than {days} days (before {cutoff:%Y-%m-%d %H:%M} UTC).",
    )
    if deleted_sessions or deleted_attempts:
        history.bump()
    logger.info(
        "retention purge: %s sessions, %s failed attempts older than %s days",
        deleted_sessions,
        deleted_attempts,
        days,
    )
    return log
