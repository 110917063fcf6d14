"""Renew and share links on the session page."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sandbox import sharing
from sandbox.models import SandboxSession
from tests.factories import make_session
from tests.qr_decode import decode_svg

pytestmark = pytest.mark.django_db


def test_renew_creates_a_fresh_session_for_the_same_phone_and_agent(kapso, alice_client, alice):
    old = make_session(alice, "+447911123456", agent_index=1)
    response = alice_client.post(reverse("sandbox:renew", args=[old.pk]))
    fresh = SandboxSession.objects.exclude(pk=old.pk).get()
    assert response.status_code == 302 and response.url == fresh.get_absolute_url()
    assert (fresh.phone_number, fresh.agent, fresh.created_by) == (
        old.phone_number,
        old.agent,
        alice,
    )
    assert fresh.renewed_from == old
    assert fresh.kapso_id != old.kapso_id and fresh.activation_code
    assert "the session of" in alice_client.get(fresh.get_absolute_url()).content.decode()


def test_renew_failure_is_a_message_on_the_old_session(kapso, alice_client, alice, settings):
    old = make_session(alice)
    settings.KAPSO_API_BASE_URL = "http://127.0.0.1:9/api/v1"
    response = alice_client.post(reverse("sandbox:renew", args=[old.pk]), follow=True)
    assert response.redirect_chain[-1][0] == old.get_absolute_url()
    assert "Could not renew: Could not reach Kapso" in response.content.decode()
    assert SandboxSession.objects.count() == 1


def test_renew_is_post_only_and_private(kapso, client, alice, bob):
    old = make_session(alice)
    client.force_login(bob)
    assert client.post(reverse("sandbox:renew", args=[old.pk])).status_code == 404
    client.force_login(alice)
    assert client.get(reverse("sandbox:renew", args=[old.pk])).status_code == 405


def share(client, session, action="create"):
    return client.post(reverse("sandbox:share", args=[session.pk]), {"action": action})


def test_share_link_shows_qr_and_message_without_login(kapso, alice_client, alice, client):
    session = make_session(alice)
    share(alice_client, session)
    session.refresh_from_db()
    url = reverse("sandbox:shared", args=[sharing.share_token(session)])
    assert url in alice_client.get(session.get_absolute_url()).content.decode()
    alice_client.logout()
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert session.activation_message in html
    assert session.phone_number not in html and "415-555" not in html
    svg = html[html.index("<svg version") : html.index("</svg>") + 6]
    assert decode_svg(svg) == [session.activation_link]
    assert page["Referrer-Policy"] == "no-referrer"


def test_revoked_or_replaced_link_stops_working(kapso, alice_client, alice):
    session = make_session(alice)
    share(alice_client, session)
    session.refresh_from_db()
    first = reverse("sandbox:shared", args=[sharing.share_token(session)])
    share(alice_client, session)  # a new link replaces the old one
    session.refresh_from_db()
    second = reverse("sandbox:shared", args=[sharing.share_token(session)])
    assert alice_client.get(first).status_code == 404
    assert alice_client.get(second).status_code == 200
    share(alice_client, session, "revoke")
    response = alice_client.get(second)
    assert response.status_code == 404 and "no longer works" in response.content.decode()


def test_share_link_dies_with_the_session(kapso, alice_client, alice):
    session = make_session(alice)
    share(alice_client, session)
    session.refresh_from_db()
    url = reverse("sandbox:shared", args=[sharing.share_token(session)])
    session.expires_at = timezone.now() - timedelta(seconds=1)
    session.save()
    assert alice_client.get(url).status_code == 404


def test_forged_tokens_open_nothing(kapso, alice_client, alice, client):
    session = make_session(alice)
    share(alice_client, session)
    session.refresh_from_db()
    token = sharing.share_token(session)
    from django.core import signing

    forged = [
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        signing.dumps({"s": session.pk, "n": session.share_nonce}, salt="another-salt"),
        signing.dumps({"s": session.pk, "n": "guessed"}, salt=sharing.SALT),
        "garbage",
    ]
    for bad in forged:
        assert client.get(reverse("sandbox:shared", args=[bad])).status_code == 404


def test_only_creator_or_staff_can_share(kapso, client, alice, bob, charlie):
    session = make_session(alice)
    client.force_login(bob)
    assert share(client, session).status_code == 404
    client.force_login(charlie)
    assert share(client, session).status_code == 302
    session.refresh_from_db()
    assert session.share_nonce


def test_no_share_link_for_an_expired_session(kapso, alice_client, alice):
    session = make_session(alice)
    session.expires_at = timezone.now() - timedelta(seconds=1)
    session.save()
    response = share(alice_client, session)
    session.refresh_from_db()
    assert response.status_code == 302 and session.share_nonce == ""
    assert "has expired" in alice_client.get(session.get_absolute_url()).content.decode()


def test_share_links_have_a_maximum_age(kapso, alice_client, alice):
    session = make_session(alice)
    session.expires_at = None  # Kapso gave no expiry
    session.save()
    share(alice_client, session)
    session.refresh_from_db()
    token = sharing.share_token(session)
    from unittest import mock

    later = time.time() + sharing.MAX_AGE.total_seconds() + 60
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert alice_client.get(reverse("sandbox:shared", args=[token])).status_code == 404
    assert alice_client.get(reverse("sandbox:shared", args=[token])).status_code == 200
