"""sandbox/accounts/apps.py: the app is installed under the label its tables and
permissions use."""

from __future__ import annotations

from django.apps import apps

from sandbox.accounts.models import Invitation


def test_the_app_and_its_table():
    config = apps.get_app_config("accounts")
    assert config.name == "sandbox.accounts"
    assert Invitation._meta.db_table == "accounts_invitation"
