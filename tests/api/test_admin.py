"""sandbox/api/admin.py: staff see everyone's tokens (never a secret) and revoke them."""

from __future__ import annotations

import pytest

from sandbox.api.models import ApiToken
from tests.api.conftest import make_token

pytestmark = pytest.mark.django_db
LIST = "/admin/api/apitoken/"


def test_staff_see_everyones_tokens_but_no_secret(root_client, alice, bob):
    secrets = [make_token(alice, "alice-ci"), make_token(bob, "bob-ci")]
    html = root_client.get(LIST).content.decode()
    assert "alice-ci" in html and "bob-ci" in html
    token = ApiToken.objects.get(name="alice-ci")
    detail = root_client.get(f"{LIST}{token.pk}/change/").content.decode()
    for secret in secrets:
        assert secret[8:] not in html and secret[8:] not in detail
    assert token.digest not in detail


def test_staff_revoke_tokens_with_an_action(root_client, alice, bob):
    make_token(alice, "a")
    make_token(bob, "b")
    ids = list(ApiToken.objects.values_list("pk", flat=True))
    response = root_client.post(
        LIST, {"action": "revoke_tokens", "_selected_action": ids}, follow=True
    )
    assert "2 token(s) revoked" in response.content.decode()
    assert all(t.state == "revoked" for t in ApiToken.objects.all())
    for state, count in (("active", 0), ("expired", 0), ("revoked", 2)):
        assert root_client.get(LIST, {"state": state}).context["cl"].result_count == count


def test_tokens_are_not_added_or_deleted_in_the_admin(root_client, alice):
    make_token(alice)
    assert root_client.get(f"{LIST}add/").status_code == 403
    token = ApiToken.objects.get()
    assert root_client.get(f"{LIST}{token.pk}/delete/").status_code == 403
