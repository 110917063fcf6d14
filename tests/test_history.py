"""sandbox/history.py: the history's rows and filters, and its whole-history figures cached
until a write."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sandbox import history
from sandbox.models import Agent, SandboxSession
from tests.factories import make_session

pytestmark = pytest.mark.django_db
URL = reverse("sandbox:list")


def rows(response):
    return list(response.context["page"].object_list)


def stored(kapso_id, *, created_by=None, status="pending_activation", expires_in=60, **fields):
    agent, _ = Agent.objects.get_or_create(
        kapso_id=fields.pop("agent_id", "agent-1"), defaults={"name": "Agent"}
    )
    return SandboxSession.objects.create(
        kapso_id=kapso_id,
        agent=agent,
        phone_number=fields.pop("phone_number", "+14155552671"),
        status=status,
        activation_code="ABC123",
        activation_message="Send ABC123",
        activation_link="https://wa.me/15550001111?text=ABC123",
        expires_at=None if expires_in is None else timezone.now() + timedelta(minutes=expires_in),
        raw_payload={},
        created_by=created_by,
        **fields,
    )


# --- rows and filters -------------------------------------------------------------------
def test_expired_filter_matches_what_rows_show(kapso, alice_client, alice):
    lapsed = make_session(alice, "+14155552671")
    lapsed.expires_at = timezone.now() - timedelta(seconds=1)
    lapsed.save()
    fresh = make_session(alice, "+14155552672")
    assert rows(alice_client.get(URL, {"status": "expired"})) == [lapsed]
    assert rows(alice_client.get(URL, {"status": "pending_activation"})) == [fresh]


def test_the_shown_status_decides_the_filter(alice):
    lapsed = stored("lapsed", created_by=alice, expires_in=-1)
    said_expired = stored("said", created_by=alice, status="expired", expires_in=None)
    active = stored("active", created_by=alice, status="active")
    lapsed_active = stored("lapsed-active", created_by=alice, status="active", expires_in=-1)
    everything = SandboxSession.objects.all()
    assert set(history.filter_by_status(everything, "expired")) == {
        lapsed,
        said_expired,
        lapsed_active,
    }
    assert set(history.filter_by_status(everything, "active")) == {active}
    assert set(history.filter_by_status(everything, "pending_activation")) == set()
    assert set(history.filter_by_status(everything, "")) == set(everything)


def test_session_history_filters_by_agent_and_phone_digits(alice, bob):
    mine = stored("a", created_by=alice, phone_number="+447911123456", agent_id="agent-2")
    other_agent = stored("b", created_by=alice, phone_number="+447911123457")
    stored("c", created_by=bob, phone_number="+447911123456", agent_id="agent-2")
    assert list(history.session_history(alice, agent_id="agent-2")) == [mine]
    assert set(history.session_history(alice, phone="+44 (7911) 12345")) == {mine, other_agent}
    assert list(history.session_history(alice, phone="7911123457")) == [other_agent]
    # A phone filter without digits filters nothing.
    assert set(history.session_history(alice, phone="abc")) == {mine, other_agent}


def test_session_history_is_newest_first_ties_by_id(alice):
    same_time = timezone.now()
    first = stored("a", created_by=alice, created_at=same_time)
    second = stored("b", created_by=alice, created_at=same_time)
    older = stored("c", created_by=alice, created_at=same_time - timedelta(minutes=1))
    assert list(history.session_history(alice)) == [second, first, older]


def test_status_choices_offer_the_known_three_and_kapsos_own(alice):
    stored("a", created_by=alice, status="paused_by_kapso")
    assert history.status_choices(SandboxSession.objects.all()) == [
        ("active", "Active"),
        ("expired", "Expired"),
        ("paused_by_kapso", "Paused by kapso"),
        ("pending_activation", "Pending activation"),
    ]


# --- figures cached until a write ---------------------------------------------------------
@pytest.fixture
def shared_cache(settings):
    """As with Redis: the figures are cached. (One test process: its local cache sees every
    write, so it stands in for a shared one here.)"""
    settings.HISTORY_FIGURES_CACHED = True
    settings.PAGES_CACHED = False  # the figures themselves; kept pages have their own tests


def test_history_count_and_statuses_are_cached_until_a_write(
    kapso, alice_client, alice, django_assert_num_queries, shared_cache
):
    make_session(alice, "+14155552671")
    first = alice_client.get(URL)
    assert first.context["page"].paginator.count == 1

    with CaptureQueriesContext(connection) as cold:
        alice_client.get(URL, {"phone": "4155"})
    with CaptureQueriesContext(connection) as warm:
        again = alice_client.get(URL, {"phone": "4155"})
    assert len(warm) == len(cold) - 1  # no COUNT again (the statuses were cached before)
    assert not [q for q in warm if "COUNT" in q["sql"] or "DISTINCT" in q["sql"]]
    assert again.context["page"].paginator.count == 1
    make_session(alice, "+14155552672")  # a write: the figures are recomputed
    assert alice_client.get(URL, {"phone": "4155"}).context["page"].paginator.count == 2


def test_a_cached_figure_is_reused_until_the_version_moves(shared_cache):
    computed = []

    def compute():
        computed.append(1)
        return len(computed)

    assert history.cached("test", ("x",), compute) == 1
    assert history.cached("test", ("x",), compute) == 1  # reused
    assert history.cached("test", ("y",), compute) == 2  # other parts, other figure
    history.bump()
    assert history.cached("test", ("x",), compute) == 3  # recomputed after a write


def test_every_save_and_delete_of_a_session_moves_the_version(alice):
    from django.core.cache import cache

    before = cache.get(history.VERSION_KEY, 0)
    session = stored("a", created_by=alice)
    after_save = cache.get(history.VERSION_KEY, 0)
    assert after_save > before
    session.delete()
    assert cache.get(history.VERSION_KEY, 0) > after_save


def test_counts_are_cached_per_viewer(alice, bob, charlie, shared_cache):
    stored("a", created_by=alice)
    stored("b", created_by=bob)
    for user, expected in ((alice, 1), (bob, 1), (charlie, 2)):
        sessions = history.session_history(user)
        assert history.history_count(user, sessions, ("", "", "")) == expected


@pytest.mark.django_db(transaction=True)
def test_with_a_per_process_cache_the_count_sees_another_processs_write(charlie, settings):
    """`make run`: the worker (another process, its own local-memory cache) creates a
    session; the web server's History counts it at once."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    if connection.vendor != "sqlite" or settings.HISTORY_FIGURES_CACHED:
        pytest.skip("make run's setup: SQLite and a local-memory cache in each process")
    stored("a")
    sessions = history.session_history(charlie)
    assert history.history_count(charlie, sessions, ("", "", "")) == 1
    db = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        DATABASE_URL=f"sqlite:///{db['NAME']}",
        CACHE_URL="locmemcache://",
        SECRET_KEY="test-secret-key-for-the-other-process",
    )
    code = (
        "from sandbox.models import Agent, SandboxSession as S; "
        "S.objects.create(kapso_id='b', agent=Agent.objects.get(), phone_number='+1', "
        "status='active', activation_code='x', activation_message='x', "
        "activation_link='https://wa.me/1', raw_payload={})"
    )
    subprocess.run(  # noqa: S603 (our manage.py)
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        check=True,
        timeout=60,
    )
    assert history.history_count(charlie, sessions, ("", "", "")) == 2


def test_a_typed_phone_reaches_the_cache_key_only_through_the_privacy_key(shared_cache, settings):
    """An unkeyed SHA-256 of a phone number is as good as the number: the key is keyed."""
    import hashlib

    from django.core.cache import cache

    parts = ("all", 0, "", "+14155552671")
    version = cache.get(history.VERSION_KEY, 0)
    unkeyed = hashlib.sha256(repr((version, parts)).encode()).hexdigest()[:32]
    settings.PRIVACY_HASH_KEY = "first key"
    history.cached("count", parts, lambda: 7)
    assert cache.get(f"sandbox:history:count:{unkeyed}") is None
    first = history.cache_key("count", parts, version)
    assert cache.get(first) == 7 and unkeyed not in first
    settings.PRIVACY_HASH_KEY = "second key"
    assert history.cache_key("count", parts, version) != first
