"""manage.py erase_account: the account's door for operators. By user name or e-mail, it
goes through the one erasure (sandbox/privacy/), so nothing names the account afterwards."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sandbox.team.models import ErasureLog
from tests.privacy import audit

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", [audit.USERNAME, audit.USER_EMAIL.upper()])
def test_erase_account_leaves_nothing_of_the_account(typed, root, alice):
    seeded = audit.seed_account(root)
    assert audit.database_hits(seeded.needles)  # the seed named them (else proves nothing)
    out = StringIO()

    call_command("erase_account", typed, stdout=out)

    assert audit.account_leftovers(seeded) == []
    assert audit.USERNAME not in out.getvalue() and audit.USER_EMAIL not in out.getvalue()
    assert f"Erased account #{seeded.pk}" in out.getvalue()
    log = ErasureLog.objects.get()
    assert log.kind == ErasureLog.ACCOUNT and f"Account #{seeded.pk}" in log.detail
    assert type(alice).objects.filter(pk=alice.pk).exists()  # nobody else's


def test_an_unknown_account_is_a_clear_error_and_erases_nothing(root):
    seeded = audit.seed_account(root)
    with pytest.raises(CommandError, match="No account"):
        call_command("erase_account", "nobody@example.com")
    with pytest.raises(CommandError, match="No account"):
        call_command("erase_account", "  ")
    assert audit.database_hits(seeded.needles)
    assert not ErasureLog.objects.exists()


def test_an_address_shared_by_two_accounts_asks_for_the_user_name(root, django_user_model):
    seeded = audit.seed_account(root)
    django_user_model.objects.create_user("wendy2", audit.USER_EMAIL, "pw")
    with pytest.raises(CommandError, match="give the user name"):
        call_command("erase_account", audit.USER_EMAIL)
    assert django_user_model.objects.filter(pk=seeded.pk).exists()
