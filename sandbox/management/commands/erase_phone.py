"""Erase one phone number everywhere the dashboard keeps it (a tester with it too)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from sandbox import privacy
from sandbox.phones import InvalidPhoneNumber


class Command(BaseCommand):
    help = (
        "Erase a phone number from every store (sessions, attempts, testers, reminders, "
        "admin history...). Kapso keeps its own copy: delete it in Kapso's dashboard."
    )

    def add_arguments(self, parser):
        parser.add_argument("phone", help="in any common form: +44 7700 900123, 0044…")

    def handle(self, *args, phone: str, **options):
        try:
            done = privacy.erase_phone(phone, door="manage.py erase_phone")
        except InvalidPhoneNumber as exc:
            raise CommandError(str(exc)) from exc
        # The operator typed the number; it is not repeated (terminals are often logged).
        for store, count in done.counts.items():
            if count:
                self.stdout.write(f"  {store}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Erased. {privacy.KAPSO_KEEPS_A_COPY}"))
