"""Writes of sandbox sessions: create, renew, refresh. What happens when someone presses Create.

Each step is a plain function; views, commands (and later jobs and the API) call these and
never Kapso. Kapso is reached through `sandbox.gateway`; every stored session goes through
`sandbox_session_upsert`, which uses the one map `models.kapso_session_fields`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sandbox import erased, idempotency, lost_creates
from sandbox.agents import agent_upsert
from sandbox.errors import CreateOutcomeUnknown, LostSessionTaken, ServiceError
from sandbox.gateway import get_client, person
from sandbox.kapso import KapsoClient, KapsoError, KapsoQuotaError, types
from sandbox.kapso.quota import BACKGROUND, Caller, Priority
from sandbox.models import (
    FailedSessionAttempt,
    Origin,
    SandboxSession,
    kapso_session_fields,
    needs_activation_time,
)

# A repeat of the same create within this window returns the first one's session.
DUPLICATE_WINDOW_SECONDS = 30
FORM_SCOPE = "form"


@dataclass(frozen=True)
class CreateOutcome:
    session: SandboxSession
    # "created"; "adopted": Kapso's answer was lost but the session was found there;
    # "duplicate": the same request was already made a moment ago (double submit).
    how: str = "created"


def sandbox_session_upsert(
    data: types.SandboxSession,
    *,
    created_by=None,
    requested_agent_id: str = "",
    renewed_from: SandboxSession | None = None,
    origin: str = Origin.SYNC,
    charged_to=None,
) -> tuple[SandboxSession, bool]:
    """Store Kapso's view of a session, matched on Kapso's id; the creator is never replaced."""
    with transaction.atomic():
        kapso_fields = {
            **kapso_session_fields(
                data, agent_upsert(data.agent), activated_before=_activated_before(data)
            ),
            "last_synced_at": timezone.now(),
            "last_sync_error": "",
        }
        session, created = SandboxSession.objects.update_or_create(
            kapso_id=data.id,
            defaults=kapso_fields,
            create_defaults={
                **kapso_fields,
                "created_by": created_by,
                "requested_agent_id": requested_agent_id,
                "renewed_from": renewed_from,
                "created_at": data.created_at or timezone.now(),
                "origin": origin,
                "charged_to": charged_to,
            },
        )
        if not created and created_by is not None and session.created_by_id is None:
            # A sync got there first (the answer to our create was lost): it is ours.
            session.created_by = created_by
            session.requested_agent_id = requested_agent_id or session.requested_agent_id
            session.renewed_from = renewed_from or session.renewed_from
            session.origin, session.charged_to = origin, charged_to
            session.save(
                update_fields=[
                    "created_by",
                    "requested_agent_id",
                    "renewed_from",
                    "origin",
                    "charged_to",
                ]
            )
    return session, created


def _activated_before(data: types.SandboxSession):
    """The activation time stored for it, read only when Kapso gave none past pending (so the
    usual upsert, a create's included, reads nothing more)."""
    if not needs_activation_time(data):
        return None
    stored = SandboxSession.objects.filter(kapso_id=data.id).values_list("activated_at", flat=True)
    return stored.first()


def sandbox_session_create(
    *,
    user,
    phone_number: str,
    agent_id: str,
    renewed_from: SandboxSession | None = None,
    origin: str = Origin.FORM,
    caller: Caller | None = None,
    client: KapsoClient | None = None,
) -> CreateOutcome:
    """Ask Kapso for a session and keep it, charged to `user`'s share of the Kapso budget.

    Safe against double submits and lost answers:

    - The same user asking for the same phone and agent again within
      DUPLICATE_WINDOW_SECONDS (a double click, a resubmit, a second tab) gets the first
      request's session; while the first is still waiting, the second waits for it
      (sandbox/idempotency.py).
    - If Kapso's answer is lost after the request left, Kapso is asked whether it made
      the session, and a match is adopted rather than a second one made. Creates are
      never blindly repeated.
    - Otherwise the failure is recorded as a FailedSessionAttempt and raised: the client's
      `KapsoError`, or `CreateOutcomeUnknown` when Kapso may have made it all the same.
    """
    claim = _claim_double_submit(user, phone_number, agent_id, renewed_from)
    if isinstance(claim, idempotency.Prior):
        return CreateOutcome(claim.session, "duplicate")
    try:
        session, how = _create_or_adopt(
            _Request(user, phone_number, agent_id, renewed_from, origin, caller or person(user)),
            client or get_client(),
        )
    except CreateOutcomeUnknown as exc:
        # Kapso may have made it: a repeat now (the double click still waiting) must not
        # make a second one. It gets this answer until the window passes.
        claim.mark_unknown(exc.message)
        raise
    except BaseException:
        claim.release()  # whatever went wrong, the next try must not wait for this one
        raise
    claim.complete(session)
    return CreateOutcome(session, how)


def _claim_double_submit(
    user, phone_number: str, agent_id: str, renewed_from: SandboxSession | None
) -> idempotency.Claim | idempotency.Prior:
    """The same user, phone, agent (and renewal) within the window is one request."""
    asked = idempotency.fingerprint(phone_number, agent_id, renewed_from.pk if renewed_from else "")
    return idempotency.claim(
        user=user,
        scope=FORM_SCOPE,
        key=asked,
        fingerprint=asked,
        window=timedelta(seconds=DUPLICATE_WINDOW_SECONDS),
        pending_for=timedelta(
            seconds=settings.KAPSO_TIMEOUT + lost_creates.LOOKUP_TIMEOUT_SECONDS + 5
        ),
    )


@dataclass(frozen=True)
class _Request:
    user: object
    phone_number: str
    agent_id: str
    renewed_from: SandboxSession | None
    origin: str
    # Whose share of the Kapso budget pays, and at which priority: the person by default;
    # background work a person started (bulk onboarding) passes its own.
    caller: Caller


def _create_or_adopt(asked: _Request, client: KapsoClient) -> tuple[SandboxSession, str]:
    asked_from = timezone.now()
    caller = asked.caller
    try:
        data = client.create_session(
            phone_number=asked.phone_number, agent_id=asked.agent_id, caller=caller
        )
        how = "created"
    except KapsoError as exc:
        if not exc.maybe_sent:
            _record_failure(asked, exc)
            raise
        data = lost_creates.find_for_create(
            asked.phone_number,
            asked.agent_id,
            asked_from=asked_from,
            asked_until=timezone.now(),
            caller=caller,
        )
        if data is None:
            unknown = CreateOutcomeUnknown(
                f"{exc.message} Kapso may still have made the session: if so it will "
                "appear in the history after the next sync.",
                cause=exc,
            )
            _record_failure(asked, unknown)
            raise unknown from exc
        how = "adopted"
    session, _ = sandbox_session_upsert(
        data,
        created_by=asked.user,
        requested_agent_id=asked.agent_id,
        renewed_from=asked.renewed_from,
        origin=asked.origin,
        charged_to=_charged(asked),
    )
    if session.created_by_id != asked.user.pk:
        # Another teammate adopted the same session a moment earlier: it is theirs.
        taken = LostSessionTaken(
            "Kapso's answer was lost, and the only matching session belongs to someone "
            "else. Try again."
        )
        _record_failure(asked, taken)
        raise taken
    return session, how


def _record_failure(asked: _Request, error: KapsoError | ServiceError) -> None:
    cause = error.cause if isinstance(error, CreateOutcomeUnknown) else error
    FailedSessionAttempt.objects.create(
        created_by=asked.user,
        phone_number=asked.phone_number,
        agent_id=asked.agent_id,
        error_kind=cause.kind if cause is not None else error.kind,
        error_message=error.message,
        http_status=getattr(cause, "status", None),
        # A later sync that finds the session gives it to this teammate.
        outcome_unknown=isinstance(error, CreateOutcomeUnknown),
        origin=asked.origin,
        # Refused by our own budget: no call was made, so nothing was charged; background
        # work is charged to the team, not to a person's share.
        charged_to=None if isinstance(error, KapsoQuotaError) else _charged(asked),
    )


def _charged(asked: _Request):
    return asked.user if asked.caller.priority == Priority.PERSON else None


def sandbox_session_renew(
    *, session: SandboxSession, user, client: KapsoClient | None = None
) -> CreateOutcome:
    """A fresh session for the same phone and agent (Kapso documents no renew call)."""
    return sandbox_session_create(
        user=user,
        phone_number=session.phone_number,
        # The id the teammate picked, which Kapso accepted before; Kapso's answer may
        # name the agent by another id form.
        agent_id=session.requested_agent_id or session.agent.kapso_id,
        renewed_from=session,
        origin=Origin.RENEW,
        client=client,
    )


def sandbox_session_refresh(
    session: SandboxSession, *, caller: Caller = BACKGROUND, client: KapsoClient | None = None
) -> SandboxSession:
    """Ask Kapso for the session now and store its answer; a failure is kept on the session."""
    if erased.erased([session.kapso_id]):
        return session  # its personal data was erased: Kapso's copy must not come back
    try:
        data = (client or get_client()).get_session(session.kapso_id, caller=caller)
    except KapsoQuotaError:
        raise  # no call was made: nothing about the session to record
    except KapsoError as exc:
        SandboxSession.objects.filter(pk=session.pk).update(last_sync_error=exc.message)
        session.last_sync_error = exc.message
        raise
    if erased.erased([session.kapso_id]):  # erased while Kapso was answering: keep it so
        return session
    refreshed, _ = sandbox_session_upsert(data)
    return refreshed
