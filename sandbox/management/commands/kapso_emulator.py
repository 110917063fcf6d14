"""``manage.py kapso_emulator``: run the local Kapso API fake with the project's settings.

It accepts any non-empty API key on purpose: a fixed key would have to be passed on the
command line or printed, and this command must do neither.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kapso_emulator import EmulatorServer


class Command(BaseCommand):
    help = "Run the Kapso API emulator (agents and WhatsApp sandbox sessions) in the foreground."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument(
            "--state-file", default=None, help="default: settings.KAPSO_EMULATOR_STATE_FILE"
        )
        parser.add_argument(
            "--sandbox-number", default=None, help="default: settings.KAPSO_EMULATOR_SANDBOX_NUMBER"
        )
        parser.add_argument(
            "--rate-limit", type=int, default=100, help="requests per minute per key; 0 = unlimited"
        )

    def handle(self, *args, **options):
        state_file = str(
            options["state_file"]
            or getattr(settings, "KAPSO_EMULATOR_STATE_FILE", "var/kapso_emulator.json")
        )
        sandbox_number = options["sandbox_number"] or getattr(
            settings, "KAPSO_EMULATOR_SANDBOX_NUMBER", "15551234567"
        )
        Path(state_file).parent.mkdir(parents=True, exist_ok=True)
        try:
            server = EmulatorServer(
                host=options["host"],
                port=options["port"],
                state_file=state_file,
                sandbox_number=str(sandbox_number),
                api_key=None,
                rate_limit=options["rate_limit"] or None,
            )
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot start the Kapso emulator: {exc}") from exc
        self.stdout.write(
            f"Kapso emulator listening on {server.api_base_url} (state: {state_file})"
        )
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            self.stdout.write("Kapso emulator stopped.")
        finally:
            server.stop()
