"""sandbox/activity/views.py: the page, its chart's table and the CSV show the hand-counted
figures (tests/activity/seed.py); staff only; bad dates get words, not a 500."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.urls import reverse

from tests.activity.seed import seed

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, charlie):
    client.force_login(charlie)
    return client


def _row(html: str, table_id: str, label: str) -> list[str]:
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip()
            for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        ]
        if cells and cells[0] == label:
            return cells
    raise AssertionError(f"no row {label!r} in {table_id}")


def test_page_shows_the_hand_counted_figures(staff_client, alice, bob):
    figures = seed(alice, bob)
    html = staff_client.get(reverse("activity:page"), {"range": "7"}).content.decode()
    summary = html.split('id="activity-summary"', 1)[1].split("</dl>", 1)[0]
    assert "57.1 %" in summary
    assert "1 min 30 s" in summary  # median 90 s
    assert "4 min 6 s" in summary  # 90th percentile 246 s
    day = figures["yesterday"].isoformat()
    assert _row(html, "table-days", day) == [
        day,
        "4",
        "3",
        "1",
        "0",
        "1",
        "75.0 %",
    ]
    assert _row(html, "table-agents", "Support")[1:] == [
        "4",
        "3",
        "1",
        "0",
        "1",
        "75.0 %",
        "2 min 0 s",
        "4 min 24 s",
    ]
    assert _row(html, "table-people", "bob")[1:] == [
        "3",
        "1",
        "1",
        "1",
        "0",
        "33.3 %",
        "5 min 0 s",
        "5 min 0 s",
    ]
    # The chart draws the same figures its table prints.
    assert f"<title>{day[5:]}: 3 activated</title>" in html
    assert f"<title>{day[5:]}: 1 failed at Kapso</title>" in html


def test_csv_has_the_same_aggregates(staff_client, alice, bob):
    seed(alice, bob)
    response = staff_client.get(reverse("activity:csv", args=["agents"]), {"range": "7"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["name", "sessions", "activated"]
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["Support"] == ["Support", "4", "3", "1", "0", "1", "0.75", "120", "264"]
    assert by_name["All"] == ["All", "7", "4", "2", "1", "1", "0.571", "90", "246"]


def test_tables_sort_by_a_column_both_ways(staff_client, alice, bob):
    seed(alice, bob)
    url = reverse("activity:page")

    def table(order: str) -> str:
        html = staff_client.get(url, {"range": "7", "agent_sort": order}).content.decode()
        return html.split('id="table-agents"', 1)[1]

    up, down = table("rate"), table("-rate")
    assert up.index(">Sales<") < up.index(">Support<")
    assert down.index(">Support<") < down.index(">Sales<")
    assert 'aria-sort="ascending"' in up


def test_teammates_are_refused(alice_client):
    response = alice_client.get(reverse("activity:page"))
    assert response.status_code == 302  # to the admin login: staff only
    assert alice_client.get(reverse("activity:csv", args=["days"])).status_code == 302


def test_bad_dates_get_words_and_keep_what_was_typed(staff_client):
    response = staff_client.get(
        reverse("activity:page"), {"range": "dates", "start": "2026-05-09", "end": "2026-05-01"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "From must be on or before To." in html
    assert 'value="2026-05-09"' in html
    garbled = staff_client.get(reverse("activity:page"), {"range": "dates", "start": "soon"})
    assert garbled.status_code == 200
    assert "Enter a valid date." in garbled.content.decode()


def test_unknown_csv_table_is_404(staff_client):
    assert staff_client.get(reverse("activity:csv", args=["secrets"])).status_code == 404


def test_navigation_and_admin_index_link_to_it(staff_client, root_client):
    assert reverse("activity:page") in staff_client.get(reverse("sandbox:list")).content.decode()
    assert reverse("activity:page") in root_client.get(reverse("admin:index")).content.decode()
