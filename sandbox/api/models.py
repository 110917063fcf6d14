"""API tokens, and which token made a session."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

NAME_MAX_LENGTH = 80


class ApiToken(models.Model):
    """A teammate's key to the API. Only a hash of the secret is kept (sandbox/api/tokens.py):
    the secret is shown once, when the token is made, and never stored."""

    WRITE = "write"
    READ = "read"
    ACCESS_CHOICES = [(WRITE, "read and create sessions"), (READ, "read only")]

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=NAME_MAX_LENGTH)
    # SHA-256 of the secret, hex: the secret is 32 random bytes, so a fast hash is enough
    # (nothing to brute-force) and lets a request find its token through the unique index.
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # The secret's first characters, so people can tell their tokens apart in lists.
    hint = models.CharField(max_length=16, editable=False)
    access = models.CharField(max_length=8, choices=ACCESS_CHOICES, default=WRITE)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: never.")
    last_used_at = models.DateTimeField(null=True, blank=True)
    # Revoked tokens are kept, not deleted: sessions they made still name them.
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"
        constraints = [
            # A name says which script uses the token, so one person's live names are unique.
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=Q(revoked_at__isnull=True),
                name="one_unrevoked_token_name_per_user",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def state(self) -> str:
        """ "active", "expired" or "revoked", as the settings page and the admin show it."""
        if self.is_revoked:
            return "revoked"
        return "expired" if self.is_expired() else "active"

    @property
    def can_create(self) -> bool:
        return self.access == self.WRITE


class ApiSessionOrigin(models.Model):
    """The API token that made (or renewed into) a session: the history and the admin say
    "made by API, token <name>". The name is copied so it outlives the token."""

    session = models.OneToOneField(
        "sandbox.SandboxSession", on_delete=models.CASCADE, related_name="api_origin"
    )
    token = models.ForeignKey(
        ApiToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    token_name = models.CharField(max_length=NAME_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "session made by API"

    def __str__(self) -> str:
        return f"session {self.session_id} by API token {self.token_name}"
