"""Data kept by the dashboard: Kapso's agents and sandbox sessions, and failed attempts."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import timezone

from sandbox.session_queryset import SessionQuerySet


@functools.lru_cache(maxsize=4096)
def _session_url(prefix: str, urlconf: str | None, pk: int) -> str:
    """A session page's URL, remembered: the history shows 25 a page, and `reverse` costs
    as much as the rest of a row. Keyed by everything `reverse` reads besides the pk."""
    return reverse("sandbox:detail", args=[pk], urlconf=urlconf)


def status_label(status: str) -> str:
    """A status as people read it: `pending_activation` → `Pending activation`."""
    return status.replace("_", " ").strip().capitalize()


# What Kapso says about a session, as model field -> attribute of Kapso's session
# (sandbox.kapso.types.SandboxSession): refreshed from every answer, never edited here.
_COPIED_FROM_KAPSO = {
    "phone_number": "phone_number",
    "status": "status",
    "activation_code": "activation_code",
    "activation_message": "activation_message",
    "activation_link": "activation_link",
    "activated_at": "activated_at",
    "expires_at": "expires_at",
    "kapso_created_at": "created_at",
    "kapso_updated_at": "updated_at",
}
KAPSO_SESSION_FIELDS = ("agent", *_COPIED_FROM_KAPSO, "raw_payload")


def kapso_session_fields(data: Any, agent: Agent, *, activated_before=None) -> dict[str, Any]:
    """The one map from Kapso's session to our fields (create, refresh, sync, the admin).

    `activated_before` is the activation time we stored earlier: when Kapso gives none, it
    stands, and the first answer saying "active" sets it to now. So the activity page can
    measure every activation, whichever path (live poll, refresh, sync, API wait) learned of it.
    """
    fields: dict[str, Any] = {"agent": agent}
    fields.update({name: getattr(data, attr) for name, attr in _COPIED_FROM_KAPSO.items()})
    if needs_activation_time(data):
        fallback = timezone.now() if data.status == SandboxSession.ACTIVE else None
        fields["activated_at"] = activated_before or fallback
    fields["raw_payload"] = data.raw
    return fields


def needs_activation_time(data: Any) -> bool:
    """Kapso gives no activation time for a session past pending (active, or expired after
    being active): the caller must pass what it knew, or the time would be lost."""
    return data.activated_at is None and data.status != SandboxSession.PENDING


class Origin(models.TextChoices):
    """Which door a session or an attempt came in by."""

    FORM = "form", "create form"
    RENEW = "renew", "renew"
    BULK = "bulk", "bulk onboarding"
    API = "api", "API"
    SYNC = "sync", "sync from Kapso"
    JOIN = "join", "group join link"


def _origin_field() -> models.CharField:
    return models.CharField(max_length=8, choices=Origin.choices, default=Origin.SYNC)


def _user_field(*, related_name: str, help_text: str = "") -> models.ForeignKey:
    """A teammate who may be deleted later: the row stays, naming no one."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name=related_name,
        help_text=help_text,
    )


def _charged_to_field() -> models.ForeignKey:
    # Whose share of the Kapso budget paid for the call; empty for background work.
    return _user_field(related_name="+")


class Agent(models.Model):
    """A Kapso agent, cached so the form and the history work without asking Kapso."""

    kapso_id = models.CharField("Kapso id", max_length=255, unique=True)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    project_id = models.CharField("Kapso project id", max_length=255, blank=True)
    kapso_created_at = models.DateTimeField(null=True, blank=True)
    kapso_updated_at = models.DateTimeField(null=True, blank=True)
    # False once Kapso's agent list stops naming it; old sessions still point at it.
    listed = models.BooleanField(default=True)
    synced_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "kapso_id"]

    def __str__(self) -> str:
        return self.name or self.kapso_id


class SandboxSession(models.Model):
    """One Kapso WhatsApp sandbox session, as Kapso last described it."""

    PENDING = "pending_activation"
    ACTIVE = "active"
    EXPIRED = "expired"

    kapso_id = models.CharField("Kapso id", max_length=255, unique=True)
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="sessions")
    # The agent id the teammate asked for; Kapso may answer with a different id form.
    requested_agent_id = models.CharField(max_length=255, blank=True)
    phone_number = models.CharField(max_length=32, help_text="E.164, e.g. +14155552671")
    # Kapso documents only pending_activation; any other value is kept as sent.
    status = models.CharField(max_length=64)
    activation_code = models.CharField(max_length=64)
    activation_message = models.TextField()
    activation_link = models.CharField(max_length=2048)
    activated_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    kapso_created_at = models.DateTimeField(null=True, blank=True)
    kapso_updated_at = models.DateTimeField(null=True, blank=True)
    raw_payload = models.JSONField(help_text="The session exactly as Kapso last sent it.")
    created_by = _user_field(
        related_name="sandbox_sessions",
        help_text="Empty for sessions created outside the dashboard.",
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    # When Kapso last told us about it, and why the last attempt to ask failed, if it did.
    last_synced_at = models.DateTimeField(null=True, blank=True)
    last_sync_error = models.TextField(blank=True)
    renewed_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="renewals"
    )
    # The share link is signed over this nonce: a new nonce or an empty one revokes it.
    share_nonce = models.CharField(max_length=64, blank=True, db_index=True)
    origin = _origin_field()
    charged_to = _charged_to_field()
    # Set when erasure or retention blanked its personal data: sync and refresh never
    # store Kapso's copy over it again (sandbox/erased.py).
    erased_at = models.DateTimeField(null=True, blank=True)
    # One more on every UPDATE of the row, by a database trigger (migration 0012), so it
    # moves whatever wrote the row: a kept page is keyed by it (sandbox/session_page.py).
    version = models.PositiveBigIntegerField(default=0, editable=False)

    objects = SessionQuerySet.as_manager()  # bulk writes say so (sandbox/session_queryset.py)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="session_creator_recent"),
            models.Index(fields=["status", "-created_at"], name="session_status_recent"),
            models.Index(fields=["agent", "-created_at"], name="session_agent_recent"),
            models.Index(fields=["phone_number"], name="session_phone"),
            # The history's next lapse (sandbox/history.py): the first expiry still ahead.
            models.Index(fields=["expires_at"], name="session_expiry"),
        ]

    def __str__(self) -> str:
        return f"{self.phone_number} · {self.agent} · {self.status}"

    def get_absolute_url(self) -> str:
        return _session_url(get_script_prefix(), get_urlconf(), self.pk)

    @property
    def is_final(self) -> bool:
        """Nothing more will happen to it: the page can stop watching."""
        return self.display_status in (self.ACTIVE, self.EXPIRED)

    def is_expired(self, now=None) -> bool:
        """Expired by Kapso's word, or because expires_at has passed since it last spoke."""
        if self.status == self.EXPIRED:
            return True
        now = now or timezone.now()
        return self.expires_at is not None and self.expires_at <= now

    @property
    def display_status(self) -> str:
        return self.EXPIRED if self.is_expired() else self.status

    @property
    def status_label(self) -> str:
        return status_label(self.display_status)


class FailedSessionAttempt(models.Model):
    """A create that Kapso refused or never answered: what the teammate typed is kept."""

    created_by = _user_field(related_name="failed_sandbox_attempts")
    phone_number = models.CharField(max_length=64)
    agent_id = models.CharField(max_length=255)
    error_kind = models.CharField(max_length=32)
    error_message = models.TextField()
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    # The request may have reached Kapso (its answer was lost): a later sync that finds
    # the session gives it to this teammate and links it here.
    outcome_unknown = models.BooleanField(default=False)
    session = models.ForeignKey(
        SandboxSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    origin = _origin_field()
    charged_to = _charged_to_field()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.phone_number} · {self.agent_id} · {self.error_kind}"


class IdempotencyRecord(models.Model):
    """A request that must be carried out at most once per key: a create from the form
    (a double click, a second tab) or, with its `Idempotency-Key`, from the API.

    The unique constraint is the whole guard: the first request inserts the row and does
    the work; a repeat finds the row and gets its result. See sandbox/idempotency.py.
    """

    PENDING = "pending"
    DONE = "done"
    UNKNOWN = "outcome_unknown"
    STATES = [(PENDING, "in progress"), (DONE, "done"), (UNKNOWN, "outcome unknown")]

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # Where the key comes from ("form", "api"): keys of one door never answer the other.
    scope = models.CharField(max_length=16)
    key = models.CharField(max_length=255)
    # What was asked, hashed: the same key with another request is refused, not answered.
    fingerprint = models.CharField(max_length=64)
    state = models.CharField(max_length=16, choices=STATES, default=PENDING)
    session = models.ForeignKey(
        SandboxSession, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The HTTP status of the first answer (201 made, 200 reused), for the API's replay.
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error_message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # A pending row expires when its request can no longer be running; a finished one
    # when repeats stop being answered from it.
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "scope", "key"], name="one_request_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key[:12]} · {self.state}"


class PairClaim(models.Model):
    """A create in progress for one phone and agent, whoever asked (see pair_claims.py).

    The unique pair lets one request at a time ask Kapso for it, so two people (or a batch
    and a person) asking at once make one session. A row whose holder died is the trace
    of a create with an unknown outcome: the next holder looks for its session in Kapso
    before asking again.
    """

    phone_number = models.CharField(max_length=32)
    agent_id = models.CharField(max_length=255)
    # "host:pid:thread" of the holder: a dead process on this host releases it at once.
    holder = models.CharField(max_length=200)
    user = _user_field(related_name="+")
    origin = _origin_field()
    claimed_at = models.DateTimeField(default=timezone.now)
    # Past this the holder cannot still be waiting for Kapso (the call's and look-up's budgets).
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["phone_number", "agent_id"], name="one_create_per_pair")
        ]

    def __str__(self) -> str:
        return f"create of {self.agent_id} held by {self.holder}"


class KapsoUsageHour(models.Model):
    """How the team used its Kapso budget in one hour: counted in the cache as calls happen
    (`sandbox/usage.py`) and copied here by a periodic job, so no call writes a row."""

    hour = models.DateTimeField(unique=True, help_text="The hour's start (UTC).")
    calls = models.PositiveIntegerField(default=0, help_text="Calls that went to Kapso.")
    refusals = models.PositiveIntegerField(
        default=0, help_text="Calls the budget refused before they were made."
    )
    waits = models.PositiveIntegerField(
        default=0, help_text="Times a call waited before repeating (Kapso busy or limiting)."
    )

    class Meta:
        ordering = ["-hour"]

    def __str__(self) -> str:
        return f"{self.hour:%Y-%m-%d %H:00} · {self.calls} calls"


class ErasedPhone(models.Model):
    """A phone number erased here, as a keyed hash (sandbox/privacy/keys.py), never the
    number: a sync skips Kapso's sessions of it made before `erased_at`, so erased stays
    erased, while a session made for the same number later is imported as anyone's."""

    digest = models.CharField(max_length=64, unique=True)
    erased_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"erased phone {self.digest[:12]}… ({self.erased_at:%Y-%m-%d})"
