"""sandbox/web/mfa_gate.py: someone who must have a second factor reaches no protected
page, not the admin, and cannot make an API token, before setting one up."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Permission
from django.urls import reverse

from sandbox.api.models import ApiToken
from tests.accounts.conftest import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def mfa_required(settings):
    settings.MFA_REQUIRED_FOR_MANAGERS = True


PROTECTED = ["/", "/sessions/", "/team/", "/team/members/", "/settings/tokens/", "/admin/"]


def test_staff_without_a_second_factor_reach_only_its_set_up(client, charlie):
    sign_in(client, "charlie", "charlie-password-1")
    for path in PROTECTED:
        response = client.get(path)
        assert response.status_code == 302 and response.url == reverse("mfa_index"), path
    setup = client.get(reverse("mfa_index"))
    assert setup.status_code == 200 and "needs a second factor" in setup.content.decode()


def test_no_api_token_before_a_second_factor(client, charlie):
    sign_in(client, "charlie", "charlie-password-1")
    response = client.post("/settings/tokens/", {"name": "ci", "access": "own"})
    assert response.status_code == 302 and response.url == reverse("mfa_index")
    assert ApiToken.objects.count() == 0


def test_a_team_manager_is_held_too(client, bob):
    bob.user_permissions.add(Permission.objects.get(codename="manage_team"))
    sign_in(client, "bob", "bob-password-1")
    assert client.get("/team/").url == reverse("mfa_index")


def test_a_teammate_is_not_held(client, alice):
    sign_in(client, "alice", "alice-password-1")
    assert client.get("/").status_code == 200


def test_the_setting_off_lets_staff_in_with_a_password(client, charlie, settings):
    settings.MFA_REQUIRED_FOR_MANAGERS = False
    sign_in(client, "charlie", "charlie-password-1")
    assert client.get("/").status_code == 200


def test_with_a_second_factor_the_gate_opens(client, charlie):
    TOTP.activate(charlie, generate_totp_secret())
    client.force_login(charlie)
    assert client.get("/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_sign_out_stays_open(client, charlie):
    sign_in(client, "charlie", "charlie-password-1")
    assert client.post(reverse("account_logout")).status_code == 302
    assert client.get("/").url.startswith(reverse("account_login"))


def test_the_json_api_is_untouched(client, charlie):
    # Bearer tokens, not browser sessions: a missing token is the API's own 401, not a
    # redirect to a page.
    sign_in(client, "charlie", "charlie-password-1")
    assert client.get("/api/v1/agents").status_code == 401
