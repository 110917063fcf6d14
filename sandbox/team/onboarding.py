"""Bulk onboarding: a session for every tester and agent that has no live one.

A batch is one row per pair with its state, so the work is the rows, not the job: a job
that dies midway is resumed from them (`batch_run` again, by anyone), a pair is claimed
with a conditional UPDATE so two workers never create the same pair, and "retry failed"
puts only the failed rows back. Sessions are made through `sandbox_session_create` with a
background caller, so the shared Kapso budget keeps the reserve for people at the form;
when it says "not now" the batch waits for the next window instead of failing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from sandbox import ensure, live, lost_creates, pair_claims
from sandbox.errors import USER_FACING_ERRORS
from sandbox.kapso import KapsoClient
from sandbox.kapso.errors import KapsoRateLimitedError
from sandbox.kapso.quota import Caller, Priority
from sandbox.models import Origin, SandboxSession
from sandbox.team.models import OnboardingBatch, OnboardingPair, PairState, Tester


def batch_caller(batch: OnboardingBatch) -> Caller:
    """Background work: the budget gives it the team limit less the reserve."""
    return Caller(f"batch:{batch.pk}", Priority.BACKGROUND)


def stale_after() -> timedelta:
    """A claim older than one create can last (call, look-up, slack) was left by a dead job."""
    return timedelta(seconds=settings.KAPSO_TIMEOUT + lost_creates.LOOKUP_TIMEOUT_SECONDS + 60)


def batch_start(*, user, testers: Iterable[Tester], agent_ids: Iterable[str]) -> OnboardingBatch:
    """A batch with one pending row per tester and agent (the job is enqueued by the caller)."""
    agent_ids = list(dict.fromkeys(agent_ids))
    with transaction.atomic():
        batch = OnboardingBatch.objects.create(kind=OnboardingBatch.ONBOARD, created_by=user)
        OnboardingPair.objects.bulk_create(
            OnboardingPair(batch=batch, tester=tester, agent_id=agent_id)
            for tester in testers
            for agent_id in agent_ids
        )
    return batch


def renew_batch_start(*, user, hours: int, testers: Iterable[Tester]) -> OnboardingBatch | None:
    """A batch renewing every roster session that expires within `hours` (None: nothing to do).

    A session already followed by a live one for the same phone and agent needs nothing.
    """
    now = timezone.now()
    by_phone = {tester.phone_number: tester for tester in testers}
    expiring = SandboxSession.objects.filter(
        live.live_filter(now) | Q(status=SandboxSession.PENDING, expires_at__gt=now),
        phone_number__in=list(by_phone),
        expires_at__lte=now + timedelta(hours=hours),
    ).select_related("agent")
    pairs: dict[tuple[int, str], SandboxSession] = {}
    for session in expiring.order_by("expires_at"):
        agent_id = session.requested_agent_id or session.agent.kapso_id
        later = _live_after(session.phone_number, agent_id, session)
        if later is None:
            pairs.setdefault((by_phone[session.phone_number].pk, agent_id), session)
    if not pairs:
        return None
    with transaction.atomic():
        batch = OnboardingBatch.objects.create(kind=OnboardingBatch.RENEW, created_by=user)
        OnboardingPair.objects.bulk_create(
            OnboardingPair(batch=batch, tester_id=tester_pk, agent_id=agent_id, renews=session)
            for (tester_pk, agent_id), session in pairs.items()
        )
    return batch


def newer_than(session: SandboxSession):
    """Sessions made after `session` (the rule is ensure.newer_than's)."""
    return SandboxSession.objects.filter(ensure.newer_than(session))


def _live_after(phone: str, agent_id: str, session: SandboxSession) -> SandboxSession | None:
    """A live session for the pair newer than `session` (it renewed it already)."""
    return live.live_session(newer_than(session), phone_number=phone, agent_id=agent_id)


@dataclass(frozen=True)
class RunOutcome:
    processed: int
    # Seconds until the Kapso budget allows more; None when the batch did not wait.
    wait: int | None = None
    finished: bool = False


def batch_run(
    batch: OnboardingBatch, *, max_pairs: int | None = None, client: KapsoClient | None = None
) -> RunOutcome:
    """Work through the batch's pending pairs; safe to run twice at once and to resume."""
    now = timezone.now()
    OnboardingBatch.objects.filter(pk=batch.pk, started_at__isnull=True).update(started_at=now)
    release_dead_claims(batch, now)
    processed = 0
    while max_pairs is None or processed < max_pairs:
        pair = _claim_next(batch)
        if pair is None:
            break
        wait = _process(batch, pair, client)
        processed += 1
        OnboardingBatch.objects.filter(pk=batch.pk).update(
            last_progress_at=timezone.now(), waiting_until=None
        )
        if wait is not None:
            until = timezone.now() + timedelta(seconds=wait)
            OnboardingBatch.objects.filter(pk=batch.pk).update(waiting_until=until)
            return RunOutcome(processed, wait=wait)
    left = batch.pairs.filter(state__in=[PairState.PENDING, PairState.WORKING]).exists()
    if not left:
        OnboardingBatch.objects.filter(pk=batch.pk).update(
            finished_at=timezone.now(), waiting_until=None
        )
    return RunOutcome(processed, finished=not left)


def release_dead_claims(batch: OnboardingBatch, now) -> int:
    """Pairs claimed by a job that died go back to the queue: claims older than a create
    can last, and at once those of a process on this host that no longer runs. What the
    dead job left at Kapso is reconciled when the pair is taken again (ensure.py)."""
    working = batch.pairs.filter(state=PairState.WORKING)
    stale = Q(claimed_at__lt=now - stale_after()) | Q(claimed_by__in=_dead_holders())
    return working.filter(stale).update(state=PairState.PENDING)


def _claim_next(batch: OnboardingBatch) -> OnboardingPair | None:
    for pair in batch.pairs.filter(state=PairState.PENDING).order_by("pk")[:5]:
        if claim_pair(pair.pk):  # another worker did not take it first
            pair.refresh_from_db()
            return pair
    return None


def claim_pair(pk: int) -> bool:
    """Take a pending pair for this worker; False if another worker took it first. The
    condition is in the UPDATE, so the database decides, not what this worker last read."""
    return bool(
        OnboardingPair.objects.filter(pk=pk, state=PairState.PENDING).update(
            state=PairState.WORKING,
            claimed_at=timezone.now(),
            claimed_by=pair_claims.me(),
            attempts=F("attempts") + 1,
        )
    )


def _process(batch: OnboardingBatch, pair: OnboardingPair, client) -> int | None:
    """Do one pair; the seconds to wait when the budget said "not now", else None."""
    tester = pair.tester
    if tester is None:
        return _finish(pair, PairState.FAILED, error="The tester was erased.")
    if batch.created_by is None:
        return _finish(pair, PairState.FAILED, error="Whoever started this batch was deleted.")
    try:
        # Managers see every session: a live one for the pair, whoever made it, is reused.
        outcome = ensure.live_or_create(
            user=batch.created_by,
            phone_number=tester.phone_number,
            agent_id=pair.agent_id,
            sessions=SandboxSession.objects.all(),
            renewed_from=pair.renews,
            origin=Origin.BULK,
            caller=batch_caller(batch),
            client=client,
        )
    except KapsoRateLimitedError as exc:
        # Our budget or Kapso's limit: the pair goes back and the batch waits.
        OnboardingPair.objects.filter(pk=pair.pk).update(
            state=PairState.PENDING, attempts=F("attempts") - 1, error=""
        )
        return max(1, exc.retry_after or 60)
    except USER_FACING_ERRORS as exc:
        return _finish(pair, PairState.FAILED, error=exc.message)
    state = PairState.CREATED if outcome.made else PairState.REUSED
    return _finish(pair, state, session=outcome.session)


def _finish(pair: OnboardingPair, state: str, *, session=None, error: str = "") -> None:
    OnboardingPair.objects.filter(pk=pair.pk).update(state=state, session=session, error=error)
    return None


def retry_failed(batch: OnboardingBatch) -> int:
    """Put the failed pairs (only those) back in the queue; how many."""
    with transaction.atomic():
        count = batch.pairs.filter(state=PairState.FAILED).update(state=PairState.PENDING, error="")
        if count:
            OnboardingBatch.objects.filter(pk=batch.pk).update(finished_at=None)
    return count


@dataclass(frozen=True)
class Progress:
    total: int
    done: int
    failed: int
    pending: int
    working: int
    created: int
    reused: int
    waiting_seconds: int | None
    finished: bool

    @property
    def percent(self) -> int:
        return round(100 * (self.done + self.failed) / self.total) if self.total else 100


def batch_progress(batch: OnboardingBatch) -> Progress:
    counts = dict(
        batch.pairs.values_list("state").annotate(n=Count("pk")).values_list("state", "n")
    )
    waiting = None
    if batch.waiting_until is not None:
        seconds = (batch.waiting_until - timezone.now()).total_seconds()
        waiting = max(0, round(seconds)) if seconds > 0 else None
    created, reused = counts.get(PairState.CREATED, 0), counts.get(PairState.REUSED, 0)
    pending, working = counts.get(PairState.PENDING, 0), counts.get(PairState.WORKING, 0)
    return Progress(
        total=sum(counts.values()),
        done=created + reused,
        failed=counts.get(PairState.FAILED, 0),
        pending=pending,
        working=working,
        created=created,
        reused=reused,
        waiting_seconds=waiting,
        finished=pending + working == 0,
    )


def batches_to_resume(*, idle: timedelta) -> list[OnboardingBatch]:
    """Unfinished batches nobody has moved for `idle` and that are not waiting for quota:
    their job died (or was never run); the periodic job enqueues them again."""
    now = timezone.now()
    quiet = Q(last_progress_at__lt=now - idle) | Q(
        last_progress_at__isnull=True, created_at__lt=now - idle
    )
    not_waiting = Q(waiting_until__isnull=True) | Q(waiting_until__lte=now)
    # Enqueued a moment ago, it may simply wait behind other jobs: enqueued again only once
    # it has also been quiet since then, so duplicates do not pile up in the queue.
    not_just_queued = Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - idle)
    unfinished = Q(pairs__state__in=[PairState.PENDING, PairState.WORKING])
    # A pair held by a process of this host that no longer runs: its job died, at once.
    orphaned = Q(pairs__state=PairState.WORKING, pairs__claimed_by__in=_dead_holders())
    return list(
        OnboardingBatch.objects.filter(
            (quiet & not_waiting & not_just_queued & unfinished) | orphaned
        ).distinct()
    )


def _dead_holders() -> list[str]:
    held = OnboardingPair.objects.filter(state=PairState.WORKING).exclude(claimed_by="")
    holders = held.values_list("claimed_by", flat=True).distinct()
    return [holder for holder in holders if pair_claims.holder_is_dead(holder)]
