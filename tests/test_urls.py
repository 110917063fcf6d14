"""kapso_dashboard/urls.py: the account pages (allauth: log in, log out, change and reset
one's password) and the admin's login going through them."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_admin_asks_for_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_login_page_uses_our_template_and_logs_in(client, alice):
    page = client.get(reverse("account_login"))
    assert page.status_code == 200
    assert "Create WhatsApp sandbox sessions" in page.content.decode()
    response = client.post(
        reverse("account_login"), {"login": "alice", "password": "alice-password-1"}
    )
    assert response.status_code == 302
    assert response.url == reverse("sandbox:create")


def test_wrong_password_is_a_clear_message(client, alice):
    response = client.post(reverse("account_login"), {"login": "alice", "password": "nope"})
    assert "The username and/or password you specified are not correct" in (
        response.content.decode()
    )


def test_empty_login_says_what_is_missing(client):
    html = client.post(reverse("account_login"), {"login": "", "password": ""}).content.decode()
    assert html.count('class="field-error"') == 2


def test_logout_is_a_post(alice_client):
    response = alice_client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert alice_client.get(reverse("sandbox:create")).status_code == 302


def test_password_change_needs_a_login(client):
    response = client.get(reverse("account_change_password"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_password_change_works_for_a_teammate(alice_client, alice):
    assert alice_client.get(reverse("account_change_password")).status_code == 200
    response = alice_client.post(
        reverse("account_change_password"),
        {
            "oldpassword": "alice-password-1",
            "password1": "a-new-long-passphrase-42",
            "password2": "a-new-long-passphrase-42",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a-new-long-passphrase-42")


def test_password_reset_mails_a_link_that_sets_a_new_password(client, alice, settings):
    # Replaces "no public password reset": the dashboard now sends e-mail (EMAIL_URL).
    response = client.post(reverse("account_reset_password"), {"email": "alice@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["alice@example.com"]
    link = next(w for w in mail.outbox[0].body.split() if "/accounts/password/reset/key/" in w)
    path = "/" + link.split("/", 3)[3]
    form = client.get(path, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {"password1": "a-fresh-passphrase-77", "password2": "a-fresh-passphrase-77"},
    )
    assert done.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("a-fresh-passphrase-77")


def test_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response.url == reverse("account_reset_password_done")


def test_admin_login_goes_through_the_accounts_login(client, charlie):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    # The admin's own password form takes no password any more.
    posted = client.post("/admin/login/", {"username": "charlie", "password": "charlie-password-1"})
    assert posted.status_code == 302 and posted.url.startswith(reverse("account_login"))
    assert client.get("/admin/").status_code == 302
