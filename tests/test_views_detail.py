"""The session page and its QR downloads."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_session
from tests.qr_decode import decode_png, decode_svg

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
    assert re.search(r"\(in 2[34]\xa0hours", html) or re.search(r"\(in 2[34]&nbsp;hours", html)


def test_lapsed_session_shows_expired_without_a_refresh(kapso, alice_client, alice):
    session = make_session(alice)
    session.expires_at = timezone.now() - timedelta(minutes=5)
    session.save()
    html = alice_client.get(session.get_absolute_url()).content.decode()
    assert "status-expired" in html
    assert "(expired 5" in html


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
