"""The activity page in Chromium at laptop and phone width: axe-core clean (every impact),
no sideways scroll of the page, the chart drawn wide enough to read, its tables beside it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.activity.seed import seed
from tests.browser.conftest import BROWSER_TEST_TIMEOUT, LAPTOP, PHONE, axe_violations, log_in

pytestmark = [pytest.mark.django_db(transaction=True), BROWSER_TEST_TIMEOUT]
NO_HORIZONTAL_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_activity_page_reads_at_both_widths(open_page, root, alice, bob, viewport):
    seed(alice, bob)
    browsing = open_page(viewport)
    page = browsing.page
    log_in(page, "root", "pw")
    page.goto("/activity/?range=7")
    expect(page.get_by_role("heading", name="Activity", exact=True)).to_be_visible()
    chart = page.get_by_role("img", name="Sessions per day, by what became of them")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box["width"] >= min(viewport["width"] - 80, 400)  # at least its own scale
    expect(page.get_by_role("table", name="By agent (select a heading to sort)")).to_be_visible()
    assert page.evaluate(NO_HORIZONTAL_SCROLL)
    # The chart's ticks stay readable: at least 10 px on screen.
    tick = page.locator("#chart-sessions .chart-tick").first
    size = tick.evaluate("e => e.getBoundingClientRect().height")
    assert size >= 10
    assert axe_violations(page, impacts=("minor", "moderate", "serious", "critical")) == []
    page.get_by_role("link", name="Activation rate").first.click()
    expect(page.locator('#table-agents th[aria-sort="descending"]')).to_have_count(1)
    assert browsing.problems.of(page) == []
