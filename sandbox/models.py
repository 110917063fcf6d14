"""Data kept by the dashboard: Kapso's agents and sandbox sessions, and failed attempts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


def status_label(status: str) -> str:
    """A status as people read it: `pending_activation` → `Pending activation`."""
    return status.replace("_", " ").strip().capitalize()


# What Kapso says about a session: refreshed from every answer, never edited here.
KAPSO_SESSION_FIELDS = (
    "agent",
    "phone_number",
    "status",
    "activation_code",
    "activation_message",
    "activation_link",
    "activated_at",
    "expires_at",
    "kapso_created_at",
    "kapso_updated_at",
    "raw_payload",
)


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
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
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
    share_nonce = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="session_creator_recent"),
            models.Index(fields=["status", "-created_at"], name="session_status_recent"),
            models.Index(fields=["agent", "-created_at"], name="session_agent_recent"),
            models.Index(fields=["phone_number"], name="session_phone"),
        ]

    def __str__(self) -> str:
        return f"{self.phone_number} · {self.agent} · {self.status}"

    def get_absolute_url(self) -> str:
        return reverse("sandbox:detail", args=[self.pk])

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

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="failed_sandbox_attempts",
    )
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

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.phone_number} · {self.agent_id} · {self.error_kind}"
