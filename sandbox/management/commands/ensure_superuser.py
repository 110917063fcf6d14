"""Create a first admin account on an empty database, and say its password once."""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Create a superuser with a generated password if the database has no users yet."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username: str, **options):
        User = get_user_model()
        if User.objects.exists():
            self.stdout.write("Users exist already; no superuser created.")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        # Printed once, never logged or stored in clear: write it down now.
        self.stdout.write(
            self.style.SUCCESS(
                "\n  Created the first admin account (shown only this once):\n"
                f"    username: {username}\n    password: {password}\n"
                "  Add teammates at /admin/auth/user/add/.\n"
            )
        )
