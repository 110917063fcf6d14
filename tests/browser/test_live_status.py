"""Live activation: with the session page open, the phone sends the code (the emulator's
control endpoint stands in for it) and the page shows it, with no reload."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import (
    ACTION_TIMEOUT_MS,
    BROWSER_TEST_TIMEOUT,
    create_session_via_form,
    log_in,
)
from tests.conftest import emulator_control

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), BROWSER_TEST_TIMEOUT]


def test_page_turns_active_within_ten_seconds_without_reload(open_page, kapso, alice):
    opened = open_page()
    page = opened.page
    log_in(page, "alice", "alice-password-1")
    session = create_session_via_form(page, "+1 415 555 2671")
    status = page.locator("#session-status")
    assert status.inner_text() == "Pending activation"
    # A marker that a reload would wipe out.
    page.evaluate("window.__notReloaded = true")

    started = time.monotonic()
    emulator_control(kapso, f"sessions/{session.kapso_id}/status", {"status": "active"})
    # A locator assertion, not wait_for_function: the page's CSP forbids eval. It waits
    # longer than the promise, so a slow run fails on the measured time, not on a timeout.
    expect(status).to_have_text("Active", timeout=ACTION_TIMEOUT_MS)
    elapsed = time.monotonic() - started
    # The page polls every 3 s and the server asks Kapso at most every 5 s: 8 s at worst.
    assert elapsed < 10, f"the page turned active after {elapsed:.1f} s"
    assert page.evaluate("window.__notReloaded") is True
    assert page.locator("#status-headline").inner_text() == "Activated"
    assert "This phone can talk to" in page.locator("#status-detail").inner_text()
    # The announcement happens in a live region, and polling has stopped.
    assert page.locator("#status-box").get_attribute("role") == "status"
    assert page.locator("#live-status").get_attribute("data-final") == "true"
    assert opened.problems.of(page) == []


def test_polling_pauses_while_the_tab_is_hidden(open_page, kapso, alice):
    opened = open_page()
    page = opened.page
    log_in(page, "alice", "alice-password-1")
    create_session_via_form(page, "+1 415 555 2672")
    polls: list[str] = []
    page.on("request", lambda r: polls.append(r.url) if "status.json" in r.url else None)
    # The page polls while visible (every 3 s): waited for by event, however slow the machine.
    page.wait_for_event("request", lambda r: "status.json" in r.url, timeout=ACTION_TIMEOUT_MS)
    page.evaluate(
        """() => {
            Object.defineProperty(document, 'hidden', {value: true, configurable: true});
            document.dispatchEvent(new Event('visibilitychange'));
        }"""
    )
    # A poll that left just before the tab was hidden may still be reported: let it land.
    page.wait_for_timeout(1000)
    seen = len(polls)
    assert seen >= 1
    page.wait_for_timeout(7000)  # more than two poll intervals
    assert len(polls) == seen
    assert opened.problems.of(page) == []
