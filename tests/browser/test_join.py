"""A tester group's join link in Debian's Chromium: a person on a 390 px phone opens the link,
joins, and the page leads with Open in WhatsApp; the printed join sheet's QR code decodes to
the link; the group page shows the join come in by itself; axe-core finds nothing serious on
the join pages at phone and laptop widths."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sandbox.agents import agent_list_refresh
from sandbox.team.models import TesterGroup
from tests.browser.conftest import BROWSER_TEST_TIMEOUT, LAPTOP, PHONE, axe_violations, log_in
from tests.qr_decode import decode_png

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), BROWSER_TEST_TIMEOUT]


@pytest.fixture
def group(kapso, charlie, settings):
    settings.TEAM_JOIN_MIN_FILL_SECONDS = 1
    agents = agent_list_refresh()
    return TesterGroup.objects.create(
        name="Sales fair",
        agent_ids=[agents[0].kapso_id, agents[1].kapso_id],
        created_by=charlie,
        join_enabled=True,
        join_cap=5,
    )


def fill_and_join(page, name: str, phone: str) -> None:
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Your WhatsApp number").fill(phone)
    page.get_by_label("Agent to try").select_option(index=1)
    page.get_by_label(re.compile("I agree")).check()
    page.wait_for_timeout(1100)  # a person takes longer than the minimum fill time
    page.get_by_role("button", name="Join").click()


def test_a_phone_joins_and_the_page_leads_with_open_in_whatsapp(open_page, group):
    opened = open_page(PHONE)
    page = opened.page
    page.goto(f"/join/{group.join_secret}/")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    fill_and_join(page, "Ann", "+44 20 7946 0958")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are in Sales fair")
    button = page.get_by_role("link", name="Open in WhatsApp")
    expect(button).to_be_visible()
    # First on the screen and first in the reading order, above the code and the QR code.
    first_box = button.bounding_box()
    assert first_box["y"] < page.locator("#activation-code").bounding_box()["y"]
    assert first_box["y"] < page.locator(".qr svg").bounding_box()["y"]
    assert first_box["y"] + first_box["height"] <= PHONE["height"]
    assert button.get_attribute("href").startswith("https://wa.me/")
    expect(page.get_by_text("To be removed")).to_be_visible()
    assert axe_violations(page) == []
    assert opened.problems.of(page) == []


def test_the_join_pages_pass_axe_at_both_widths(open_page, group):
    for size in (PHONE, LAPTOP):
        page = open_page(size).page
        page.goto(f"/join/{group.join_secret}/")
        page.get_by_role("button", name="Join").click()  # empty: every error shown
        expect(page.locator(".field-error").first).to_be_visible()
        assert axe_violations(page) == [], size
        for change in ({"join_enabled": False}, {"join_ends_at": timezone.now() - timedelta(1)}):
            TesterGroup.objects.filter(pk=group.pk).update(**change)
            page.goto(f"/join/{group.join_secret}/")
            assert axe_violations(page) == [], (size, change)
        TesterGroup.objects.filter(pk=group.pk).update(join_enabled=True, join_ends_at=None)
        page.goto("/join/no-such-link/")
        assert axe_violations(page) == [], size


def test_the_sheet_decodes_to_the_link_and_the_group_page_shows_joins_live(
    open_page, group, charlie
):
    staff = open_page(LAPTOP)
    page = staff.page
    log_in(page, "charlie", "charlie-password-1")
    page.goto(f"/team/groups/{group.pk}/sheet/")
    assert axe_violations(page) == []
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    link = page.evaluate("location.origin") + f"/join/{group.join_secret}/"
    assert decode_png(page.screenshot(full_page=True)) == [link]
    page.emulate_media(media="screen")

    page.goto(f"/team/groups/{group.pk}/")
    assert axe_violations(page) == []
    expect(page.locator("#feed-rows")).to_contain_text("Nobody yet.")
    phone = open_page(PHONE).page
    phone.goto(link)
    fill_and_join(phone, "Ben", "+44 20 7946 0959")
    expect(phone.get_by_role("link", name="Open in WhatsApp")).to_be_visible()
    row = page.locator("#feed-rows tr").first
    expect(row).to_contain_text("Ben", timeout=30_000)  # by the page's own poll
    expect(row).to_contain_text("joined")
    assert staff.problems.of(page) == []


def test_the_group_pages_fit_a_phone(open_page, group, charlie):
    page = open_page(PHONE).page
    log_in(page, "charlie", "charlie-password-1")
    for url in ("/team/groups/", f"/team/groups/{group.pk}/", f"/team/?group={group.pk}"):
        page.goto(url)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, url
        assert axe_violations(page) == [], url
