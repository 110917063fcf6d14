"""`manage.py purge_retention`: the nightly retention purge, for cron (the worker runs it too)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from sandbox.team import erasure


class Command(BaseCommand):
    help = "Delete sessions and failed attempts older than SANDBOX_RETENTION_DAYS (0: keep all)."

    def handle(self, *args, **options):
        days = settings.SANDBOX_RETENTION_DAYS
        if days <= 0:
            self.stdout.write("SANDBOX_RETENTION_DAYS is 0: nothing is purged.")
            return
        log = erasure.purge_older_than(days=days)
        self.stdout.write(f"Purged {log.sessions} sessions and {log.attempts} failed attempts.")
