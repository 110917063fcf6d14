"""`manage.py resume_batches`: the periodic resume job, for cron (the worker runs it too).

Reconciles creates a dead process left unanswered (their sessions adopted from Kapso),
then queues again the batches whose job died; a running `team_worker` does the work.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from sandbox.team import jobs


class Command(BaseCommand):
    help = "Resume onboarding batches whose job died, after reconciling unanswered creates."

    def handle(self, *args, **options):
        count = jobs.resume()
        self.stdout.write(f"Batches queued again: {count}.")
