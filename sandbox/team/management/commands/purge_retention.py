"""`manage.py purge_retention`: the nightly retention run, for cron (the worker runs it too)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from sandbox.team import erasure


class Command(BaseCommand):
    help = (
        "Let every declared personal-data store drop what outlived its window: sessions that "
        "ended more than SANDBOX_RETENTION_DAYS ago are blanked (0: kept), expired "
        "idempotency records, logins and old failed attempts are deleted."
    )

    def handle(self, *args, **options):
        log = erasure.purge_retention()
        if settings.SANDBOX_RETENTION_DAYS <= 0:
            self.stdout.write("SANDBOX_RETENTION_DAYS is 0: sessions are kept.")
        self.stdout.write(f"Blanked {log.sessions} sessions; retention: {log.detail}")
