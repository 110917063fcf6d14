"""sandbox/presenters.py: a session's state in words, the same on the page and in its
live status."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sandbox.models import Agent, SandboxSession
from sandbox.presenters import inline_qr, qr_label, status_payload, status_text
from tests.qr_decode import decode_svg


def session(**fields) -> SandboxSession:
    values = {
        "kapso_id": "s-1",
        "agent": Agent(kapso_id="agent-1", name="Support bot"),
        "phone_number": "+14155552671",
        "status": SandboxSession.PENDING,
        "activation_code": "ABC123",
        "activation_message": "Send ABC123",
        "activation_link": "https://wa.me/15550001111?text=ABC123",
        "expires_at": timezone.now() + timedelta(hours=1),
        "raw_payload": {},
        **fields,
    }
    return SandboxSession(**values)


def test_pending_says_what_to_do_and_by_when():
    headline, detail = status_text(session())
    assert headline == "Waiting for the code"
    assert detail.startswith("Scan the QR code and send the prefilled message from WhatsApp")
    # By the moment, written once: the ticking "time left" is elsewhere on the page.
    assert " before " in detail and detail.endswith("This page updates by itself.")


def test_active_says_who_the_phone_talks_to():
    activated = timezone.now()
    headline, detail = status_text(session(status="active", activated_at=activated))
    assert headline == "Activated"
    assert detail.startswith("This phone can talk to Support bot since ")


def test_expired_says_to_renew():
    headline, detail = status_text(session(expires_at=timezone.now() - timedelta(seconds=1)))
    assert headline == "Expired" and "Renew" in detail


def test_an_unknown_status_is_shown_as_sent():
    headline, detail = status_text(session(status="paused_by_kapso"))
    assert headline == "Paused by kapso" and "as sent" in detail


def test_the_payload_carries_the_same_words_as_the_page():
    shown = session(status="active", activated_at=timezone.now())
    payload = status_payload(shown, error="Kapso had a problem")
    assert (payload["headline"], payload["detail"]) == status_text(shown)
    assert payload["display_status"] == "active" and payload["final"] is True
    assert payload["label"] == "Active" and payload["error"] == "Kapso had a problem"
    assert payload["activated_at"] == shown.activated_at.isoformat()
    assert payload["last_synced_at"] is None


@pytest.mark.django_db
def test_the_inline_qr_scans_to_the_link_and_names_the_code():
    shown = session()
    svg = str(inline_qr(shown))
    assert decode_svg(svg) == [shown.activation_link]
    assert f'aria-label="{qr_label(shown)}"' in svg and "ABC123" in qr_label(shown)
