"""`/budget/` (sandbox/views/budget.py): staff see this minute's use of the Kapso budget."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
URL = reverse("sandbox:budget")


def test_a_teammate_who_is_not_staff_gets_the_dashboards_403(alice_client):
    # Not the admin's login, which a signed-in teammate cannot pass anyway (issue 18).
    response = alice_client.get(URL)
    assert response.status_code == 403
    page = response.content.decode()
    assert "Only staff see this page" in page and 'class="site-header"' in page


def test_signed_out_people_are_sent_to_the_dashboards_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_staff_see_each_prioritys_ceiling(client, charlie, settings):
    settings.KAPSO_RATE_LIMIT_PER_MINUTE = 50
    settings.KAPSO_RATE_LIMIT_RESERVE = 10
    client.force_login(charlie)
    response = client.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Used this minute</dt><dd>0 of 50" in page
    assert "By people (create, renew)</dt><dd>0 (up to 50;" in page
    assert "By background work</dt><dd>0 (up to 40)" in page  # the reserve is kept for people
    assert "By people joining a group's link</dt><dd>0 (up to 40; 30 for all joins)" in page
    assert response["Cache-Control"].startswith("max-age=0")


def test_with_the_budget_off_the_page_says_so(client, charlie, settings):
    settings.KAPSO_RATE_LIMIT_PER_MINUTE = 0
    client.force_login(charlie)
    assert "The budget is off" in client.get(URL).content.decode()


def test_only_get(client, charlie):
    client.force_login(charlie)
    assert client.post(URL).status_code == 405
