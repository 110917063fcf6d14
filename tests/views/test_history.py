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


def test_a_page_of_rows_is_one_query_and_reads_only_what_a_row_shows(
    kapso, client, charlie, settings
):
    from django.db import connection

    settings.PAGES_CACHED = False  # the page as made; a kept page reads no row at all
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


# --- the kept page (sandbox/page_cache.py) ---------------------------------------------------
@pytest.fixture
def kept_pages(settings):
    settings.PAGES_CACHED = True  # one test process: its local cache stands in for Redis
    settings.HISTORY_FIGURES_CACHED = True


def _text(response) -> str:
    return response.content.decode()


def test_a_second_view_reads_no_session_at_all(kapso, alice_client, alice, kept_pages):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_session(alice)
    alice_client.get(URL)  # the history version starts
    first = _text(alice_client.get(URL))
    with CaptureQueriesContext(connection) as reads:
        again = _text(alice_client.get(URL))
    assert not [q for q in reads if "sandbox_sandboxsession" in q["sql"]]
    assert again.count("<tr>") == first.count("<tr>") == 2


def _renamed_agent(session):
    session.agent.name = "Renamed bot"
    session.agent.save()


def _linked(session, bob):
    from sandbox.team.models import Tester

    Tester.objects.create(name="Bob", phone_number=session.phone_number, account=bob)


DOORS = {  # (write, text shown after it, client of) each another way of writing
    "a new session saved": (lambda s, bob: make_session(s.created_by, "+14155550999"), "555-0999"),
    "status by update()": (
        lambda s, bob: type(s).objects.filter(pk=s.pk).update(status="paused_by_kapso"),
        "Paused by kapso",
    ),
    "bulk_create (sync)": (
        lambda s, bob: type(s).objects.bulk_create(
            [type(s)(kapso_id="k-bulk", agent=s.agent, phone_number="+14155550888", raw_payload={})]
        ),
        "555-0888",
    ),
    "agent renamed": (lambda s, bob: _renamed_agent(s), "Renamed bot"),
}


@pytest.mark.parametrize("door", DOORS.values(), ids=DOORS.keys())
def test_a_change_through_any_door_is_never_served_stale(
    kapso, root_client, alice, bob, kept_pages, door
):
    write, shown = door
    session = make_session(alice)
    root_client.get(URL)
    before = _text(root_client.get(URL))
    write(session, bob)
    assert shown not in before and shown in _text(root_client.get(URL))


def test_a_teammate_linked_to_a_phone_sees_its_live_session_at_once(
    kapso, client, alice, bob, kept_pages
):
    session = make_session(alice)
    client.force_login(bob)
    client.get(URL)
    assert "415-555-2671" not in _text(client.get(URL))
    _linked(session, bob)
    assert "415-555-2671" in _text(client.get(URL))


def test_a_session_that_lapses_leaves_a_filtered_page_when_it_expires(
    kapso, alice_client, alice, kept_pages
):
    import time
    from datetime import timedelta

    from django.utils import timezone

    session = make_session(alice)
    type(session).objects.filter(pk=session.pk).update(
        expires_at=timezone.now() + timedelta(seconds=1.5)
    )
    pending = {"status": "pending_activation"}
    alice_client.get(URL, pending)
    assert "415-555-2671" in _text(alice_client.get(URL, pending))
    time.sleep(1.6)
    assert "415-555-2671" not in _text(alice_client.get(URL, pending))
