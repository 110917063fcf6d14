"""Print (or write) docs/privacy.md from the personal-data declaration (sandbox/privacy/)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from sandbox.privacy import notice


class Command(BaseCommand):
    help = "Print the privacy notice as Markdown, from the declaration; --write FILE saves it."

    def add_arguments(self, parser):
        parser.add_argument("--write", metavar="FILE")

    def handle(self, *args, write: str | None = None, **options):
        text = notice.markdown(defaults=True)
        if write:
            Path(write).write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {write}.")
        else:
            self.stdout.write(text, ending="")
