"""`manage.py send_reminders`: the periodic reminder job, for cron (the worker runs it too)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from sandbox.team import reminders


class Command(BaseCommand):
    help = "Send the reminders (and automatic renewals) that are due now; each goes out once."

    def handle(self, *args, **options):
        report = reminders.send_due_reminders()
        self.stdout.write(
            f"Reminders: {report.mailed} mailed, {report.auto_renewed} renewed automatically, "
            f"{report.skipped} skipped, {report.failed} failed."
        )
