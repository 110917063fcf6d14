"""`manage.py team_worker`: a Huey consumer for the team's jobs and their schedule.

`make run` starts one beside the dashboard. In production run one or more per machine
with TEAM_QUEUE_URL=redis://... (periodic jobs take a lock, so any number is safe).
"""

from __future__ import annotations

import logging

from django.core.management.base import BaseCommand
from huey import RedisHuey
from huey.consumer import Consumer


class Command(BaseCommand):
    help = "Run the team job worker (bulk onboarding, reminders, refresh, sync, retention)."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=2, help="worker threads (default 2)")
        parser.add_argument(
            "--no-periodic", action="store_true", help="do not schedule the periodic jobs here"
        )

    def handle(self, *args, workers: int, no_periodic: bool, **options):
        from sandbox.team import jobs  # registers the tasks and the schedule
        from sandbox.team.queue import huey

        # Start and stop are worth a line; each periodic job's every run is not.
        logging.getLogger("huey").setLevel(logging.WARNING)
        logging.getLogger("huey.consumer").setLevel(logging.INFO)
        self.stdout.write(f"Team worker: {workers} threads, queue {type(huey).__name__}.")
        jobs.beat()
        consumer = Consumer(
            huey,
            workers=workers,
            periodic=not no_periodic,
            worker_type="thread",
            # An idle worker looks at the queue at least every 2 s (Huey's default is 10).
            max_delay=2.0,
            # SQLite's locks never expire: one machine, so a lock left at start is stale.
            flush_locks=not isinstance(huey, RedisHuey),
        )
        consumer.run()
