"""Login is required on every page but the login page and /healthz."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROTECTED = [
    reverse("sandbox:create"),
    reverse("sandbox:list"),
    reverse("sandbox:detail", args=[1]),
    reverse("sandbox:qr_svg", args=[1]),
    reverse("sandbox:qr_png", args=[1]),
]


@pytest.mark.parametrize("url", PROTECTED)
def test_pages_redirect_anonymous_users_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login") + "?next=")


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


def test_logout_is_a_post(alice_client):
    response = alice_client.post(reverse("logout"))
    assert response.status_code == 302
    assert alice_client.get(reverse("sandbox:create")).status_code == 302


def test_healthz_is_open_and_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_demo_banner_only_in_demo_mode(client, settings):
    settings.KAPSO_DEMO_MODE = True
    assert "Demo mode" in client.get(reverse("login")).content.decode()
    settings.KAPSO_DEMO_MODE = False
    assert "Demo mode" not in client.get(reverse("login")).content.decode()


def test_no_public_password_reset(client):
    # No email is sent by this dashboard; an admin resets passwords.
    assert client.get("/accounts/password_reset/").status_code in (302, 404)
    response = client.post("/accounts/password_reset/", {"email": "alice@example.com"})
    assert response.status_code in (302, 404)
    assert "/accounts/login/" in response.get("Location", "/accounts/login/")


def test_password_change_needs_a_login(client):
    response = client.get("/accounts/password_change/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_empty_login_says_what_is_missing(client):
    html = client.post(reverse("login"), {"username": "", "password": ""}).content.decode()
    assert html.count('class="field-error"') == 2
