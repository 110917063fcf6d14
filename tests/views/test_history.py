"""sandbox/views/history.py: the history at /sessions/: newest first, paginated, filtered,
scoped to the user."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sandbox.views.history import HISTORY_PAGE_SIZE
from tests.conftest import emulator_control
from tests.factories import make_session

pytestmark = pytest.mark.django_db
URL = reverse("sandbox:list")


def rows(response):
    return list(response.context["page"].object_list)


def test_newest_first(kapso, alice_client, alice):
    older = make_session(alice, "+14155552671")
    newer = make_session(alice, "+14155552672")
    assert rows(alice_client.get(URL)) == [newer, older]


def test_paginated_with_filters_kept(kapso, alice_client, alice, settings):
    # One teammate makes 27 sessions here: more than a person's share of a minute.
    settings.KAPSO_CREATES_PER_USER_PER_MINUTE = 100
    sessions = [make_session(alice, f"+1415555{2600 + i}") for i in range(HISTORY_PAGE_SIZE + 2)]
    first = alice_client.get(URL, {"phone": "415"})
    assert len(rows(first)) == HISTORY_PAGE_SIZE
    html = first.content.decode()
    assert "?phone=415&amp;page=2" in html
    second = alice_client.get(URL, {"phone": "415", "page": 2})
    assert rows(second) == sessions[:2][::-1]
    assert alice_client.get(URL, {"page": "999"}).status_code == 200


def test_filter_by_status_agent_and_phone(kapso, alice_client, alice):
    pending = make_session(alice, "+14155552671", agent_index=0)
    other_agent = make_session(alice, "+447911123456", agent_index=1)
    emulator_control(kapso, f"sessions/{other_agent.kapso_id}/status", {"status": "active"})
    other_agent.status = "active"
    other_agent.save()
    assert rows(alice_client.get(URL, {"status": "active"})) == [other_agent]
    assert rows(alice_client.get(URL, {"status": "pending_activation"})) == [pending]
    assert rows(alice_client.get(URL, {"agent": pending.agent.kapso_id})) == [pending]
    assert rows(alice_client.get(URL, {"phone": "+44 7911"})) == [other_agent]


def test_teammate_sees_own_sessions_staff_see_all(kapso, client, alice, bob, charlie):
    mine = make_session(alice, "+14155552671")
    theirs = make_session(bob, "+14155552672")
    client.force_login(alice)
    assert rows(client.get(URL)) == [mine]
    client.force_login(charlie)
    response = client.get(URL)
    assert rows(response) == [theirs, mine]
    assert "Created by" in response.content.decode()


def test_empty_history_says_so(kapso, alice_client):
    assert "No sessions match" in alice_client.get(URL).content.decode()


def test_status_filter_offers_kapsos_unknown_statuses_by_name(kapso, alice_client, alice):
    session = make_session(alice)
    session.status = "paused_by_kapso"
    session.save()
    html = alice_client.get(URL).content.decode()
    assert '<option value="paused_by_kapso">Paused by kapso</option>' in html
    assert '<option value="pending_activation">Pending activation</option>' in html


def test_a_page_of_rows_is_one_query_and_reads_only_what_a_row_shows(kapso, client, charlie):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sandbox.api.models import ApiSessionOrigin

    made = [make_session(charlie, f"+1415555{2700 + i}") for i in range(3)]
    ApiSessionOrigin.objects.create(session=made[0], token_name="ci-token")
    client.force_login(charlie)
    client.get(URL)  # the cached count and statuses, and the login, settle
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    made += [make_session(charlie, f"+1415555{2800 + i}") for i in range(5)]
    client.get(URL)
    with CaptureQueriesContext(connection) as more:
        page = client.get(URL)
    assert len(more) == len(few)  # no query per row: agent, creator, API origin joined
    html = page.content.decode()
    assert "ci-token" in html and "charlie" in html and made[-1].agent.name in html
    rows_sql = next(q["sql"] for q in more if "ORDER BY" in q["sql"] and "LIMIT" in q["sql"])
    assert "raw_payload" not in rows_sql and "password" not in rows_sql
