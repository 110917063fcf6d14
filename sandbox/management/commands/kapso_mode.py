"""Say whether the dashboard is configured for real Kapso: `make run` decides on it."""

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print 'real' when KAPSO_API_KEY is set (environment or .env), else 'emulator'."

    def handle(self, *args, **options):
        self.stdout.write("real" if settings.KAPSO_API_KEY else "emulator")
