"""`manage.py flush_kapso_usage`: copy the Kapso quota history from the cache into its
hourly rows, for deployments that run cron instead of the team worker (which does it
every minute). Safe to run as often as you like: each run writes the same totals."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from sandbox.usage import FLUSH_HOURS, flush_usage


class Command(BaseCommand):
    help = "Copy the Kapso quota history counted in the cache into the database."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--hours", type=int, default=FLUSH_HOURS, help="how many hours back to copy"
        )

    def handle(self, *args, hours: int, **options) -> None:
        written = flush_usage(hours=hours)
        self.stdout.write(f"{written} hour(s) of Kapso quota use saved.")
