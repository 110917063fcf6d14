"""sandbox/web/security.py: the Content-Security-Policy, our deploy check, and the debug page
that hides the Kapso key."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views.debug import technical_500_response

from sandbox.web.security import AlwaysSafeExceptionReporterFilter
from tests.conftest import TEST_API_KEY

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


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


def test_every_answer_gets_the_policy_even_without_a_login(client, settings):
    for url in ("/accounts/login/", "/healthz", "/no-such-page/"):
        assert client.get(url)["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY


def test_templates_have_no_inline_script_style_or_handlers():
    for path in (ROOT / "templates").rglob("*.html"):
        text = path.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"\sstyle=", text), path
        assert not re.search(r"\son[a-z]+=", text), path


def test_debug_page_hides_the_key_in_settings_and_frames(settings):
    # Even Django's debug error page (never on in production) hides it, including the
    # local variables of the frames that hold it when something fails in there.
    settings.KAPSO_API_KEY = TEST_API_KEY
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


def test_the_filter_is_on_even_with_debug_and_hides_any_local_holding_the_key(settings):
    settings.KAPSO_API_KEY = TEST_API_KEY
    settings.DEBUG = True
    reporter = AlwaysSafeExceptionReporterFilter()
    assert reporter.is_active(RequestFactory().get("/"))
    holder = {"headers": {"X-API-Key": TEST_API_KEY}}  # noqa: F841 - read from the frame
    harmless = "nothing secret"  # noqa: F841 - read from the frame
    shown = dict(reporter.get_traceback_frame_variables(None, sys._getframe()))
    assert shown["holder"] == reporter.cleansed_substitute
    assert shown["harmless"] == "nothing secret"


def test_single_sign_on_providers_join_form_action_and_nothing_else(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"APPS": [{"settings": {"server_url": "https://id.example.com/o/1"}}]},
        "github": {"APPS": [{"client_id": "x"}]},
    }
    settings.SSO_FORM_ACTION_EXTRA = ["https://login.example.net/authorize"]
    csp = client.get("/healthz")["Content-Security-Policy"]
    assert (
        "form-action 'self' https://id.example.com https://github.com https://login.example.net;"
        in csp
    )
    assert csp.replace(
        " https://id.example.com https://github.com https://login.example.net", ""
    ) == (settings.CONTENT_SECURITY_POLICY)
