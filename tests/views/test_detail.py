"""sandbox/views/detail.py: the session page, its QR downloads, and the live status it polls."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
import requests
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from sandbox import sessions
from tests.conftest import emulator_control, load_fixture
from tests.factories import make_session
from tests.qr_decode import decode_png, decode_svg
from tests.scripted_server import Reply

pytestmark = pytest.mark.django_db


def inline_svg(html: str) -> str:
    return re.search(r'<svg[^>]*role="img".*?</svg>', html, re.S).group(0)


def test_page_shows_message_code_and_a_qr_that_scans_to_the_link(kapso, alice_client, alice):
    session = make_session(alice)
    response = alice_client.get(session.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert session.activation_message in html
    assert f'id="activation-code">{session.activation_code}</code>' in html
    assert decode_svg(inline_svg(html)) == [session.activation_link]
    assert f'href="{session.activation_link.replace("&", "&amp;")}"' in html
    assert "Open in WhatsApp" in html
    assert "Pending activation" in html
    assert "+1 415-555-2671" in html


def test_page_shows_expiry_absolute_and_relative(kapso, alice_client, alice):
    session = make_session(alice)
    html = alice_client.get(session.get_absolute_url()).content.decode()
    assert session.expires_at.strftime("%Y-%m-%d %H:%M") in html
    # One time-left format on every page (issue 18).
    assert re.search(r"\((<span[^>]*>)?2[34] h \d+ min left", html)


def test_lapsed_session_shows_expired_without_a_refresh(kapso, alice_client, alice):
    session = make_session(alice)
    session.expires_at = timezone.now() - timedelta(minutes=5)
    session.save()
    html = alice_client.get(session.get_absolute_url()).content.decode()
    assert "status-expired" in html
    assert "(expired 5 min ago)" in html


def test_expired_leads_with_renew_and_offers_no_code_qr_or_share_link(kapso, alice_client, alice):
    from sandbox import sharing

    session = make_session(alice)
    sharing.share_link_create(session)
    session.refresh_from_db()
    session.expires_at = timezone.now() - timedelta(hours=3)
    session.save()
    html = alice_client.get(session.get_absolute_url()).content.decode()
    assert "<h1>This session has expired</h1>" in html
    assert "Scan to activate" not in html
    assert "<svg" not in html and "wa.me" not in html and "Open in WhatsApp" not in html
    assert session.activation_code not in html.split("<main", 1)[1]
    assert "Share" not in html and "/share/" not in html
    assert "expired 3 h 0 min ago" in html
    # Renew is the first form of the page's content, and the primary button.
    main = html.split('id="session-state"', 1)[1]
    first_form = main.split("<form", 2)[1]
    assert reverse("sandbox:renew", args=[session.pk]) in first_form
    assert 'class="button primary">Renew' in first_form


def test_a_fresh_load_of_an_active_session_says_active_everywhere(kapso, alice_client, alice):
    session = make_session(alice)
    session.status = "active"
    session.activated_at = timezone.now()
    session.save()
    html = alice_client.get(session.get_absolute_url()).content.decode()
    assert "Scan to activate" not in html and "Pending" not in html
    assert 'id="session-status">Active<' in html and 'id="fact-status">Active since' in html


@pytest.mark.parametrize("status", ["pending_activation", "active", "paused_by_kapso"])
def test_the_state_part_is_the_pages_state_part(kapso, alice_client, alice, status):
    session = make_session(alice)
    emulator_control(kapso, f"sessions/{session.kapso_id}/status", {"status": status})
    session.status = status
    session.save()
    page = alice_client.get(session.get_absolute_url()).content.decode()
    part = alice_client.get(reverse("sandbox:state", args=[session.pk]))
    assert part.status_code == 200 and part["Cache-Control"].startswith("max-age=0")
    body = part.content.decode().strip()
    assert "<html" not in body and body.startswith("<header")
    # The page embeds exactly what the state URL serves (the CSRF tokens aside).
    strip = lambda text: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)  # noqa: E731
    assert strip(body) in strip(page)
    key = re.search(r'data-state-key="([^"]+)"', page).group(1)
    polled = alice_client.get(reverse("sandbox:status", args=[session.pk])).json()
    assert polled["state_key"] == key.replace("&amp;", "&")


def test_a_teammate_cannot_fetch_anothers_state_part(kapso, client, alice, bob):
    session = make_session(alice)
    client.force_login(bob)
    assert client.get(reverse("sandbox:state", args=[session.pk])).status_code == 404


def test_unknown_status_is_shown_as_kapso_sent_it(kapso, alice_client, alice):
    session = make_session(alice)
    session.status = "paused_by_kapso"
    session.save()
    assert "Paused by kapso" in alice_client.get(session.get_absolute_url()).content.decode()


def test_svg_download_scans_to_the_link(kapso, alice_client, alice):
    session = make_session(alice)
    response = alice_client.get(reverse("sandbox:qr_svg", args=[session.pk]))
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Disposition"].startswith('attachment; filename="kapso-sandbox-')
    svg = response.content.decode()
    assert svg.startswith("<?xml")
    assert decode_svg(svg.split("\n", 1)[1]) == [session.activation_link]


def test_png_download_scans_to_the_link(kapso, alice_client, alice):
    session = make_session(alice)
    response = alice_client.get(reverse("sandbox:qr_png", args=[session.pk]))
    assert response["Content-Type"] == "image/png"
    assert decode_png(response.content) == [session.activation_link]


@pytest.mark.parametrize("name", ["sandbox:detail", "sandbox:qr_svg", "sandbox:qr_png"])
def test_a_teammate_cannot_see_anothers_session(kapso, client, alice, bob, name):
    session = make_session(alice)
    client.force_login(bob)
    assert client.get(reverse(name, args=[session.pk])).status_code == 404


def test_staff_see_everyones_sessions(kapso, client, alice, charlie):
    session = make_session(alice)
    client.force_login(charlie)
    response = client.get(session.get_absolute_url())
    assert response.status_code == 200
    assert "by alice" in response.content.decode()


def test_agent_text_from_kapso_is_escaped(kapso, alice_client, alice):
    session = make_session(alice)
    session.agent.name = "<script>alert(1)</script>"
    session.agent.save()
    html = alice_client.get(session.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- live status: the endpoint the page polls, and its shared Kapso throttle --------------
def kapso_gets(emulator, session) -> int:
    calls = requests.get(f"{emulator.url}/_emulator/calls", timeout=5).json()["calls"]
    return calls.get(f"GET /api/v1/sandbox_sessions/{session.kapso_id}", 0)


def test_activation_in_kapso_shows_up_in_the_status(kapso, alice_client, alice):
    session = make_session(alice)
    url = reverse("sandbox:status", args=[session.pk])
    first = alice_client.get(url).json()
    assert (first["display_status"], first["final"]) == ("pending_activation", False)
    assert first["headline"] == "Waiting for the code"
    emulator_control(kapso, f"sessions/{session.kapso_id}/status", {"status": "active"})
    cache.clear()  # the throttle window has passed
    state = alice_client.get(url).json()
    assert (state["display_status"], state["label"], state["final"]) == ("active", "Active", True)
    assert state["headline"] == "Activated"
    assert state["activated_at"] is not None
    session.refresh_from_db()
    assert session.status == "active" and session.last_synced_at is not None


def test_one_kapso_call_per_window_however_many_polls(kapso, alice_client, alice):
    session = make_session(alice)
    url = reverse("sandbox:status", args=[session.pk])
    for _ in range(10):
        assert alice_client.get(url).status_code == 200
    assert kapso_gets(kapso, session) == 1


def test_final_sessions_do_not_ask_kapso(kapso, alice_client, alice):
    session = make_session(alice)
    session.status = "active"
    session.save()
    alice_client.get(reverse("sandbox:status", args=[session.pk]))
    assert kapso_gets(kapso, session) == 0


def test_kapso_failure_is_reported_not_raised(scripted, alice_client, alice):
    scripted.reply = Reply(status=201, body=load_fixture("create_sandbox_session.response.json"))
    session = sessions.sandbox_session_create(
        user=alice, phone_number="+12345678901", agent_id="agent-123abc"
    ).session
    session.expires_at = None  # the documented example expired in 2023
    session.save()
    scripted.reply = Reply(status=503, body="<html>down</html>")
    state = alice_client.get(reverse("sandbox:status", args=[session.pk])).json()
    assert "HTTP 503" in state["error"]
    assert state["display_status"] == "pending_activation"
    session.refresh_from_db()
    assert "HTTP 503" in session.last_sync_error
    page = alice_client.get(session.get_absolute_url()).content.decode()
    assert "Last check with Kapso failed: Kapso had a problem on its side (HTTP 503)" in page


def test_a_teammate_cannot_poll_anothers_session(kapso, client, alice, bob):
    session = make_session(alice)
    client.force_login(bob)
    assert client.get(reverse("sandbox:status", args=[session.pk])).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_pollers_make_one_kapso_call(kapso, live_server, alice):
    session = make_session(alice)
    http = requests.Session()
    login = http.get(live_server.url + reverse("account_login"), timeout=10)
    token = login.text.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    http.post(
        live_server.url + reverse("account_login"),
        data={"login": "alice", "password": "alice-password-1", "csrfmiddlewaretoken": token},
        timeout=10,
    )
    cookies = http.cookies.get_dict()
    url = live_server.url + reverse("sandbox:status", args=[session.pk])
    barrier = threading.Barrier(20)
    statuses: list[int] = []

    def poll():
        barrier.wait()
        statuses.append(requests.get(url, cookies=cookies, timeout=10).status_code)

    threads = [threading.Thread(target=poll) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 20
    assert kapso_gets(kapso, session) == 1
