"""sandbox/accounts/invitations.py: links that work once, expire, can be revoked or re-sent,
and never take over an existing account. Mail goes through a real SMTP server."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from sandbox.accounts import invitations
from sandbox.accounts.models import Invitation
from tests.accounts.conftest import invitation_token

pytestmark = pytest.mark.django_db


def invite(smtp, email="dana@example.com", role=Invitation.TEAMMATE, by=None) -> str:
    result = invitations.invitation_create(email, role, by)
    assert result.sent, result
    return invitation_token(smtp.bodies()[-1])


def test_an_invitation_mails_a_link_that_makes_the_account(smtp, charlie):
    token = invite(smtp, by=charlie)
    assert len(smtp.messages) == 1 and smtp.messages[0].rcpt_tos == ["dana@example.com"]
    row = Invitation.objects.get()
    assert token not in row.token_hash  # only the hash is stored
    user = invitations.invitation_accept(token, "dana", "a-long-passphrase-31")
    assert user.email == "dana@example.com" and user.check_password("a-long-passphrase-31")
    # The link proved the address: it is verified, so single sign-on may link to it later.
    assert EmailAddress.objects.get(user=user).verified
    row.refresh_from_db()
    assert row.accepted_by == user and row.state == "accepted"


def test_the_link_works_once(smtp):
    token = invite(smtp)
    invitations.invitation_accept(token, "dana", "a-long-passphrase-31")
    with pytest.raises(invitations.InvitationGone, match="already used"):
        invitations.invitation_accept(token, "dana2", "a-long-passphrase-31")
    assert get_user_model().objects.filter(username="dana2").count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_clicks_at_once_make_one_account(smtp):
    token = invite(smtp)
    invitation = invitations.invitation_find(token)
    barrier, claimed, users = threading.Barrier(2), [], get_user_model().objects
    made = [users.create_user(f"racer{n}", password="x") for n in range(2)]

    def claim(user):
        barrier.wait()
        try:
            invitations.invitation_claim(invitation, user)
            claimed.append(user)
        except invitations.InvitationGone:
            pass
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=claim, args=(u,)) for u in made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(claimed) == 1


def test_an_expired_link_is_refused(smtp):
    token = invite(smtp)
    Invitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(invitations.InvitationGone, match="expired"):
        invitations.invitation_find(token)


def test_the_default_life_is_seven_days(smtp, settings):
    invite(smtp)
    life = Invitation.objects.get().expires_at - timezone.now()
    assert timedelta(days=6, hours=23) < life <= timedelta(days=7)


def test_a_revoked_link_is_refused(smtp):
    token = invite(smtp)
    invitations.invitation_revoke(Invitation.objects.get())
    with pytest.raises(invitations.InvitationGone, match="withdrawn"):
        invitations.invitation_accept(token, "dana", "a-long-passphrase-31")


def test_resending_kills_the_old_link_and_mails_a_new_one(smtp):
    old = invite(smtp)
    invitations.invitation_resend(Invitation.objects.get())
    assert len(smtp.messages) == 2
    new = invitation_token(smtp.bodies()[-1])
    assert new != old
    with pytest.raises(invitations.InvitationGone):
        invitations.invitation_find(old)
    assert invitations.invitation_find(new).email == "dana@example.com"


def test_an_address_with_an_account_is_not_invited(smtp, alice):
    result = invitations.invitation_create("ALICE@example.com", Invitation.STAFF, None)
    assert not result.sent and "already has an account" in result.message
    assert smtp.messages == [] and Invitation.objects.count() == 0


def test_a_link_cannot_take_over_an_account_made_after_it_was_sent(smtp, django_user_model):
    token = invite(smtp, role=Invitation.STAFF)
    victim = django_user_model.objects.create_user("dana", "dana@example.com", "dana-own-pw-1")
    with pytest.raises(invitations.AddressTaken):
        invitations.invitation_accept(token, "dana-new", "a-long-passphrase-31")
    victim.refresh_from_db()
    assert victim.check_password("dana-own-pw-1") and not victim.is_staff
    assert django_user_model.objects.filter(email__iexact="dana@example.com").count() == 1


def test_a_refused_mail_leaves_no_invitation_and_says_so(smtp):
    smtp.refuse = True
    result = invitations.invitation_create("dana@example.com", Invitation.TEAMMATE, None)
    assert not result.sent and "mail server did not take" in result.message
    assert Invitation.objects.count() == 0


def test_a_refused_resend_keeps_the_earlier_link(smtp):
    token = invite(smtp)
    smtp.refuse = True
    with pytest.raises(invitations.MailFailed):
        invitations.invitation_resend(Invitation.objects.get())
    assert invitations.invitation_find(token).email == "dana@example.com"


@pytest.mark.parametrize(
    ("role", "staff", "manager"),
    [
        (Invitation.TEAMMATE, False, False),
        (Invitation.MANAGER, False, True),
        (Invitation.STAFF, True, False),
    ],
)
def test_accepting_gives_the_invited_role(smtp, role, staff, manager):
    token = invite(smtp, role=role)
    user = invitations.invitation_accept(token, "dana", "a-long-passphrase-31")
    user = get_user_model().objects.get(pk=user.pk)  # no cached permissions
    assert user.is_staff is staff and not user.is_superuser
    assert user.has_perm("team.manage_team") is manager
