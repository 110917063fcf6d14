"""sandbox/accounts/views/members.py: staff invite by address (one or a pasted list) with a
role, see accounts with their role and second factor, and revoke or re-send invitations."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from sandbox.accounts.models import Invitation

pytestmark = pytest.mark.django_db


def test_only_staff_see_the_members_page(client, alice, charlie):
    client.force_login(alice)
    assert client.get(reverse("accounts:members")).status_code == 403
    assert client.post(reverse("accounts:members"), {"emails": "x@example.com"}).status_code == 403
    assert Invitation.objects.count() == 0
    client.force_login(charlie)
    assert client.get(reverse("accounts:members")).status_code == 200


def test_a_pasted_list_invites_each_address_once(staff_client, smtp, alice):
    response = staff_client.post(
        reverse("accounts:members"),
        {
            "emails": "dana@example.com, erin@example.com\nDANA@example.com alice@example.com",
            "role": "manager",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "dana@example.com: invitation sent" in page
    assert "alice@example.com: already has an account" in page
    assert sorted(m.rcpt_tos[0] for m in smtp.messages) == ["dana@example.com", "erin@example.com"]
    assert set(Invitation.objects.values_list("role", flat=True)) == {"manager"}


def test_a_wrong_address_is_named_and_what_was_typed_is_kept(staff_client, smtp):
    response = staff_client.post(
        reverse("accounts:members"),
        {"emails": "dana@example.com, not-an-address", "role": "teammate"},
    )
    page = response.content.decode()
    assert "Not e-mail addresses: not-an-address" in page
    assert "dana@example.com, not-an-address" in page
    assert smtp.messages == [] and Invitation.objects.count() == 0


def test_the_page_lists_roles_second_factor_and_pending_invitations(
    staff_client, smtp, alice, charlie
):
    Authenticator.objects.create(user=charlie, type=Authenticator.Type.TOTP, data={"secret": "x"})
    staff_client.post(reverse("accounts:members"), {"emails": "dana@example.com", "role": "staff"})
    page = staff_client.get(reverse("accounts:members")).content.decode()
    assert (
        '<td>alice</td><td class="break">alice@example.com</td><td>Teammate</td><td>no</td>' in page
    )
    assert (
        '<td>charlie</td><td class="break">charlie@example.com</td><td>Staff</td><td>yes</td>'
        in page
    )
    assert "dana@example.com</td><td>Staff</td>" in page


def test_revoke_and_resend_from_the_page(staff_client, smtp):
    staff_client.post(
        reverse("accounts:members"), {"emails": "dana@example.com", "role": "teammate"}
    )
    invitation = Invitation.objects.get()
    url = reverse("accounts:invitation_action", args=[invitation.pk, "resend"])
    assert staff_client.post(url).status_code == 302
    assert len(smtp.messages) == 2
    url = reverse("accounts:invitation_action", args=[invitation.pk, "revoke"])
    assert staff_client.post(url).status_code == 302
    invitation.refresh_from_db()
    assert invitation.state == "revoked"
    assert (
        "No invitation is waiting" in staff_client.get(reverse("accounts:members")).content.decode()
    )


def test_an_unknown_action_is_not_found(staff_client, smtp):
    staff_client.post(
        reverse("accounts:members"), {"emails": "dana@example.com", "role": "teammate"}
    )
    url = reverse("accounts:invitation_action", args=[Invitation.objects.get().pk, "promote"])
    assert staff_client.post(url).status_code == 404


def test_a_mail_server_that_refuses_is_a_message_not_an_error_page(staff_client, smtp):
    smtp.refuse = True
    response = staff_client.post(
        reverse("accounts:members"), {"emails": "dana@example.com", "role": "teammate"}
    )
    assert response.status_code == 200
    assert "dana@example.com: the mail server did not take the invitation" in (
        response.content.decode()
    )
