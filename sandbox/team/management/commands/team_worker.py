"""`manage.py team_worker`: a Huey consumer for the team's jobs and their schedule.

`make run` starts one beside the dashboard, supervised (`--supervised`: started again if
it dies). In production run one or more per machine with TEAM_QUEUE_URL=redis://...
(periodic jobs take a lock, so any number is safe), under systemd or `--supervised`.
"""

from __future__ import annotations

import logging
import sys
import threading

from django.core.management.base import BaseCommand
from huey import RedisHuey
from huey.consumer import Consumer

# Below the supervisor's grace (sandbox/team/supervisor.py), which kills what is left.
SHUTDOWN_TIMEOUT_SECONDS = 8.0


class Command(BaseCommand):
    help = "Run the team job worker (bulk onboarding, reminders, refresh, sync, retention)."

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=2, help="worker threads (default 2)")
        parser.add_argument(
            "--no-periodic", action="store_true", help="do not schedule the periodic jobs here"
        )
        parser.add_argument(
            "--supervised",
            action="store_true",
            help="run the worker as a child process and start it again whenever it dies",
        )

    def handle(self, *args, workers: int, no_periodic: bool, supervised: bool, **options):
        if supervised:
            from sandbox.team.supervisor import supervise

            argv = [sys.executable, sys.argv[0], "team_worker", "--workers", str(workers)]
            if no_periodic:
                argv.append("--no-periodic")
            supervise(argv, say=lambda line: self.stdout.write(line))
            return
        self._run(workers=workers, no_periodic=no_periodic)

    def _run(self, *, workers: int, no_periodic: bool) -> None:
        from sandbox.team import jobs  # registers the tasks and the schedule
        from sandbox.team.queue import huey
        from sandbox.team.workers import start_heartbeat

        # Start and stop are worth a line; each periodic job's every run is not.
        logging.getLogger("huey").setLevel(logging.WARNING)
        logging.getLogger("huey.consumer").setLevel(logging.INFO)
        self.stdout.write(f"Team worker: {workers} threads, queue {type(huey).__name__}.")
        stop = threading.Event()
        start_heartbeat(stop)
        # What a killed predecessor left: its batches carry on, its unanswered creates are
        # reconciled with Kapso before anything is asked again.
        jobs.resume()
        consumer = Consumer(
            huey,
            workers=workers,
            periodic=not no_periodic,
            worker_type="thread",
            # An idle worker looks at the queue at least every 2 s (Huey's default is 10).
            max_delay=2.0,
            # SQLite's locks never expire: one machine, so a lock left at start is stale.
            flush_locks=not isinstance(huey, RedisHuey),
            # A graceful stop (SIGINT) waits this long for running jobs, then lets them go:
            # they are written to survive a worker killed midway, and a stop must end.
            shutdown_timeout=SHUTDOWN_TIMEOUT_SECONDS,
        )
        try:
            consumer.run()
        finally:
            stop.set()
