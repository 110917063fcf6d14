"""The team's whole flow in Debian's Chromium: import testers, onboard 5 testers x 2 agents
on a real job worker and watch the progress reach 10, print the sheet and decode every QR
code on it, and see a matrix cell turn active by itself when the phone sends its code."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sandbox.models import SandboxSession
from sandbox.team.models import OnboardingBatch, Tester
from tests.browser.conftest import BROWSER_TEST_TIMEOUT, PHONE, axe_violations, log_in
from tests.conftest import emulator_control
from tests.qr_decode import decode_png
from tests.team.conftest import running_worker

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), BROWSER_TEST_TIMEOUT]

ROSTER = (
    "\ufeffName;Phone;E-mail\n"
    "Ann;+44 20 7946 0958;ann@example.com\n"
    "Ben;0044 20 7946 0959;\n"
    "Cy;+1 415 555 2671;cy@example.com\n"
    "Di;+1 (415) 555-2672;\n"
    "Ed;+49 30 901820;\n"
    "Ed again;+49 30 901820;ed@example.com\n"
    "Bad;call me;\n"
)
# Printable width of each paper with the sheet's 12 mm margins, in CSS pixels (96 per inch).
PAPER = {"A4": round((210 - 24) / 25.4 * 96), "Letter": round((215.9 - 24) / 25.4 * 96)}
MIN_QR_PX = 3 / 2.54 * 96  # 3 cm


def test_onboard_a_team_print_the_sheet_and_watch_the_matrix(open_page, kapso, charlie, tmp_path):
    opened = open_page()
    page = opened.page
    log_in(page, "charlie", "charlie-password-1")

    # Import: a CSV from Excel (BOM, semicolons), a duplicate and a bad line.
    csv_file = tmp_path / "team.csv"
    csv_file.write_text(ROSTER, encoding="utf-8")
    page.goto("/team/testers/")
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Import testers").click()
    expect(page.get_by_role("status").first).to_contain_text("5 added")
    expect(page.locator(".line-report")).to_contain_text("Line 8: Phone 'call me'")
    assert Tester.objects.count() == 5

    # Onboard all five to two agents, on a real worker.
    page.goto("/")  # loads Kapso's agent list
    page.goto("/onboard/")
    for name in ("Ann", "Ben", "Cy", "Di", "Ed"):
        page.get_by_role("checkbox", name=re.compile(f"^{name} ")).check()
    agent_boxes = page.locator("input[name=agents]")
    agent_boxes.nth(0).check()
    agent_boxes.nth(1).check()
    with running_worker():
        page.get_by_role("button", name="Onboard").click()
        page.wait_for_url(re.compile(r".*/onboard/\d+/$"))
        expect(page.locator("#count-done")).to_have_text("10")
        expect(page.locator("#progress-bar")).to_have_attribute("value", "10")
        expect(page.locator("#progress-state")).to_have_text("Finished")
    assert axe_violations(page) == []
    batch = OnboardingBatch.objects.get()
    sessions = {p.session.activation_link for p in batch.pairs.select_related("session")}
    assert len(sessions) == 10

    # The sheet, as printed on A4 and on Letter: every QR code scans to its own link.
    page.goto(f"/onboard/{batch.pk}/sheet/")
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    for paper, width in PAPER.items():
        page.set_viewport_size({"width": width, "height": 1200})
        cards = page.locator(".sheet-card")
        assert cards.count() == 10
        for i in range(10):
            box = cards.nth(i).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (paper, i, box)
            qr = cards.nth(i).locator("svg").bounding_box()
            assert qr["width"] >= MIN_QR_PX, (paper, qr)
        decoded = decode_png(page.screenshot(full_page=True))
        assert sorted(decoded) == sorted(sessions), paper
    page.emulate_media(media="screen")

    # The matrix: one session turns active in Kapso; its cell follows, with no reload.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/team/")
    assert axe_violations(page) == []
    requests = []
    page.on("request", lambda r: requests.append(r.url) if r.resource_type == "fetch" else None)
    page.evaluate("window.__sameDocument = true")
    ann = Tester.objects.get(name="Ann")
    session = SandboxSession.objects.filter(phone_number=ann.phone_number).first()
    cell = page.locator(f"#cell-{ann.pk}-{session.agent.pk}")
    expect(cell).to_have_class(re.compile(r"\bcell-pending\b"))
    emulator_control(kapso, f"sessions/{session.kapso_id}/status", {"status": "active"})
    expect(cell).to_have_class(re.compile(r"\bcell-active\b"), timeout=60_000)
    expect(cell.locator(".cell-state")).to_have_text("Active")
    assert page.evaluate("window.__sameDocument") is True
    # One request per poll for the page's cells (it names its page), never one per cell.
    assert requests and all(url.endswith("/team/matrix.json?page=1") for url in requests)
    # Polls that found nothing changed were empty 304s, taken in stride (no error shown).
    assert "cannot be reached" not in page.locator("#matrix-updated").inner_text()
    assert opened.problems.of(page) == []


def test_the_team_pages_fit_a_phone(open_page, kapso, charlie):
    from sandbox.agents import agent_list_refresh

    agent_list_refresh()
    Tester.objects.create(name="Ann", phone_number="+442079460958")
    page = open_page(PHONE).page
    log_in(page, "charlie", "charlie-password-1")
    for url in ("/team/", "/team/testers/", "/onboard/"):
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, url
        assert axe_violations(page) == []
