"""The busy pages ask the database a fixed number of questions, however many sessions exist.

Each test renders a page over 5 sessions, then over 60 (more than a page of history), and
the two query counts must be equal, and under a ceiling: a missing select_related, or a
template touching a relation per row, makes the second count larger.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sandbox import history as history_cache
from sandbox.models import Agent, SandboxSession

pytestmark = pytest.mark.django_db

SIZES = (5, 60)
# Session, user, the rows and their count, filter choices, and the view's own reads.
MAX_QUERIES = 15
STATUSES = ("pending_activation", "active", "expired", "paused_by_kapso")


def add_sessions(total: int, creators: list) -> None:
    """Top the table up to `total` sessions, varied in creator, agent, status and expiry."""
    agents = [
        Agent.objects.get_or_create(kapso_id=f"agent-{i}", defaults={"name": f"Agent {i}"})[0]
        for i in range(3)
    ]
    start = SandboxSession.objects.count()
    now = timezone.now()
    SandboxSession.objects.bulk_create(
        SandboxSession(
            kapso_id=f"session-{i}",
            agent=agents[i % len(agents)],
            requested_agent_id=agents[i % len(agents)].kapso_id,
            phone_number=f"+1415555{i:04d}",
            status=STATUSES[i % len(STATUSES)],
            activation_code=f"K{i:05d}",
            activation_message=f"Send K{i:05d} to start",
            activation_link=f"https://wa.me/15550001111?text=K{i:05d}",
            expires_at=now + timedelta(hours=1 if i % 3 else -1),
            raw_payload={"id": f"session-{i}"},
            created_by=creators[i % len(creators)],
            created_at=now - timedelta(minutes=i),
        )
        for i in range(start, total)
    )
    history_cache.bump()  # a bulk write, as sync makes: no signal fires for it


def count_queries(django_assert_max_num_queries, client, url: str) -> tuple[int, str]:
    # Cold: the history's cached count and statuses are recomputed (tests/test_history.py
    # checks they are reused).
    history_cache.bump()
    with django_assert_max_num_queries(MAX_QUERIES) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response.content.decode()


def rows(html: str) -> int:
    return len(set(re.findall(r'href="/sessions/(\d+)/"', html)))


@pytest.mark.parametrize("viewer", ["alice", "charlie"])  # a teammate, and staff
@pytest.mark.parametrize(
    "query", ["", "?status=expired", "?status=active&agent=agent-1", "?phone=555&page=2"]
)
def test_history_page(client, django_assert_max_num_queries, request, alice, bob, viewer, query):
    user = request.getfixturevalue(viewer)
    client.force_login(user)
    counts, shown = [], []
    for total in SIZES:
        add_sessions(total, creators=[alice, alice, bob, None])
        count, html = count_queries(django_assert_max_num_queries, client, "/sessions/" + query)
        counts.append(count)
        shown.append(rows(html))
    assert counts[0] == counts[1], (
        f"{query}: {counts[0]} queries for 5 sessions, {counts[1]} for 60"
    )
    if not query or query == "?status=expired":
        assert shown[1] > shown[0]  # the second page really had more rows to show


@pytest.mark.parametrize("viewer", ["alice", "charlie"])
def test_session_page(client, django_assert_max_num_queries, request, alice, bob, viewer):
    user = request.getfixturevalue(viewer)
    client.force_login(user)
    counts = []
    for total in SIZES:
        add_sessions(total, creators=[alice, bob])
        # A live one: an expired session's page shows no code and no QR code (issue 18).
        newest = (
            SandboxSession.objects.filter(created_by=alice, expires_at__gt=timezone.now())
            .exclude(status="expired")
            .order_by("created_at")
            .first()
        )
        count, html = count_queries(
            django_assert_max_num_queries, client, reverse("sandbox:detail", args=[newest.pk])
        )
        assert newest.activation_code in html and "<svg" in html
        counts.append(count)
    assert counts[0] == counts[1]


@pytest.mark.parametrize(
    "query", ["", "?status__exact=active", "?q=555", "?created_at__year={year}&o=-5"]
)
def test_admin_changelist(admin_client, django_assert_max_num_queries, alice, bob, query):
    query = query.format(year=timezone.now().year)
    counts, shown = [], []
    for total in SIZES:
        add_sessions(total, creators=[alice, bob, None])
        with django_assert_max_num_queries(MAX_QUERIES + 5) as captured:
            response = admin_client.get(reverse("admin:sandbox_sandboxsession_changelist") + query)
        assert response.status_code == 200
        counts.append(len(captured))
        shown.append(response.content.decode().count('class="action-select"'))
    assert counts[0] == counts[1], (
        f"{query}: {counts[0]} queries for 5 sessions, {counts[1]} for 60"
    )
    if not query:
        assert shown == [5, 50]  # list_per_page rows, each with its creator and agent


def test_a_missing_select_related_would_be_caught(
    client, django_assert_max_num_queries, alice, monkeypatch
):
    """The check itself works: history rows fetched without their agent cost a query each."""
    from sandbox import history as selectors

    real = selectors.sessions_visible_to
    monkeypatch.setattr(
        selectors, "sessions_visible_to", lambda user: real(user).select_related(None)
    )
    client.force_login(alice)
    counts = []
    for total in SIZES:
        add_sessions(total, creators=[alice])
        with django_assert_max_num_queries(100) as captured:
            assert client.get("/sessions/").status_code == 200
        counts.append(len(captured))
    assert counts[1] > counts[0]
