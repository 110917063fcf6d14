"""python manage.py refresh_sessions: refresh the sessions that may still change (for cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from sandbox.sync import refresh_watched_sessions


class Command(BaseCommand):
    help = "Ask Kapso for every pending (or active, unexpired) session and store its answer."

    def handle(self, *args, **options):
        report = refresh_watched_sessions(
            on_wait=lambda s: self.stderr.write(f"Rate-limited by Kapso; waiting {s} s.")
        )
        for failure in report.failures[:20]:
            self.stderr.write(f"  failed: {failure}")
        self.stdout.write(f"Sessions: {report.refreshed} refreshed, {report.failed} failed")
