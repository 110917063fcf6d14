"""kapso_dashboard/urls.py: the account pages (log in, log out, change one's password) and no
self-service password reset."""

from __future__ import annotations

import pytest
from django.contrib.auth import views as auth_views
from django.core import mail
from django.urls import NoReverseMatch, Resolver404, get_resolver, resolve, reverse

pytestmark = pytest.mark.django_db

RESET_URLS = [
    "/accounts/password_reset/",
    "/accounts/password_reset/done/",
    "/accounts/reset/MQ/set-password/",
    "/accounts/reset/done/",
]
RESET_NAMES = [
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
]
RESET_VIEWS = (
    auth_views.PasswordResetView,
    auth_views.PasswordResetDoneView,
    auth_views.PasswordResetConfirmView,
    auth_views.PasswordResetCompleteView,
)


def every_view(patterns=None):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if hasattr(pattern, "url_patterns"):
            yield from every_view(pattern.url_patterns)
        else:
            yield pattern.callback


def test_admin_asks_for_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_login_page_uses_our_template_and_logs_in(client, alice):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert "Create WhatsApp sandbox sessions" in page.content.decode()
    response = client.post(reverse("login"), {"username": "alice", "password": "alice-password-1"})
    assert response.status_code == 302
    assert response.url == reverse("sandbox:create")


def test_wrong_password_is_a_clear_message(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert "Please enter a correct username and password" in response.content.decode()


def test_empty_login_says_what_is_missing(client):
    html = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert html.count('class="field-error"') == 2


def test_logout_is_a_post(alice_client):
    response = alice_client.post(reverse("logout"))
    assert response.status_code == 302
    assert alice_client.get(reverse("sandbox:create")).status_code == 302


def test_password_change_needs_a_login(client):
    response = client.get("/accounts/password_change/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_password_change_works_for_a_teammate(alice_client, alice):
    assert alice_client.get(reverse("password_change")).status_code == 200
    response = alice_client.post(
        reverse("password_change"),
        {
            "old_password": "alice-password-1",
            "new_password1": "a-new-long-passphrase-42",
            "new_password2": "a-new-long-passphrase-42",
        },
    )
    assert response.status_code == 302 and response.url == reverse("password_change_done")
    alice.refresh_from_db()
    assert alice.check_password("a-new-long-passphrase-42")


def test_no_public_password_reset(client, alice):
    # No email is sent by this dashboard; an admin resets passwords.
    for url in RESET_URLS:  # no route answers these paths...
        with pytest.raises(Resolver404):
            resolve(url)
    for name in RESET_NAMES:  # ... no reset view is reachable by name ...
        with pytest.raises(NoReverseMatch):
            reverse(name)
    # ... and no route anywhere leads to Django's reset views.
    reset_views = [
        view
        for view in every_view()
        if issubclass(getattr(view, "view_class", object), RESET_VIEWS)
    ]
    assert reset_views == []
    # Over HTTP the reset URL is what any unknown route is: the same 404, for a visitor
    # and for a teammate, and no email leaves.
    unknown = "/accounts/no-such-page/"
    for who in ("visitor", "teammate"):
        if who == "teammate":
            client.force_login(alice)
        expected = client.get(unknown)
        assert expected.status_code == 404
        for url in RESET_URLS:
            got = client.get(url)
            assert got.status_code == expected.status_code == 404, (who, url)
            assert [t.name for t in got.templates] == [t.name for t in expected.templates]
        posted = client.post(RESET_URLS[0], {"email": "alice@example.com"})
        assert posted.status_code == 404
    assert mail.outbox == []
