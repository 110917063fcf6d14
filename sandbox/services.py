"""Business steps of the dashboard: each one a plain function, each write one transaction.

Views call these; these call Kapso through `sandbox.kapso` and write models. Nothing
here knows about requests, forms or templates.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from sandbox import kapso_types
from sandbox.kapso import KapsoClient, get_client
from sandbox.kapso_errors import KapsoError
from sandbox.models import Agent, FailedSessionAttempt, SandboxSession

AGENTS_FRESH_KEY = "sandbox:agents-fresh"
# A repeat of the same create within this window returns the first one's session.
DUPLICATE_WINDOW_SECONDS = 30
CLAIM_PENDING = "pending"
CLAIM_UNKNOWN = "outcome-unknown"
# The look-up after a lost answer gets its own short budget, on top of KAPSO_TIMEOUT.
LOOKUP_TIMEOUT_SECONDS = 3.0
REFRESH_CLAIM_KEY = "sandbox:refresh-claim:{pk}"


@dataclass(frozen=True)
class AgentChoices:
    agents: list[Agent]
    # Why Kapso's list could not be loaded just now, if it could not.
    error: str | None = None


def agent_upsert(
    data: kapso_types.Agent, *, known: Agent | None = None, listed: bool | None = None
) -> Agent:
    """Store Kapso's agent; written only when something differs from `known`.

    `listed` is True when the agent came from Kapso's agent list. A copy embedded in a
    session says nothing about the list (None): it never revives an agent Kapso dropped,
    and an agent first seen that way stays out of the form.
    """
    fields = {
        "name": data.name,
        "description": data.description,
        "project_id": data.project_id,
        "kapso_created_at": data.created_at,
        "kapso_updated_at": data.updated_at,
    }
    if listed is not None:
        fields["listed"] = listed
    if known is None:
        known = Agent.objects.filter(kapso_id=data.id).first()
    if known is not None and all(getattr(known, k) == v for k, v in fields.items()):
        return known
    if (
        listed is None
        and known is not None
        and data.updated_at
        and known.kapso_updated_at
        and data.updated_at < known.kapso_updated_at
    ):
        return known  # an old session's copy of the agent must not undo a rename
    agent, _ = Agent.objects.update_or_create(
        kapso_id=data.id,
        defaults={**fields, "synced_at": timezone.now()},
        create_defaults={"listed": bool(listed), **fields, "synced_at": timezone.now()},
    )
    return agent


def agent_list_refresh(*, client: KapsoClient | None = None) -> list[Agent]:
    """Replace the cached agent list with Kapso's; raises KapsoError if Kapso fails."""
    fetched = (client or get_client()).list_agents()
    known = {agent.kapso_id: agent for agent in Agent.objects.all()}
    with transaction.atomic():
        agents = [agent_upsert(item, known=known.get(item.id), listed=True) for item in fetched]
        kept = {agent.pk for agent in agents}
        gone = [a.pk for a in known.values() if a.listed and a.pk not in kept]
        if gone:
            Agent.objects.filter(pk__in=gone).update(listed=False)
    cache.set(AGENTS_FRESH_KEY, True, settings.KAPSO_AGENT_CACHE_SECONDS)
    return sorted(agents, key=lambda a: (a.name.lower(), a.kapso_id))


def agent_choices(
    *, force_refresh: bool = False, client: KapsoClient | None = None
) -> AgentChoices:
    """Agents for the create form: the cached list, reloaded from Kapso when stale.

    When Kapso cannot be reached the last known list is still offered, with the reason.
    """
    if force_refresh or not cache.get(AGENTS_FRESH_KEY):
        try:
            return AgentChoices(agents=agent_list_refresh(client=client))
        except KapsoError as exc:
            return AgentChoices(agents=list(Agent.objects.filter(listed=True)), error=exc.message)
    return AgentChoices(agents=list(Agent.objects.filter(listed=True)))


def sandbox_session_upsert(
    data: kapso_types.SandboxSession,
    *,
    created_by=None,
    requested_agent_id: str = "",
    renewed_from: SandboxSession | None = None,
) -> tuple[SandboxSession, bool]:
    """Store Kapso's view of a session, matched on Kapso's id; the creator is never replaced."""
    with transaction.atomic():
        kapso_fields = {
            "agent": agent_upsert(data.agent),
            "phone_number": data.phone_number,
            "status": data.status,
            "activation_code": data.activation_code,
            "activation_message": data.activation_message,
            "activation_link": data.activation_link,
            "activated_at": data.activated_at,
            "expires_at": data.expires_at,
            "kapso_created_at": data.created_at,
            "kapso_updated_at": data.updated_at,
            "raw_payload": data.raw,
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
            },
        )
        if not created and created_by is not None and session.created_by_id is None:
            # A sync got there first (the answer to our create was lost): it is ours.
            session.created_by = created_by
            session.requested_agent_id = requested_agent_id or session.requested_agent_id
            session.renewed_from = renewed_from or session.renewed_from
            session.save(update_fields=["created_by", "requested_agent_id", "renewed_from"])
    return session, created


@dataclass(frozen=True)
class CreateOutcome:
    session: SandboxSession
    # "created"; "adopted": Kapso's answer was lost but the session was found there;
    # "duplicate": the same request was already made a moment ago (double submit).
    how: str = "created"


class SessionOutcomeUnknown(KapsoError):
    """The same create just failed in a way that may have made the session at Kapso."""

    kind = "outcome_unknown"


class SessionCreateInProgress(KapsoError):
    """The same create is still waiting for Kapso in another request."""

    kind = "in_progress"


def _claim_key(user, phone_number: str, agent_id: str, renewed_from) -> str:
    raw = f"{user.pk}|{phone_number}|{agent_id}|{renewed_from.pk if renewed_from else ''}"
    return "sandbox:create:" + hashlib.sha256(raw.encode()).hexdigest()


def sandbox_session_create(
    *,
    user,
    phone_number: str,
    agent_id: str,
    renewed_from: SandboxSession | None = None,
    client: KapsoClient | None = None,
) -> CreateOutcome:
    """Ask Kapso for a session and keep it. Safe against double submits and lost answers.

    - The same user asking for the same phone and agent again within
      DUPLICATE_WINDOW_SECONDS (a double click, a resubmit, a second tab) gets the first
      request's session; while the first is still waiting, the second waits for it.
    - If Kapso's answer is lost after the request left (timeout, dropped connection,
      gateway error, garbage in a 2xx), Kapso is asked whether it made the session, and a
      match is adopted rather than a second one made. Creates are never blindly repeated.
    - Otherwise the failure is recorded as a FailedSessionAttempt and re-raised.
    """
    key = _claim_key(user, phone_number, agent_id, renewed_from)
    existing = _wait_for_claim(key)
    if existing is not None:
        return CreateOutcome(existing, "duplicate")
    try:
        session, how = _create_or_adopt(
            user, phone_number, agent_id, renewed_from, client or get_client()
        )
    except KapsoError as exc:
        if exc.maybe_sent:
            # Kapso may have made it: a repeat now (the double click still waiting) must
            # not make a second one. It gets this answer until the window passes.
            cache.set(key, (CLAIM_UNKNOWN, exc.message), DUPLICATE_WINDOW_SECONDS)
        else:
            cache.delete(key)
        raise
    except BaseException:
        cache.delete(key)  # whatever went wrong, the next try must not wait for this one
        raise
    cache.set(key, session.pk, DUPLICATE_WINDOW_SECONDS)
    return CreateOutcome(session, how)


def _create_or_adopt(user, phone_number, agent_id, renewed_from, client):
    started = timezone.now()
    try:
        data = client.create_session(phone_number=phone_number, agent_id=agent_id)
        how = "created"
    except KapsoError as exc:
        data = _find_lost_session(phone_number, agent_id, since=started) if exc.maybe_sent else None
        if data is None:
            _record_failure(user, phone_number, agent_id, exc)
            raise
        how = "adopted"
    session, _ = sandbox_session_upsert(
        data, created_by=user, requested_agent_id=agent_id, renewed_from=renewed_from
    )
    if session.created_by_id != user.pk:
        # Another teammate adopted the same session a moment earlier: it is theirs.
        error = KapsoError(
            "Kapso's answer was lost, and the only matching session belongs to someone "
            "else. Try again."
        )
        _record_failure(user, phone_number, agent_id, error)
        raise error
    return session, how


def _wait_for_claim(key: str) -> SandboxSession | None:
    """Claim `key` for this request (None), or return the session an earlier one made."""
    deadline = time.monotonic() + settings.KAPSO_TIMEOUT + LOOKUP_TIMEOUT_SECONDS + 1
    while True:
        if cache.add(key, CLAIM_PENDING, int(settings.KAPSO_TIMEOUT + LOOKUP_TIMEOUT_SECONDS + 5)):
            return None
        value = cache.get(key)
        if isinstance(value, tuple | list) and value and value[0] == CLAIM_UNKNOWN:
            raise SessionOutcomeUnknown(
                f"{value[1]} Wait {DUPLICATE_WINDOW_SECONDS} s before asking again, so a "
                "second session is not made by mistake."
            )
        if isinstance(value, int):
            session = SandboxSession.objects.filter(pk=value).first()
            if session is not None:
                return session
            cache.delete(key)
        elif time.monotonic() > deadline:
            raise SessionCreateInProgress(
                "The same session is still being created in another tab or request; "
                "look in the history in a moment."
            )
        else:
            time.sleep(0.1)


def _find_lost_session(
    phone_number: str, agent_id: str, *, since
) -> kapso_types.SandboxSession | None:
    """The session Kapso made for a create whose answer we never got, if it made one."""
    try:
        page = get_client(timeout=LOOKUP_TIMEOUT_SECONDS).list_sessions(page=1, per_page=20)
    except KapsoError:
        return None
    # Sessions someone owns are not ours to adopt; one a sync stored without a creator
    # (it got there first) is.
    owned = set(
        SandboxSession.objects.filter(
            kapso_id__in=[i.id for i in page.items], created_by__isnull=False
        ).values_list("kapso_id", flat=True)
    )
    # Clocks differ; a minute of slack on "created since we asked" is plenty.
    earliest = since - timedelta(seconds=60)
    candidates = [
        item
        for item in page.items  # newest first
        if item.phone_number == phone_number
        and (item.created_at is None or item.created_at >= earliest)
        and item.id not in owned
    ]
    return pick_lost_session(candidates, agent_id, lambda item: item.agent.id)


def pick_lost_session(candidates: list, agent_id: str, agent_of):
    """The candidate for agent_id, or the only candidate at all: Kapso may name the agent
    by another id form than the one we sent (its own example does)."""
    same_agent = [c for c in candidates if agent_of(c) == agent_id]
    if same_agent:
        return same_agent[0]
    return candidates[0] if len(candidates) == 1 else None


def _record_failure(user, phone_number: str, agent_id: str, exc: KapsoError) -> None:
    message = exc.message
    if exc.maybe_sent:
        message += (
            " Kapso may still have made the session: if so it will appear in the history "
            "after the next sync."
        )
        exc.message = message
    FailedSessionAttempt.objects.create(
        created_by=user,
        phone_number=phone_number,
        agent_id=agent_id,
        error_kind=exc.kind,
        error_message=message,
        http_status=exc.status,
        outcome_unknown=exc.maybe_sent,
    )


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
        client=client,
    )


def sandbox_session_refresh(
    session: SandboxSession, *, client: KapsoClient | None = None
) -> SandboxSession:
    """Ask Kapso for the session now and store its answer; a failure is kept on the session."""
    try:
        data = (client or get_client()).get_session(session.kapso_id)
    except KapsoError as exc:
        SandboxSession.objects.filter(pk=session.pk).update(last_sync_error=exc.message)
        session.last_sync_error = exc.message
        raise
    refreshed, _ = sandbox_session_upsert(data)
    return refreshed


def sandbox_session_refresh_throttled(
    session: SandboxSession, *, client: KapsoClient | None = None
) -> tuple[SandboxSession, str | None]:
    """What a polling page calls: Kapso is asked at most once per KAPSO_REFRESH_SECONDS
    per session, whatever the number of tabs, users and server processes watching.

    The claim is a cache.add, which only one caller wins while the key lives (atomic in
    Redis and in the local-memory cache alike). Returns the session and, if asking Kapso
    failed, why.
    """
    if session.is_final:
        return session, None
    claimed = cache.add(
        REFRESH_CLAIM_KEY.format(pk=session.pk), True, settings.KAPSO_REFRESH_SECONDS
    )
    if not claimed:
        return session, session.last_sync_error or None
    try:
        return sandbox_session_refresh(session, client=client), None
    except KapsoError as exc:
        return session, exc.message
