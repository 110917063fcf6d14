"""Invitations: an e-mail address asked to join with a role, through a single-use link.

Only the SHA-256 of the link's secret is stored, so a copy of the database opens nothing.
A row is pending until it is accepted, revoked or past `expires_at`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Invitation(models.Model):
    TEAMMATE, MANAGER, STAFF = "teammate", "manager", "staff"
    ROLE_CHOICES = [
        (TEAMMATE, "Teammate"),
        (MANAGER, "Team manager"),
        (STAFF, "Staff"),
    ]

    email = models.EmailField()
    role = models.CharField(max_length=16, choices=ROLE_CHOICES, default=TEAMMATE)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="accepted_invitations",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["email"])]

    def __str__(self) -> str:
        return f"Invitation for {self.email} ({self.role})"

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"
