"""Layout at phone and laptop widths, measured from the rendered boxes.

A phone is already holding WhatsApp, so the session page leads with the button and the
code; a laptop leads with the QR code, which must be on screen without scrolling.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import (
    BROWSER_TEST_TIMEOUT,
    LAPTOP,
    PHONE,
    create_session_via_form,
    log_in,
)
from tests.factories import make_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), BROWSER_TEST_TIMEOUT]

NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def boxes(page) -> dict[str, dict]:
    found = {
        "qr": page.get_by_role("img", name="QR code"),
        "button": page.get_by_role("link", name="Open in WhatsApp"),
        "code": page.locator("#activation-code"),
        "code_panel": page.get_by_role("region", name="Activation code"),
    }
    for name, locator in found.items():
        assert locator.count() == 1, name
        assert locator.is_visible(), name
    return {name: locator.bounding_box() for name, locator in found.items()}


def bottom(box: dict) -> float:
    return box["y"] + box["height"]


def test_phone_leads_with_the_button_and_the_code(open_page, alice):
    page = open_page(PHONE).page
    log_in(page, "alice", "alice-password-1")
    create_session_via_form(page, "+1 415 555 2671")
    box = boxes(page)
    # Above the QR code, and on the first screen.
    assert bottom(box["button"]) <= box["qr"]["y"]
    assert bottom(box["code"]) <= box["qr"]["y"]
    assert bottom(box["button"]) <= PHONE["height"]
    assert bottom(box["code"]) <= PHONE["height"]
    # Large: full width of the panel and a comfortable touch target.
    assert box["button"]["height"] >= 44
    assert box["button"]["width"] >= PHONE["width"] * 0.75
    assert page.evaluate(NO_HORIZONTAL_SCROLL)


def test_laptop_leads_with_the_qr_code_on_screen(open_page, alice):
    page = open_page(LAPTOP).page
    log_in(page, "alice", "alice-password-1")
    create_session_via_form(page, "+1 415 555 2671")
    box = boxes(page)
    qr, panel = box["qr"], box["code_panel"]
    beside = qr["x"] + qr["width"] <= panel["x"]
    above = bottom(qr) <= panel["y"]
    assert beside or above
    # Whole QR code in the first screen, big enough to scan from arm's length.
    assert qr["y"] >= 0 and bottom(qr) <= LAPTOP["height"]
    assert qr["x"] >= 0 and qr["x"] + qr["width"] <= LAPTOP["width"]
    assert qr["width"] >= 250
    assert page.evaluate(NO_HORIZONTAL_SCROLL)


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_no_page_scrolls_sideways(open_page, kapso, alice, viewport):
    for phone in ("+14155552671", "+442079460958", "+4930901820"):
        make_session(alice, phone=phone, agent_index=1)
    page = open_page(viewport).page
    page.goto("/accounts/login/")
    pages = {"login": page.evaluate(NO_HORIZONTAL_SCROLL)}
    log_in(page, "alice", "alice-password-1")
    page.goto("/")
    pages["create"] = page.evaluate(NO_HORIZONTAL_SCROLL)
    page.get_by_label("Phone number").fill("not a number at all, typed into the wrong field")
    page.get_by_role("button", name="Create session").click()
    assert page.locator(".field-error").count() >= 1
    pages["create with errors"] = page.evaluate(NO_HORIZONTAL_SCROLL)
    create_session_via_form(page, "+1 415 555 2671")
    pages["session"] = page.evaluate(NO_HORIZONTAL_SCROLL)
    page.goto("/sessions/")
    assert page.locator("tbody tr").count() == 4
    pages["history"] = page.evaluate(NO_HORIZONTAL_SCROLL)
    assert pages == {page: True for page in pages}
