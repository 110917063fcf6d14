"""sandbox/team/views/testers.py: import with a per-line report, add, edit, auto-renew."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sandbox.team.models import AutoRenew, Tester

pytestmark = pytest.mark.django_db


def test_a_csv_upload_reports_each_bad_line_and_keeps_the_good(manager_client):
    data = (
        "\ufeffname;phone;email\nAnn;+44 20 7946 0958;ann@example.com\nBob;12;\n"
        "Ann again;0044 20 7946 0958;\n"
    )
    upload = SimpleUploadedFile("team.csv", data.encode("utf-8"), content_type="text/csv")
    page = manager_client.post("/team/testers/", {"file": upload}).content.decode()
    assert "1 added" in page and "Line 3: Phone" in page
    assert Tester.objects.get().name == "Ann"


def test_a_pasted_list_is_imported(manager_client):
    manager_client.post("/team/testers/", {"pasted": "Ann, +44 20 7946 0958"})
    assert Tester.objects.get().phone_number == "+442079460958"


def test_nothing_given_says_what_to_do(manager_client):
    page = manager_client.post("/team/testers/", {"pasted": "  "}).content.decode()
    assert "Choose a CSV file or paste a list." in page


def test_ten_thousand_bad_lines_fit_one_page(manager_client):
    page = manager_client.post("/team/testers/", {"pasted": "x, 1\n" * 10_000}).content.decode()
    assert "10000 lines with errors" in page and "and 9500 more" in page


def test_add_one_keeps_what_was_typed_when_the_phone_is_wrong(manager_client):
    page = manager_client.post(
        "/team/testers/", {"action": "add", "name": "Ann", "phone_number": "+44 20"}
    ).content.decode()
    assert 'value="Ann"' in page and "not a valid phone number" in page
    assert not Tester.objects.exists()
    manager_client.post(
        "/team/testers/", {"action": "add", "name": "Ann", "phone_number": "+44 20 7946 0958"}
    )
    assert Tester.objects.get().phone_number == "+442079460958"


def test_auto_renew_is_set_per_tester_and_agent(manager_client, agents, make_testers):
    (tester,) = make_testers(1)
    url = f"/team/testers/{tester.pk}/"
    assert b"must still send the new code" in manager_client.get(url).content
    manager_client.post(url, {"action": "auto_renew", "agents": [agents[0].kapso_id]})
    assert list(AutoRenew.objects.values_list("agent_id", flat=True)) == [agents[0].kapso_id]
    manager_client.post(url, {"action": "auto_renew"})
    assert not AutoRenew.objects.exists()


def test_plain_accounts_are_turned_away_with_a_reason(client, alice):
    client.force_login(alice)
    response = client.get("/team/testers/")
    assert response.status_code == 403 and b"Ask an admin" in response.content


def test_add_one_refuses_a_name_with_a_control_character(manager_client):
    response = manager_client.post(
        "/team/testers/", {"action": "add", "name": "Ann\x1b[31m", "phone_number": "+14155552671"}
    )
    assert response.status_code == 200
    assert "control character (U+001B)" in response.content.decode()
    assert not Tester.objects.exists()
