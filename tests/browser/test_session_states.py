"""The session page in every row of its state table (docs/session-states.md), at laptop and
phone width, loaded fresh and changed live: every visible statement of status, expiry and
time left agrees, an expired page offers no QR code that scans, and axe-core finds nothing
serious on any state."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from sandbox import sessions, timewords
from sandbox.models import SandboxSession
from tests.browser.conftest import (
    ACTION_TIMEOUT_MS,
    BROWSER_TEST_TIMEOUT,
    LAPTOP,
    PHONE,
    axe_violations,
    create_session_via_form,
    log_in,
)
from tests.conftest import emulator_control
from tests.factories import make_session
from tests.qr_decode import decode_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), BROWSER_TEST_TIMEOUT]

NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"
WIDTHS = pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])

# Row: (what the emulator is told, heading, badge, QR code and Open in WhatsApp offered).
ROWS = {
    "pending": (None, "Scan to activate", "Pending activation", True),
    "active": ("active", "Active: the phone is connected", "Active", True),
    "expired": ("expired", "This session has expired", "Expired", False),
    "other": ("paused_by_kapso", "Kapso says: Paused by kapso", "Paused by kapso", True),
    "no expiry known": ("active", "Active: the phone is connected", "Active", True),
}


def in_state(kapso, session: SandboxSession, row: str) -> SandboxSession:
    told = ROWS[row][0]
    if told:
        emulator_control(kapso, f"sessions/{session.kapso_id}/status", {"status": told})
    session = sessions.sandbox_session_refresh(session)
    if row == "no expiry known":
        SandboxSession.objects.filter(pk=session.pk).update(expires_at=None)
        session.refresh_from_db()
    return session


def statements(page) -> dict:
    """Everything the page says about status, expiry and time left, as shown."""
    return page.evaluate(
        """() => {
          const text = (sel) => [...document.querySelectorAll(sel)]
            .filter(el => el.checkVisibility()).map(el => el.textContent.trim());
          return {
            heading: text("main h1"), badge: text("#session-status"),
            headline: text("#status-headline"), detail: text("#status-detail"),
            status_fact: text("#fact-status"), expires_fact: text("#fact-expires"),
            countdown: text("#countdown-line"), left: text(".time-left"),
            expires_at: [...document.querySelectorAll("[data-expires-at], time[datetime]")]
              .map(el => el.dataset.expiresAt || el.getAttribute("datetime")),
            qr: document.querySelectorAll(".qr svg").length,
            whatsapp: text("a.whatsapp").length,
            share: text("#share-heading").length,
          };
        }"""
    )


def assert_agrees_with(found: dict, session: SandboxSession, row: str) -> None:
    _, heading, badge, offers = ROWS[row]
    assert found["heading"] == [heading]
    assert found["badge"] == [badge]
    assert found["status_fact"][0].startswith(badge)
    assert (found["qr"] == 1, found["whatsapp"] == 1, found["share"] == 1) == (offers,) * 3
    if session.expires_at is None:
        assert found["expires_fact"] == ["Kapso did not say"]
        assert found["expires_at"] == [] and found["left"] == [] and found["countdown"] == []
        return
    on = timewords.when(session.expires_at)
    assert found["expires_fact"][0].startswith(on)
    # Every machine-readable expiry on the page is the stored one.
    stored = session.expires_at.isoformat()
    assert found["expires_at"] and set(found["expires_at"]) == {stored}
    if row == "expired":
        assert "expired" in found["expires_fact"][0] and found["left"] == []
        ago = timewords.time_ago(session.expires_at)
        assert f"stopped working {ago} ({on})" in found["detail"][0]
    else:
        # Every "time left" says the same, in the one format, and fits the stored expiry.
        assert len(found["left"]) == 2 and len(set(found["left"])) == 1
        seconds = timewords.seconds_left(session.expires_at)
        near = {f"{timewords.duration(seconds + d)} left" for d in (-60, 0, 60)}
        assert found["left"][0] in near, (found["left"], near)
        assert on in found["countdown"][0]


@WIDTHS
def test_every_state_row_says_one_thing_offers_the_right_things_and_passes_axe(
    open_page, kapso, alice, viewport
):
    shown = {
        row: in_state(kapso, make_session(alice, phone=f"+1415555268{i}"), row)
        for i, row in enumerate(ROWS)
    }
    opened = open_page(viewport)
    page = opened.page
    log_in(page, "alice", "alice-password-1")
    violations = {}
    for row, session in shown.items():
        page.goto(session.get_absolute_url())
        assert_agrees_with(statements(page), session, row)
        assert page.evaluate(NO_HORIZONTAL_SCROLL), row
        violations[row] = axe_violations(page)
        qr_codes = decode_png(page.screenshot(full_page=True))
        if ROWS[row][3]:
            # The check below can see a QR code when there is one.
            assert qr_codes == [session.activation_link], row
        else:
            assert qr_codes == [], row
            assert session.activation_link not in page.content()
            # Renew leads: the first button of the page's content, and above everything.
            renew = page.get_by_role("button", name=re.compile("^Renew"))
            assert renew.count() == 1
            first = page.locator("#session-state button").first
            assert first.inner_text().startswith("Renew")
            panel = page.locator(".code-panel").bounding_box()
            assert renew.bounding_box()["y"] < panel["y"]
    assert violations == {row: [] for row in ROWS}
    assert opened.problems.of(page) == []


@WIDTHS
def test_a_live_activation_changes_every_statement_within_one_poll(
    open_page, kapso, alice, viewport
):
    opened = open_page(viewport)
    page = opened.page
    log_in(page, "alice", "alice-password-1")
    session = create_session_via_form(page, "+1 415 555 2671")
    assert_agrees_with(statements(page), session, "pending")
    page.evaluate("window.__notReloaded = true")
    parts: list[str] = []
    page.on("request", lambda r: parts.append(r.url) if "/state/" in r.url else None)

    started = time.monotonic()
    emulator_control(kapso, f"sessions/{session.kapso_id}/status", {"status": "active"})
    expect(page.locator("#session-status")).to_have_text("Active", timeout=ACTION_TIMEOUT_MS)
    elapsed = time.monotonic() - started
    # One poll (3 s) after the server's refresh window (5 s): 8 s at worst.
    assert elapsed < 10, f"the page turned active after {elapsed:.1f} s"
    session.refresh_from_db()
    assert session.status == "active"
    assert_agrees_with(statements(page), session, "active")
    assert page.evaluate("window.__notReloaded") is True
    assert len(parts) == 1  # the state part, fetched once, swapped whole
    assert "Activated" in page.locator("#status-announce").inner_text()
    assert page.locator("#live-status").get_attribute("data-final") == "true"
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    assert axe_violations(page) == []
    assert opened.problems.of(page) == []


def test_a_live_expiry_takes_the_qr_code_away(open_page, kapso, alice):
    opened = open_page()
    page = opened.page
    log_in(page, "alice", "alice-password-1")
    session = create_session_via_form(page, "+1 415 555 2671")
    assert decode_png(page.screenshot()) == [session.activation_link]
    emulator_control(kapso, f"sessions/{session.kapso_id}/status", {"status": "expired"})
    expect(page.locator("#session-status")).to_have_text("Expired", timeout=ACTION_TIMEOUT_MS)
    session.refresh_from_db()
    assert_agrees_with(statements(page), session, "expired")
    assert decode_png(page.screenshot(full_page=True)) == []
    expect(page.get_by_role("button", name=re.compile("^Renew"))).to_be_visible()
    assert opened.problems.of(page) == []
