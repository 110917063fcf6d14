"""Production settings, security headers, login throttling, and the key kept secret."""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.debug import technical_500_response

from sandbox import sharing
from tests.conftest import TEST_API_KEY, emulator_control
from tests.factories import make_session
from tests.scripted_server import Reply

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


def deploy_check(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "kapso_dashboard.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_settings_pass_check_deploy():
    result = deploy_check(
        DEBUG="false",
        SECRET_KEY="x" * 20 + "-a-long-random-production-key-0123456789",
        ALLOWED_HOSTS="sandbox.example.com",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_warns_without_a_configured_secret_key(tmp_path):
    result = deploy_check(DEBUG="false", ALLOWED_HOSTS="sandbox.example.com")
    if (ROOT / ".env").exists() and "SECRET_KEY=" in (ROOT / ".env").read_text():
        pytest.skip("a local .env sets SECRET_KEY")
    assert result.returncode != 0
    assert "sandbox.W001" in result.stdout + result.stderr


def test_pages_carry_strict_security_headers(alice_client):
    response = alice_client.get(reverse("sandbox:list"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_production_redirects_to_https_and_sends_hsts(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/accounts/login/")
    assert response.status_code == 301 and response.url.startswith("https://")
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    behind_proxy = client.get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
    assert behind_proxy.status_code == 200
    assert "max-age=31536000" in behind_proxy["Strict-Transport-Security"]
    from django.conf import settings as live

    assert live.SESSION_COOKIE_HTTPONLY


def test_templates_have_no_inline_script_style_or_handlers():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"\sstyle=", text), path
        assert not re.search(r"\son[a-z]+=", text), path


# --- login throttling -------------------------------------------------------------------
def login(client, username, password, address="10.0.0.1", url="/accounts/login/"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


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


def test_parallel_guesses_cannot_slip_under_the_limit(alice):
    import threading

    from django.test import Client

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
    for _ in range(5):
        login(client, "charlie", "wrong", url="/admin/login/")
    refused = login(client, "charlie", "charlie-password-1", url="/admin/login/")
    assert "Too many failed logins" in refused.content.decode()


def test_a_success_clears_the_account_count(client, alice):
    for _ in range(4):
        login(client, "alice", "wrong")
    assert login(client, "alice", "alice-password-1").status_code == 302
    client.logout()
    for _ in range(4):
        login(client, "alice", "wrong")
    assert login(client, "alice", "alice-password-1").status_code == 302


# --- the key stays secret ---------------------------------------------------------------
def test_key_appears_in_no_page_header_error_or_log(
    kapso, client, caplog, settings, django_user_model
):
    caplog.set_level(logging.DEBUG)
    root = django_user_model.objects.create_superuser("root", "", "pw")
    client.force_login(root)
    session = make_session(root)
    sharing.share_link_create(session)
    emulator_control(kapso, "faults", {"kind": "status", "path": "/api/v1/agents", "status": 401})
    pages = [
        "/",
        "/sessions/",
        session.get_absolute_url(),
        reverse("sandbox:status", args=[session.pk]),
        reverse("sandbox:qr_svg", args=[session.pk]),
        reverse("sandbox:shared", args=[sharing.share_token(session)]),
        "/sessions/999999/",
        "/healthz",
        "/admin/",
        "/admin/sandbox/sandboxsession/",
        f"/admin/sandbox/sandboxsession/{session.pk}/change/",
        "/admin/sandbox/agent/",
        "/admin/sandbox/failedsessionattempt/",
        "/admin/auth/user/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert TEST_API_KEY not in response.content.decode(errors="replace"), url
        assert TEST_API_KEY not in str(response.headers), url
    assert TEST_API_KEY not in caplog.text
    # Even Django's debug error page (never on in production) hides it, including the
    # local variables of the frames that hold it when something fails in there.
    settings.DEBUG = True
    settings.KAPSO_API_BASE_URL = None  # makes building the client fail inside __init__
    from sandbox.gateway import get_client

    try:
        get_client(timeout=1.5)
    except AttributeError:
        page = technical_500_response(RequestFactory().get("/"), *sys.exc_info())
    html = page.content.decode()
    assert "get_client" in html and "KapsoClient" in html  # the frames are on the page
    assert TEST_API_KEY not in html


def test_key_stays_out_of_failures_recorded_for_admins(scripted, alice_client):
    from sandbox.models import FailedSessionAttempt

    scripted.reply = Reply(status=422, body={"error": f"bad key {TEST_API_KEY}"})
    alice_client.post("/", {"phone_number": "+14155552671", "agent_id": "agent-x"})
    attempt = FailedSessionAttempt.objects.get()
    # Kapso's own words are shown, but a key it echoes back is not.
    assert "bad key [redacted]" in attempt.error_message
    assert TEST_API_KEY not in attempt.error_message
    assert TEST_API_KEY not in alice_client.get("/").content.decode()


def test_no_prefix_of_the_key_survives_a_cut_message(scripted, alice_client):
    from sandbox.models import FailedSessionAttempt

    # The key straddles the 300-character cut of Kapso's message.
    scripted.reply = Reply(status=422, body={"error": "x" * 285 + " " + TEST_API_KEY})
    alice_client.post("/", {"phone_number": "+14155552671", "agent_id": "agent-x"})
    message = FailedSessionAttempt.objects.get().error_message
    assert TEST_API_KEY[:10] not in message
