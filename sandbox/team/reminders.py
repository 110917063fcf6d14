"""Reminders before a session expires, their one-time renew links, and auto-renew.

Each session gets at most one Reminder row (unique on the session): a job inserts it
before sending, so two workers looking at once send one mail; if the mail server refuses,
the row is removed and the next run tries again. The renew link is signed (SECRET_KEY)
over the row and a nonce, works once (a conditional UPDATE on `used_at`) and dies with
the session. A renewal is a person's create: it belongs to, and is charged to, whoever
owned the old session.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from sandbox import live, timewords
from sandbox.errors import USER_FACING_ERRORS, CreateOutcomeUnknown, ServiceError
from sandbox.kapso import KapsoError
from sandbox.kapso.errors import KapsoRateLimitedError
from sandbox.models import SandboxSession
from sandbox.qr import qr_png
from sandbox.sessions import sandbox_session_renew
from sandbox.team import onboarding
from sandbox.team.models import AutoRenew, Reminder, Tester

logger = logging.getLogger(__name__)
SALT = "sandbox.team.reminder"


class LinkDead(ServiceError):
    kind = "link_dead"


def due_sessions(now=None):
    """Sessions expiring within SANDBOX_REMINDER_BEFORE that have had no reminder yet."""
    now = now or timezone.now()
    before = timedelta(seconds=settings.SANDBOX_REMINDER_BEFORE)
    return (
        SandboxSession.objects.filter(
            status__in=[SandboxSession.PENDING, SandboxSession.ACTIVE],
            expires_at__gt=now,
            expires_at__lte=now + before,
            created_by__isnull=False,
            team_reminder__isnull=True,
        )
        .exclude(phone_number="")
        .select_related("agent", "created_by")
        .order_by("expires_at")
    )


@dataclass
class SendReport:
    mailed: int = 0
    auto_renewed: int = 0
    skipped: int = 0
    failed: int = 0


# A claim this old without a delivery was left by a worker that died (a send takes seconds).
STALE_CLAIM = timedelta(minutes=10)


def send_due_reminders(now=None) -> SendReport:
    report = SendReport()
    _take_up_stale_claims(report)
    sessions = list(due_sessions(now))
    testers = {
        t.phone_number: t
        for t in Tester.objects.filter(phone_number__in={s.phone_number for s in sessions})
    }
    for session in sessions:
        tester = testers.get(session.phone_number)
        agent_id = session.requested_agent_id or session.agent.kapso_id
        if _renewed_already(session, agent_id):
            report.skipped += 1
            continue
        recipient = (tester.email if tester else "") or session.created_by.email
        auto = tester is not None and (
            AutoRenew.objects.filter(tester=tester, agent_id=agent_id).exists()
        )
        if not recipient and not auto:
            report.skipped += 1  # nobody to tell: looked at again next run
            continue
        reminder = _claim(session, Reminder.AUTO if auto else Reminder.MAIL, recipient)
        if reminder is None:
            continue  # another worker has it
        try:
            if auto and _auto_renew(reminder):
                report.auto_renewed += 1
            else:
                _mail_reminder(reminder)
                _delivered(reminder)
                report.mailed += 1
        except KapsoRateLimitedError:
            reminder.delete()  # the budget said not now: next run
            report.failed += 1
        except Exception:
            # The mail server refused (or anything else): no mail went out, so the claim
            # goes and the next run tries again.
            logger.exception("reminder for session %s not sent", session.pk)
            reminder.delete()
            report.failed += 1
    return report


def _delivered(reminder: Reminder) -> None:
    Reminder.objects.filter(pk=reminder.pk).update(delivered_at=timezone.now())


def _take_up_stale_claims(report: SendReport) -> None:
    """Claims never delivered: a reminder whose worker died is claimed afresh (so it is sent
    at least once: a crash between the send and this mark could send it twice, which beats
    never); an auto-renewal whose mail failed has only its mail tried again."""
    stale = Reminder.objects.filter(
        delivered_at__isnull=True, sent_at__lt=timezone.now() - STALE_CLAIM
    ).select_related("renewed_to__agent")
    for reminder in stale:
        if reminder.renewed_to is None:
            reminder.delete()  # the session is due again and the loop below claims it
            continue
        try:
            mail_new_code(reminder.recipient, reminder.renewed_to, automatic=True)
        except Exception:  # the mail server refused again: the next run tries again
            logger.warning("new code for session %s still not mailed", reminder.renewed_to_id)
            report.failed += 1
        else:
            _delivered(reminder)
            report.mailed += 1


def _renewed_already(session: SandboxSession, agent_id: str) -> bool:
    newer = onboarding.newer_than(session)
    return (
        live.live_session(newer, phone_number=session.phone_number, agent_id=agent_id) is not None
    )


def _claim(session: SandboxSession, kind: str, recipient: str) -> Reminder | None:
    try:
        with transaction.atomic():
            return Reminder.objects.create(
                session=session, kind=kind, recipient=recipient, nonce=secrets.token_hex(16)
            )
    except IntegrityError:
        return None


def _auto_renew(reminder: Reminder) -> bool:
    """Renew now; mail the new code. False (and a reminder goes instead) if Kapso refused."""
    session = reminder.session
    try:
        outcome = sandbox_session_renew(session=session, user=session.created_by)
    except KapsoRateLimitedError:
        raise
    except USER_FACING_ERRORS as exc:
        logger.warning("auto-renew of session %s failed: %s", session.pk, exc.message)
        reminder.kind = Reminder.MAIL
        reminder.save(update_fields=["kind"])
        return False
    reminder.renewed_to = outcome.session
    reminder.used_at = timezone.now()
    reminder.save(update_fields=["renewed_to", "used_at"])
    if reminder.recipient:
        try:
            mail_new_code(reminder.recipient, outcome.session, automatic=True)
        except Exception:  # renewed all the same: the mail alone is tried again later
            logger.warning("auto-renewed session %s; its new code not mailed yet", session.pk)
            return True
    _delivered(reminder)
    return True


# --- the link -------------------------------------------------------------------------------
def renew_token(reminder: Reminder) -> str:
    return signing.dumps({"r": reminder.pk, "n": reminder.nonce}, salt=SALT, compress=True)


def renew_url(reminder: Reminder) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("team:renew", args=[renew_token(reminder)])


def reminder_for_token(token: str) -> Reminder:
    """The reminder the link names, or LinkDead saying why it no longer works."""
    try:
        data = signing.loads(token, salt=SALT)
        reminder = Reminder.objects.select_related("session__agent", "session__created_by").get(
            pk=data["r"], nonce=data["n"]
        )
    except (signing.BadSignature, KeyError, TypeError, Reminder.DoesNotExist):
        raise LinkDead("This renew link is not valid. Ask a teammate for a new one.") from None
    if reminder.used_at is not None:
        raise LinkDead(
            "This renew link was already used: the new code went out by e-mail then. "
            "Each link works once."
        )
    if reminder.session.is_expired():
        raise LinkDead(
            "This session has expired, and its renew link with it. Ask a teammate to make a "
            "new session from the dashboard."
        )
    if not reminder.session.phone_number or reminder.session.created_by is None:
        # Erased (no phone left to renew for), or its owner's account is gone.
        raise LinkDead(
            "This session can no longer be renewed from a link. Ask a teammate to make a new "
            "session from the dashboard."
        )
    return reminder


def renew_from_link(token: str) -> SandboxSession:
    """The confirm button: the link is used up first (so two presses renew once), then the
    session renewed for its owner; if Kapso fails the link works again."""
    reminder = reminder_for_token(token)
    won = Reminder.objects.filter(pk=reminder.pk, used_at__isnull=True).update(
        used_at=timezone.now()
    )
    if not won:
        raise LinkDead("This renew link was just used. Each link works once.")
    session = reminder.session
    try:
        outcome = sandbox_session_renew(session=session, user=session.created_by)
    except KapsoError as exc:
        if not exc.maybe_sent:  # nothing happened at Kapso: the link may be tried again
            Reminder.objects.filter(pk=reminder.pk).update(used_at=None)
        raise
    except CreateOutcomeUnknown:
        raise  # Kapso may have made it: the link stays used, so no second session is made
    except BaseException:
        Reminder.objects.filter(pk=reminder.pk).update(used_at=None)
        raise
    Reminder.objects.filter(pk=reminder.pk).update(renewed_to=outcome.session)
    if reminder.recipient:
        try:
            mail_new_code(reminder.recipient, outcome.session, automatic=False)
        except Exception:  # the renewal stands, and the page shows the new code anyway
            logger.warning("renewed session %s, but the new code could not be mailed", session.pk)
    return outcome.session


# --- mail -------------------------------------------------------------------------------------
def _mail_reminder(reminder: Reminder) -> None:
    session = reminder.session
    context = {
        "session": session,
        # "23 h 59 min", as the pages write it (sandbox/timewords.py).
        "left": timewords.duration(timewords.seconds_left(session.expires_at)),
        "when": timewords.when(session.expires_at),
        "renew_url": renew_url(reminder),
    }
    message = EmailMultiAlternatives(
        subject=f"Your WhatsApp sandbox access to {session.agent.name} ends in {context['left']}",
        body=render_to_string("team/mail/reminder.txt", context),
        to=[reminder.recipient],
    )
    message.send()


def mail_new_code(recipient: str, session: SandboxSession, *, automatic: bool) -> None:
    context = {"session": session, "automatic": automatic}
    message = EmailMultiAlternatives(
        subject=f"New WhatsApp sandbox code for {session.agent.name}: {session.activation_code}",
        body=render_to_string("team/mail/new_code.txt", context),
        to=[recipient],
    )
    message.attach(
        f"kapso-sandbox-{session.activation_code}.png", qr_png(session.activation_link), "image/png"
    )
    message.send()
