"""Erase one account (by user name or e-mail address) everywhere the dashboard keeps it."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from sandbox import privacy


class Command(BaseCommand):
    help = (
        "Erase an account: sign it out everywhere, delete its API tokens, addresses, second "
        "factors and invitations, every store's mention of it, then the account itself."
    )

    def add_arguments(self, parser):
        parser.add_argument("who", help="the account's user name or e-mail address")

    def handle(self, *args, who: str, **options):
        who = who.strip()
        found = list(
            get_user_model().objects.filter(
                Q(username=who) | Q(email__iexact=who) if who else Q(pk=None)
            )
        )
        if not found:
            raise CommandError("No account has that user name or e-mail address.")
        if len(found) > 1:
            raise CommandError(
                f"{len(found)} accounts share that e-mail address: give the user name."
            )
        done = privacy.erase(privacy.Person(user_ids={found[0].pk}), door="manage.py erase_account")
        # The operator typed the name; it is not repeated (terminals are often logged).
        for store, count in done.counts.items():
            if count:
                self.stdout.write(f"  {store}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Erased account #{found[0].pk}."))
