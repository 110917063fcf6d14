"""sandbox/team/urls.py: the team's addresses, each behind a login."""

from __future__ import annotations

import pytest
from django.urls import resolve, reverse

pytestmark = pytest.mark.django_db

NAMES = [
    ("matrix", [], "/team/"),
    ("matrix_json", [], "/team/matrix.json"),
    ("cell", [], "/team/cell/"),
    ("renew_expiring", [], "/team/renew-expiring/"),
    ("testers", [], "/team/testers/"),
    ("tester", [1], "/team/testers/1/"),
    ("erase", [1], "/team/testers/1/erase/"),
    ("jobs", [], "/team/jobs/"),
    ("onboard", [], "/onboard/"),
    ("batch", [1], "/onboard/1/"),
    ("progress", [1], "/onboard/1/progress.json"),
    ("retry", [1], "/onboard/1/retry/"),
    ("sheet", [1], "/onboard/1/sheet/"),
]


@pytest.mark.parametrize(("name", "args", "path"), NAMES)
def test_each_name_has_its_address_and_needs_a_login(client, name, args, path):
    assert reverse(f"team:{name}", args=args) == path
    assert resolve(path).namespace == "team"
    response = client.get(path)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_renew_link_is_reached_from_a_mail():
    assert reverse("team:renew", args=["abc"]) == "/renew/abc/"
