"""sandbox/accounts/urls.py: the members page behind a login; the invitation link open."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_members_pages_need_a_login(client):
    assert reverse("accounts:members") == "/team/members/"
    for path in ("/team/members/", "/team/members/invitations/1/revoke/"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_invitation_link_opens_without_a_login(client):
    assert reverse("accounts:accept", args=["abc"]) == "/invitations/abc/"
    assert client.get("/invitations/abc/").status_code == 410  # not a redirect to the login
