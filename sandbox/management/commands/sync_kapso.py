"""python manage.py sync_kapso: import every agent and sandbox session from Kapso."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from sandbox.errors import KapsoError
from sandbox.sync import SyncReport, sync_kapso

BAR_WIDTH = 30


class Command(BaseCommand):
    help = (
        "Import and refresh all agents and every sandbox session from Kapso, upserting by "
        "Kapso id. Safe to re-run: unchanged sessions are not written."
    )

    def handle(self, *args, **options):
        interactive = sys.stderr.isatty()

        def progress(page: int, pages: int, report: SyncReport) -> None:
            pages = max(pages, 1)
            done = int(BAR_WIDTH * min(page, pages) / pages)
            line = (
                f"[{'#' * done}{'.' * (BAR_WIDTH - done)}] page {page}/{pages}, "
                f"{report.seen} sessions"
            )
            if interactive:
                self.stderr.write("\r" + line, ending="")
            elif page == pages or page % 10 == 0:
                self.stderr.write(line)

        def waiting(seconds: int) -> None:
            self.stderr.write(f"\nKapso is rate-limiting this key; waiting {seconds} s as it asks.")

        try:
            report = sync_kapso(progress=progress, on_wait=waiting)
        except KapsoError as exc:
            raise CommandError(
                f"Sync stopped: {exc.message} What was imported so far is kept; run the "
                "command again to carry on."
            ) from None
        if interactive:
            self.stderr.write("")
        for failure in report.failures[:20]:
            self.stderr.write(f"  skipped: {failure}")
        self.stdout.write(
            f"Sessions: {report.created} created, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.failed} failed"
            + (f" ({report.rate_limit_waits} rate-limit waits)" if report.rate_limit_waits else "")
        )
