"""The team's data: testers, onboarding batches (one row per pair, so nothing is lost when a
job dies), reminders (one row per session, so none is sent twice), and what was erased."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

from sandbox.models import SandboxSession


class Tester(models.Model):
    """A person and the phone the team tests with. The phone is personal data (erasure.py)."""

    __test__ = False  # pytest: a model named Test*, not a test class

    name = models.CharField(max_length=200)
    phone_number = models.CharField(max_length=32, unique=True, help_text="E.164")
    email = models.EmailField(blank=True)
    # Optional: the tester's own dashboard account. A plain account sees only its testers.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="testers",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        permissions = [
            ("manage_team", "Can see the team matrix and sheets and onboard testers in bulk")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.phone_number})"


class AutoRenew(models.Model):
    """Renew this tester's session with this agent before it expires, without a click."""

    tester = models.ForeignKey(Tester, on_delete=models.CASCADE, related_name="auto_renewals")
    agent_id = models.CharField(max_length=255)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tester", "agent_id"], name="one_auto_renew_per_pair")
        ]

    def __str__(self) -> str:
        return f"auto-renew {self.tester_id} with {self.agent_id}"


class OnboardingBatch(models.Model):
    """One bulk job: onboard testers to agents, or renew what expires soon."""

    ONBOARD = "onboard"
    RENEW = "renew"
    KINDS = [(ONBOARD, "onboarding"), (RENEW, "renew expiring")]

    kind = models.CharField(max_length=16, choices=KINDS, default=ONBOARD)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # What the job last did, for the progress page and staff: never needed to resume.
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    last_progress_at = models.DateTimeField(null=True, blank=True)
    # The shared Kapso budget said "not now": the job sleeps until then.
    waiting_until = models.DateTimeField(null=True, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "onboarding batches"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class PairState(models.TextChoices):
    PENDING = "pending", "waiting"
    WORKING = "working", "asking Kapso"
    CREATED = "created", "created"
    REUSED = "reused", "already live"
    FAILED = "failed", "failed"


DONE_STATES = (PairState.CREATED, PairState.REUSED)


class OnboardingPair(models.Model):
    """One tester and one agent in a batch: the unit of work, resumed from its state."""

    batch = models.ForeignKey(OnboardingBatch, on_delete=models.CASCADE, related_name="pairs")
    # Null once the tester is erased: the row stays so the batch's counts stay true.
    tester = models.ForeignKey(Tester, on_delete=models.SET_NULL, null=True, related_name="+")
    agent_id = models.CharField(max_length=255)
    state = models.CharField(max_length=16, choices=PairState.choices, default=PairState.PENDING)
    session = models.ForeignKey(
        SandboxSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # For a renew batch: the session it replaces.
    renews = models.ForeignKey(
        SandboxSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # When a worker claimed it (state WORKING): a claim older than a call can last is stale.
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Which process claimed it ("host:pid:thread"): a dead one's claim is released at once.
    claimed_by = models.CharField(max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "tester", "agent_id"], name="one_pair_per_batch"
            )
        ]
        indexes = [models.Index(fields=["batch", "state"], name="pair_batch_state")]

    def __str__(self) -> str:
        return f"pair {self.pk} of batch {self.batch_id}: {self.state}"


class Reminder(models.Model):
    """The one reminder (or automatic renewal) for a session: the unique session is the
    guard that makes it happen once, however many workers look at once."""

    MAIL = "mail"
    AUTO = "auto"

    session = models.OneToOneField(
        SandboxSession, on_delete=models.CASCADE, related_name="team_reminder"
    )
    kind = models.CharField(max_length=8, choices=[(MAIL, "reminder"), (AUTO, "auto-renew")])
    recipient = models.EmailField(blank=True)
    sent_at = models.DateTimeField(default=timezone.now)
    # Set once the mail is out. A claim left without it (a worker died, or the mail of an
    # auto-renewal failed) is taken up again by the next run: see reminders.py.
    delivered_at = models.DateTimeField(null=True, blank=True)
    # The renew link works once: the first confirm sets this (a conditional UPDATE).
    used_at = models.DateTimeField(null=True, blank=True)
    renewed_to = models.ForeignKey(
        SandboxSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Signed into the link, so a database copy alone cannot renew.
    nonce = models.CharField(max_length=32)

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for session {self.session_id}"


class ErasedKapsoSession(models.Model):
    """A Kapso session whose personal data was erased here: sync never stores it again."""

    kapso_id = models.CharField(max_length=255, unique=True)
    erased_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.kapso_id


class ErasureLog(models.Model):
    """What was erased or purged, when and by whom; for the admin. No personal data."""

    TESTER = "tester"
    PHONE = "phone"
    ACCOUNT = "account"
    RETENTION = "retention"
    EXPORT = "export"
    KINDS = [
        (TESTER, "tester erased"),
        (PHONE, "phone number erased"),
        (ACCOUNT, "account erased"),
        (RETENTION, "retention purge"),
        (EXPORT, "data downloaded"),
    ]

    kind = models.CharField(max_length=16, choices=KINDS)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sessions = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} at {self.at:%Y-%m-%d %H:%M}"


class WorkerHeartbeat(models.Model):
    """Written by each running worker: the pages say "waiting for a worker" without one."""

    name = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


def new_join_secret() -> str:
    """The join link's secret part: rotating it kills the old URL at once."""
    return secrets.token_urlsafe(18)


class TesterGroup(models.Model):
    """Testers who try the same agents ("Client pilot"), and the group's join link: people
    who open it add themselves, within the cap, the end date and the calling codes set here."""

    __test__ = False  # pytest: a model named Test*, not a test class

    name = models.CharField(max_length=120)
    agent_ids = models.JSONField(default=list, help_text="Kapso agent ids the group may try")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    join_enabled = models.BooleanField(default=False)
    join_secret = models.CharField(max_length=32, unique=True, default=new_join_secret)
    join_cap = models.PositiveIntegerField(default=50)
    join_ends_at = models.DateTimeField(null=True, blank=True)
    # "44 1 49": calling codes a joiner's phone may have; empty: any.
    join_calling_codes = models.CharField(max_length=100, blank=True)
    # Places taken through the link: a conditional UPDATE keeps it <= join_cap under a crowd.
    joined_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class GroupMember(models.Model):
    """A tester in a group: added by staff, or joined through the link (with the session
    the join showed them, for the group page's "activated or not")."""

    group = models.ForeignKey(TesterGroup, on_delete=models.CASCADE, related_name="members")
    tester = models.ForeignKey(Tester, on_delete=models.CASCADE, related_name="memberships")
    added_at = models.DateTimeField(default=timezone.now)
    joined = models.BooleanField(default=False, help_text="came in through the join link")
    session = models.ForeignKey(
        SandboxSession, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-added_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["group", "tester"], name="one_membership_per_group")
        ]

    def __str__(self) -> str:
        return f"tester {self.tester_id} in group {self.group_id}"
