"""sandbox/team/access.py: managers see the team; a plain account sees only its own rows."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission

from sandbox.team import access, onboarding
from sandbox.team.models import Tester

pytestmark = pytest.mark.django_db


def test_staff_and_holders_of_the_permission_manage_the_team(alice, bob, charlie):
    assert access.can_manage_team(charlie)
    assert not access.can_manage_team(alice)
    bob.user_permissions.add(Permission.objects.get(codename="manage_team"))
    bob = type(bob).objects.get(pk=bob.pk)  # permissions are cached per instance
    assert access.can_manage_team(bob)


def test_a_plain_account_sees_only_the_testers_linked_to_it(alice, bob, charlie, make_testers):
    ann, ben, cy = make_testers(3)
    Tester.objects.filter(pk=ann.pk).update(account=alice)
    Tester.objects.filter(pk=ben.pk).update(account=bob)
    assert list(access.testers_visible_to(alice)) == [Tester.objects.get(pk=ann.pk)]
    assert set(access.testers_visible_to(charlie)) == {ann, ben, cy}


def test_batches_are_for_managers_only(alice, charlie, make_testers):
    batch = onboarding.batch_start(user=charlie, testers=make_testers(1), agent_ids=["a"])
    assert list(access.batches_visible_to(charlie)) == [batch]
    assert not access.batches_visible_to(alice).exists()


def test_a_manager_page_checks_the_method_then_the_person_and_is_never_cached(alice, charlie):
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse
    from django.test import RequestFactory

    from sandbox.team.access import manager_page

    @manager_page("GET")
    def page(request, pk):
        return HttpResponse(f"page {pk}")

    def ask(method, user):
        request = getattr(RequestFactory(), method)("/team/x/")
        request.user = user
        return page(request, 7)

    refused = ask("post", alice)  # the method first: a 405, not a 403, for anyone
    assert refused.status_code == 405 and "no-cache" in refused["Cache-Control"]
    with pytest.raises(PermissionDenied):
        ask("get", alice)
    shown = ask("get", charlie)
    assert shown.content == b"page 7" and "no-store" in shown["Cache-Control"]
    assert page.__name__ == "page"
