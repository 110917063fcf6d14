"""sandbox/views/sharing.py: starting and revoking a share link, and the public page it opens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sandbox import sharing
from tests.factories import make_session
from tests.qr_decode import decode_svg

pytestmark = pytest.mark.django_db


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
    assert 'href="/privacy/"' in html  # what is kept about the number, for the tester


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
