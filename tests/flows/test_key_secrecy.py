"""The Kapso key never leaves: with a recognisable key set, every page (admin included) is
opened while Kapso fails, and bodies, headers, recorded failures and logs are scanned.

Each layer that keeps it out is proven beside its module too: the client's redaction of
Kapso's words in tests/kapso/test_errors.py, the log filter as configured in
tests/web/test_log_filters.py, the debug page in tests/web/test_security.py.
"""

from __future__ import annotations

import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

from sandbox import sharing
from sandbox.agents import AGENTS_FRESH_KEY
from tests.conftest import TEST_API_KEY, emulator_control
from tests.factories import make_session
from tests.scripted_server import Reply

pytestmark = pytest.mark.django_db


def test_key_appears_in_no_page_header_error_or_log(kapso, root_client, root, caplog):
    caplog.set_level(logging.DEBUG)
    client = root_client
    session = make_session(root)
    sharing.share_link_create(session)
    emulator_control(kapso, "faults", {"kind": "status", "path": "/api/v1/agents", "status": 401})
    cache.delete(AGENTS_FRESH_KEY)  # so the form asks Kapso for its agents, and meets the 401
    # Each page with the status it must answer: a page that broke (a 404 or a 500 where
    # the page should be) would prove nothing about what it shows.
    pages = {
        "/": 200,  # the agent list fails with Kapso's 401: the form says so
        "/sessions/": 200,
        session.get_absolute_url(): 200,
        reverse("sandbox:status", args=[session.pk]): 200,
        reverse("sandbox:qr_svg", args=[session.pk]): 200,
        reverse("sandbox:shared", args=[sharing.share_token(session)]): 200,
        "/sessions/999999/": 404,
        "/healthz": 200,
        "/admin/": 200,
        "/admin/sandbox/sandboxsession/": 200,
        f"/admin/sandbox/sandboxsession/{session.pk}/change/": 200,
        "/admin/sandbox/agent/": 200,
        "/admin/sandbox/failedsessionattempt/": 200,
        "/admin/auth/user/": 200,
    }
    seen = {}
    for url, status in pages.items():
        response = client.get(url)
        seen[url] = response.content.decode(errors="replace")
        assert response.status_code == status, url
        assert TEST_API_KEY not in seen[url], url
        assert TEST_API_KEY not in str(response.headers), url
    assert "Check KAPSO_API_KEY" in seen["/"]  # Kapso's refusal was on the page
    assert TEST_API_KEY not in caplog.text


def test_key_stays_out_of_failures_recorded_for_admins(scripted, alice_client):
    from sandbox.models import FailedSessionAttempt

    scripted.reply = Reply(status=422, body={"error": f"bad key {TEST_API_KEY}"})
    alice_client.post("/", {"phone_number": "+14155552671", "agent_id": "agent-x"})
    attempt = FailedSessionAttempt.objects.get()
    # Kapso's own words are shown, but a key it echoes back is not.
    assert "bad key [redacted]" in attempt.error_message
    assert TEST_API_KEY not in attempt.error_message
    assert TEST_API_KEY not in alice_client.get("/").content.decode()
