"""Give this install its own PRIVACY_HASH_KEY, written once into .env (as `ensure_superuser`
makes the first admin's password): the key of the keyed hashes that recognise erased phone
numbers (sandbox/privacy/keys.py). Rotating it forgets which numbers were erased."""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

SET = re.compile(r"^\s*PRIVACY_HASH_KEY=\S", re.MULTILINE)


class Command(BaseCommand):
    help = "Write a generated PRIVACY_HASH_KEY into .env unless one is configured already."

    def add_arguments(self, parser):
        parser.add_argument("--env-file", default=str(Path(settings.BASE_DIR) / ".env"))

    def handle(self, *args, env_file: str, **options):
        path = Path(env_file)
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if os.environ.get("PRIVACY_HASH_KEY") or SET.search(text):
            self.stdout.write("PRIVACY_HASH_KEY is configured.")
            return
        line = f"PRIVACY_HASH_KEY={secrets.token_urlsafe(48)}\n"
        with path.open("a", encoding="utf-8") as out:
            out.write(("\n" if text and not text.endswith("\n") else "") + line)
        # The value is not printed: it is in the file, and terminals are often logged.
        self.stdout.write(
            self.style.SUCCESS(f"Generated PRIVACY_HASH_KEY into {path.name} (keep it).")
        )
