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

from sandbox import qr, sessions
from sandbox.presenters import inline_qr
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


def test_the_page_reads_no_stored_kapso_answer(kapso, alice_client, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    session = make_session(alice)
    with CaptureQueriesContext(connection) as queries:
        response = alice_client.get(session.get_absolute_url())
    assert response.status_code == 200 and session.activation_code in response.content.decode()
    read = [q["sql"] for q in queries if "sandbox_sandboxsession" in q["sql"]]
    assert read and not any("raw_payload" in sql for sql in read)


# --- the kept page (sandbox/page_cache.py, sandbox/session_page.py) -------------------------
@pytest.fixture
def kept_pages(settings):
    settings.PAGES_CACHED = True  # one test process: its local cache stands in for Redis


def test_a_first_view_reads_its_code_in_the_kept_page_s_round_trip(
    kapso, alice_client, alice, kept_pages, monkeypatch
):
    session = make_session(alice)
    code = inline_qr(session)  # kept now, as the admin's change page would keep it
    asked, inside, real_get, real_get_many = [], [], cache.get, cache.get_many

    def get_many(keys, *args, **kwargs):
        asked.append(list(keys))
        inside.append(1)  # the local cache's get_many calls get: not a round trip of its own
        try:
            return real_get_many(keys, *args, **kwargs)
        finally:
            inside.pop()

    def get(key, *args, **kwargs):
        if not inside:
            asked.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", get_many)
    monkeypatch.setattr(cache, "get", get)
    page = alice_client.get(session.get_absolute_url()).content.decode()
    assert code in page
    code_reads = [keys for keys in asked if qr.kept_key(session.pk) in keys]
    assert len(code_reads) == 1 and isinstance(code_reads[0], list)  # with the page's keys


def test_a_second_view_is_the_kept_page_after_one_narrow_read(
    kapso, alice_client, alice, kept_pages
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    session = make_session(alice)
    first = alice_client.get(session.get_absolute_url()).content.decode()
    with CaptureQueriesContext(connection) as reads:
        again = alice_client.get(session.get_absolute_url()).content.decode()
    sessions_read = [q["sql"] for q in reads if "sandbox_sandboxsession" in q["sql"]]
    assert len(sessions_read) == 1 and "activation_message" not in sessions_read[0]
    assert re.sub(r'value="[^"]+"', "", again) == re.sub(r'value="[^"]+"', "", first)


def _rename_agent(session):
    session.agent.name = "Renamed bot"
    session.agent.save()


def _rename_creator(session):
    session.created_by.username = "alice-renamed"
    session.created_by.save(update_fields=["username"])


def _erase(session):
    from sandbox.privacy.erasure import erase_phone

    erase_phone(session.phone_number, door="test")


DOORS = {  # each changes what the page shows, each by another way of writing
    "status saved (refresh)": (lambda s: _saved(s, status="active"), "Active"),
    "error set by update()": (
        lambda s: type(s).objects.filter(pk=s.pk).update(last_sync_error="Kapso said no"),
        "Kapso said no",
    ),
    "bulk_update (sync)": (
        lambda s: type(s).objects.bulk_update(
            [_set(s, activation_code="NEWCODE9")], ["activation_code"]
        ),
        "NEWCODE9",
    ),
    "agent renamed": (_rename_agent, "Renamed bot"),
    "creator renamed": (_rename_creator, "alice-renamed"),
    "erasure": (_erase, "+1 415-555-2671"),  # the phone must be gone: checked below
}


def _set(session, **fields):
    for name, value in fields.items():
        setattr(session, name, value)
    return session


def _saved(session, **fields):
    _set(session, **fields).save()


@pytest.mark.parametrize("door", DOORS.values(), ids=DOORS.keys())
def test_a_change_through_any_door_is_never_served_stale(
    kapso, alice_client, alice, kept_pages, door
):
    write, shown = door
    session = make_session(alice)
    url = session.get_absolute_url()
    before = alice_client.get(url).content.decode()
    assert alice_client.get(url).content.decode().count("<") == before.count("<")  # kept
    write(type(session).objects.select_related("agent", "created_by").get(pk=session.pk))
    after = alice_client.get(url).content.decode()
    if write is _erase:
        assert shown in before and shown not in after
    else:
        assert shown not in before and shown in after


def test_a_kept_page_is_never_served_to_someone_who_may_not_see_it(
    kapso, alice_client, alice, bob, client, kept_pages
):
    session = make_session(alice)
    assert alice_client.get(session.get_absolute_url()).status_code == 200
    client.force_login(bob)
    assert client.get(session.get_absolute_url()).status_code == 404


def test_a_kept_pages_forms_carry_this_responses_working_csrf_token(kapso, alice, kept_pages):
    from django.test import Client

    session = make_session(alice)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    browser.get(session.get_absolute_url())
    kept = browser.get(session.get_absolute_url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', kept).group(1)
    renewed = browser.post(
        reverse("sandbox:renew", args=[session.pk]), {"csrfmiddlewaretoken": token}
    )
    assert renewed.status_code == 302


def test_the_code_is_not_shown_past_the_expiry_even_from_a_kept_page(
    kapso, alice_client, alice, kept_pages
):
    import time

    session = make_session(alice)
    type(session).objects.filter(pk=session.pk).update(
        expires_at=timezone.now() + timedelta(seconds=1.5)
    )
    url = session.get_absolute_url()
    assert "Open in WhatsApp" in alice_client.get(url).content.decode()
    time.sleep(1.6)
    assert "Open in WhatsApp" not in alice_client.get(url).content.decode()


def test_a_linked_teammate_is_always_answered_by_the_access_rule_itself(
    kapso, alice, bob, client, kept_pages
):
    from sandbox.team.models import Tester

    session = make_session(alice)
    tester = Tester.objects.create(name="Bob", phone_number=session.phone_number, account=bob)
    client.force_login(bob)
    for _ in range(2):  # the second would be a kept page, were bob staff or the creator
        assert client.get(session.get_absolute_url()).status_code == 200
    tester.delete()
    assert client.get(session.get_absolute_url()).status_code == 404


def test_a_first_view_is_one_read_of_the_session(kapso, alice_client, alice, kept_pages):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    session = make_session(alice)
    with CaptureQueriesContext(connection) as reads:
        assert alice_client.get(session.get_absolute_url()).status_code == 200
    sessions_read = [q["sql"] for q in reads if "sandbox_sandboxsession" in q["sql"]]
    assert len(sessions_read) == 1  # no column the page shows is left to a read of its own
    assert "raw_payload" not in sessions_read[0] and "password" not in sessions_read[0]
