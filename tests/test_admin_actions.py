"""sandbox/admin_actions.py: refresh selected sessions from Kapso, export them as CSV."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sandbox.admin_actions import csv_safe
from tests.factories import make_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(root_client):
    return root_client


def test_refresh_action_pulls_kapsos_state(kapso, admin_client_, alice):
    from tests.conftest import emulator_control

    session = make_session(alice)
    emulator_control(kapso, f"sessions/{session.kapso_id}/status", {"status": "active"})
    response = admin_client_.post(
        reverse("admin:sandbox_sandboxsession_changelist"),
        {"action": "refresh_from_kapso", "_selected_action": [session.pk]},
        follow=True,
    )
    assert "Refreshed 1 session(s) from Kapso." in response.content.decode()
    session.refresh_from_db()
    assert session.status == "active"


def test_csv_export_of_the_selection_defuses_formulas(kapso, admin_client_, alice):
    import csv
    import io

    first = make_session(alice, "+14155552671")
    second = make_session(alice, "+14155552672")
    second.agent.name = '=HYPERLINK("http://evil")'
    second.agent.save()
    response = admin_client_.post(
        reverse("admin:sandbox_sandboxsession_changelist"),
        {"action": "export_csv", "_selected_action": [first.pk, second.pk]},
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {r["kapso_id"] for r in rows} == {first.kapso_id, second.kapso_id}
    by_id = {r["kapso_id"]: r for r in rows}
    assert by_id[first.kapso_id]["phone_number"] == "+14155552671"  # phones stay as they are
    assert by_id[second.kapso_id]["agent"].startswith("'=HYPERLINK")
    assert by_id[first.kapso_id]["activation_link"] == first.activation_link
    assert by_id[first.kapso_id]["created_by"] == "alice"


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2", "'-2"),
        ("+cmd", "'+cmd"),
        ("\tx", "'\tx"),
        ("+14155552671", "+14155552671"),  # a phone number stays as it is
        ("Support", "Support"),
        ("", ""),
    ],
)
def test_csv_cells_cannot_start_a_formula(value, safe):
    assert csv_safe(value) == safe
