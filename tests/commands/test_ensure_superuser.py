"""`manage.py ensure_superuser`: the first admin of an empty database, for `make run`."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_ensure_superuser_on_empty_database_prints_a_working_password():
    out = StringIO()
    call_command("ensure_superuser", stdout=out)
    text = out.getvalue()
    password = text.split("password: ")[1].split()[0]
    user = authenticate(username="admin", password=password)
    assert user is not None and user.is_superuser and user.is_staff


def test_ensure_superuser_leaves_existing_users_alone(alice):
    out = StringIO()
    call_command("ensure_superuser", stdout=out)
    assert "no superuser created" in out.getvalue()
    assert get_user_model().objects.count() == 1
