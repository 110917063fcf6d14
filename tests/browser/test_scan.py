"""The scan, end to end: log in, create through the form, and read the QR code off the screen.

The expected link comes from the database and the emulator, never from the page, so a page
that showed (and encoded) the wrong link would fail.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import BROWSER_TEST_TIMEOUT, PHONE, create_session_via_form, log_in
from tests.qr_decode import decode_png, decode_svg

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), BROWSER_TEST_TIMEOUT]


def expected_link(kapso, session) -> str:
    issued = kapso.store.get_session(session.kapso_id)["activation_link"]
    assert session.activation_link == issued  # what Kapso issued is what was stored
    assert issued.startswith("https://wa.me/15550001111?text=")
    return issued


def test_qr_on_screen_and_downloads_scan_to_the_activation_link(open_page, kapso, alice):
    opened = open_page()
    page = opened.page
    log_in(page, "alice", "alice-password-1")
    session = create_session_via_form(page, "+1 415 555 2671")
    link = expected_link(kapso, session)
    assert session.phone_number == "+14155552671"

    # What a phone's camera sees: the visible viewport, no scrolling.
    assert decode_png(page.screenshot()) == [link]

    with page.expect_download() as png:
        page.get_by_role("link", name="PNG").click()
    assert png.value.suggested_filename.endswith(".png")
    assert decode_png(Path(png.value.path()).read_bytes()) == [link]

    with page.expect_download() as svg:
        page.get_by_role("link", name="SVG").click()
    assert decode_svg(Path(svg.value.path()).read_text(encoding="utf-8")) == [link]
    assert opened.problems.of(page) == []


def test_qr_scans_on_a_phone_sized_page(open_page, kapso, alice):
    page = open_page(PHONE).page
    log_in(page, "alice", "alice-password-1")
    session = create_session_via_form(page, "0044 20 7946 0958", agent=None)
    link = expected_link(kapso, session)
    page.locator(".qr svg").scroll_into_view_if_needed()
    assert decode_png(page.screenshot()) == [link]
