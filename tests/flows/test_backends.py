"""The suite runs on the database and cache it was configured with, never a silent fallback.

`make test` runs everything on SQLite and the local-memory cache; `make test-postgres`
(called by `.ci/run`) runs it again with DATABASE_URL=postgres://... and CACHE_URL=redis://...
The first two tests read those variables and fail if Django is on anything else; the rest run
only on PostgreSQL or Redis and are skipped, saying so, on a machine without them.
"""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.core.cache import cache, caches
from django.db import connection
from django.utils import timezone

from sandbox import agents
from sandbox.models import Agent, SandboxSession
from tests.processes import run_python

pytestmark = pytest.mark.django_db

# What django-environ makes of each URL scheme the project documents.
VENDORS = {"sqlite": "sqlite", "postgres": "postgresql", "postgresql": "postgresql"}
database_url = os.environ.get("DATABASE_URL", "sqlite:///db.sqlite3")
cache_url = os.environ.get("CACHE_URL", "locmemcache://")
on_postgres = pytest.mark.skipif(
    not database_url.startswith(("postgres://", "postgresql://")),
    reason="PostgreSQL only: runs in `make test-postgres` (DATABASE_URL=postgres://...)",
)
on_redis = pytest.mark.skipif(
    not cache_url.startswith("redis://"),
    reason="Redis only: runs in `make test-postgres` (CACHE_URL=redis://...)",
)


def test_database_is_the_configured_one():
    expected = VENDORS[database_url.split(":", 1)[0]]
    assert connection.vendor == expected, f"DATABASE_URL={database_url} but Django is on " + (
        connection.vendor
    )
    with connection.cursor() as cursor:  # and it really answers
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_cache_is_the_configured_one():
    backend = type(caches["default"]).__name__
    expected = "RedisCache" if cache_url.startswith("redis://") else "LocMemCache"
    assert backend == expected, f"CACHE_URL={cache_url} but the cache is {backend}"
    if cache_url.startswith("redis://"):  # Django's, sharing a client (sandbox/web/redis_cache)
        assert type(caches["default"]).__module__ == "sandbox.web.redis_cache"
    cache.set("backends-test", {"n": 1}, 30)
    assert cache.get("backends-test") == {"n": 1}
    cache.delete("backends-test")


@on_postgres
def test_postgres_has_the_history_indexes():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s",
            [SandboxSession._meta.db_table],
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {
        "session_creator_recent",
        "session_status_recent",
        "session_agent_recent",
        "session_phone",
    } <= names


@on_postgres
def test_postgres_answers_the_history_from_an_index(alice):
    """The newest-first history page never sorts the whole table (it would at 100,000 rows)."""
    agent = Agent.objects.create(kapso_id="agent-1", name="Agent")
    now = timezone.now()
    SandboxSession.objects.bulk_create(
        SandboxSession(
            kapso_id=f"s-{i}",
            agent=agent,
            phone_number=f"+1415555{i:04d}",
            status="pending_activation",
            activation_code=f"C{i:05d}",
            activation_message="code",
            activation_link="https://wa.me/15550001111?text=code",
            raw_payload={},
            created_by=alice if i % 2 else None,
            created_at=now - timedelta(minutes=i),
        )
        for i in range(200)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {SandboxSession._meta.db_table}")
    for who_sees in (
        SandboxSession.objects.all(),  # staff
        SandboxSession.objects.filter(created_by=alice),  # a teammate
    ):
        query = who_sees.select_related("agent", "created_by").order_by("-created_at", "-pk")
        plan = query[:25].explain()
        assert "Index Scan" in plan, plan
        assert "Seq Scan on sandbox_sandboxsession" not in plan, plan


@on_postgres
def test_postgres_keeps_the_raw_payload_as_jsonb(alice):
    agent = Agent.objects.create(kapso_id="agent-1", name="Agent")
    payload = {"id": "s-1", "nested": {"emoji": "📱", "list": [1, None, True]}}
    SandboxSession.objects.create(
        kapso_id="s-1",
        agent=agent,
        phone_number="+14155552671",
        status="pending_activation",
        activation_code="ABC123",
        activation_message="code",
        activation_link="https://wa.me/15550001111?text=ABC123",
        raw_payload=payload,
    )
    assert SandboxSession.objects.filter(raw_payload__nested__emoji="📱").count() == 1
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT data_type FROM information_schema.columns "
            "WHERE table_name = %s AND column_name = 'raw_payload'",
            [SandboxSession._meta.db_table],
        )
        assert cursor.fetchone() == ("jsonb",)


@on_redis
def test_redis_is_shared_with_another_process(kapso):
    """The agent-list freshness mark set here is seen by a separate process (a worker)."""
    agents.agent_list_refresh()
    script = (
        "import django; django.setup(); "
        "from django.core.cache import cache; from sandbox.agents import AGENTS_FRESH_KEY; "
        "print(cache.get(AGENTS_FRESH_KEY))"
    )
    # The child inherits the suite's settings module and its DATABASE_URL / CACHE_URL.
    seen = run_python(script)
    assert seen.returncode == 0, seen.stderr
    assert seen.stdout.strip() == "True"
    cache.delete(agents.AGENTS_FRESH_KEY)
    seen = run_python(script)
    assert seen.stdout.strip() == "None"
