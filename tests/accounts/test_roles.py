"""sandbox/accounts/roles.py: roles are the flags that exist, and giving one never takes
rights away or makes an admin."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from sandbox.accounts.roles import may_manage_members, role_apply, role_of

pytestmark = pytest.mark.django_db


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)  # no cached permissions


def test_role_of_reads_the_existing_flags(alice, charlie, root):
    assert role_of(alice) == "teammate"
    assert role_of(charlie) == "staff"
    assert role_of(root) == "admin"
    role_apply(alice, "manager")
    assert role_of(fresh(alice)) == "manager"


def test_applying_a_role_never_lowers_or_makes_an_admin(charlie, alice):
    role_apply(charlie, "teammate")
    assert fresh(charlie).is_staff
    role_apply(alice, "admin")  # not a role an invitation can give
    alice = fresh(alice)
    assert not alice.is_superuser and not alice.is_staff


def test_only_active_staff_manage_members(alice, charlie):
    assert may_manage_members(charlie) and not may_manage_members(alice)
    charlie.is_active = False
    assert not may_manage_members(charlie)
