"""sandbox/web/login_throttle.py: too many failed logins for one account or from one address
are refused for a while, with a message that says so."""

from __future__ import annotations

import threading

import pytest
from django.test import Client, RequestFactory

from sandbox.web.login_throttle import client_address

pytestmark = pytest.mark.django_db


def login(client, username, password, address="10.0.0.1", url="/accounts/login/"):
    return client.post(url, {"login": username, "password": password}, REMOTE_ADDR=address)


def test_repeated_failures_lock_the_account_with_a_clear_message(client, alice, bob):
    for _ in range(5):
        login(client, "alice", "wrong")
    refused = login(client, "alice", "alice-password-1")
    assert refused.status_code == 200
    assert "Too many failed logins for this account" in refused.content.decode()
    assert login(client, "bob", "bob-password-1").status_code == 302  # others unaffected


def test_lookalike_usernames_count_against_the_same_account(client, alice):
    for _ in range(5):
        login(client, "alice", "wrong")
    # A fullwidth first letter: Django normalises it to "alice" when checking the password.
    refused = login(client, "\uff41lice", "alice-password-1")
    assert "Too many failed logins for this account" in refused.content.decode()


def test_every_name_of_an_account_counts_against_the_same_account(client, alice):
    """allauth signs in by user name or e-mail address: five tries in all, not five each."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=alice, email="a.smith@example.org", verified=True)
    for name in ("alice", "ALICE@example.com", "alice", "a.smith@example.org", "alice"):
        login(client, name, "wrong")
    for name in ("alice@example.com", "a.smith@example.org", "alice"):
        refused = login(client, name, "alice-password-1")
        assert "Too many failed logins for this account" in refused.content.decode(), name


def test_the_counter_keys_hold_no_plain_digest_of_what_was_typed():
    import hashlib

    from sandbox.web.login_throttle import _key

    key = _key("account", "ann@example.com")
    assert hashlib.sha256(b"ann@example.com").hexdigest() not in key
    assert "ann" not in key


def test_parallel_guesses_cannot_slip_under_the_limit(alice):
    barrier = threading.Barrier(12)
    pages: list[str] = []

    def guess():
        client = Client()
        barrier.wait()
        pages.append(login(client, "alice", "wrong").content.decode())

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Only five of the twelve simultaneous guesses reached the password check.
    throttled = sum("Too many failed logins for this account" in page for page in pages)
    assert throttled == 12 - 5


def test_repeated_failures_from_one_address_are_refused(client, alice):
    for i in range(20):
        login(client, f"nobody{i}", "wrong", address="10.9.9.9")
    refused = login(client, "alice", "alice-password-1", address="10.9.9.9")
    assert "Too many failed logins from this network address" in refused.content.decode()
    assert login(client, "alice", "alice-password-1", address="10.1.1.1").status_code == 302


def test_admin_login_is_throttled_too(client, charlie):
    # The admin has no password form of its own any more: /admin/login/ sends people to the
    # throttled sign-in, so failures there lock the admin's way in as well.
    sent_to = client.get("/admin/login/?next=/admin/")
    assert sent_to.status_code == 302 and sent_to.url.startswith("/accounts/login/")
    for _ in range(5):
        login(client, "charlie", "wrong", url=sent_to.url)
    refused = login(client, "charlie", "charlie-password-1", url=sent_to.url)
    assert "Too many failed logins" in refused.content.decode()
    assert client.get("/admin/").status_code == 302  # still not in


def test_a_success_clears_the_account_count(client, alice):
    for _ in range(4):
        login(client, "alice", "wrong")
    assert login(client, "alice", "alice-password-1").status_code == 302
    client.logout()
    for _ in range(4):
        login(client, "alice", "wrong")
    assert login(client, "alice", "alice-password-1").status_code == 302


def test_the_limits_follow_the_settings(client, alice, settings):
    settings.LOGIN_THROTTLE_PER_ACCOUNT = 2
    settings.LOGIN_THROTTLE_WINDOW = 120
    for _ in range(2):
        login(client, "alice", "wrong")
    refused = login(client, "alice", "alice-password-1")
    assert "Too many failed logins for this account. Wait up to 2 minutes" in (
        refused.content.decode()
    )


def test_the_address_comes_from_the_proxy_header_only_when_configured(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR="203.0.113.7, 10.0.0.9"
    )
    settings.CLIENT_IP_HEADER = ""
    assert client_address(request) == "10.0.0.9"  # a client could forge the header
    settings.CLIENT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    assert client_address(request) == "203.0.113.7"
