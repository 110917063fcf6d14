"""The bench's data: an emptied database and cache, users, agents, and bulk sessions.

Runs in the bench's own process, after `bench.plan.configure_django()`.
"""

from __future__ import annotations

import time
from datetime import timedelta

from bench.plan import BENCH_KEY, CACHE_URL, LINK, PASSWORD, RANDOM_POOL, STAFF_USERNAME

SEED_BATCH = 5000


def reset_database() -> None:
    """Drop every table, migrate from scratch, and empty the bench's Redis database."""
    import redis
    from django.core.management import call_command
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")
    call_command("migrate", verbosity=0)
    redis.Redis.from_url(CACHE_URL).flushdb()


def shared_cache_keys() -> set[bytes]:
    """Every key in the bench's Redis database (a few: logins and flags)."""
    import redis

    return set(redis.Redis.from_url(CACHE_URL).scan_iter())


def forget_shared_cache(*, keep: set[bytes]) -> None:
    """Delete every key of the bench's Redis database but `keep`."""
    import redis

    shared = redis.Redis.from_url(CACHE_URL)
    gone = set(shared.scan_iter()) - keep
    if gone:
        shared.delete(*gone)


def make_users():
    """The staff user every page is loaded as, and three teammates who own sessions too."""
    from django.contrib.auth.models import User

    staff = User.objects.create_user(STAFF_USERNAME, password=PASSWORD, is_staff=True)
    mates = [User.objects.create_user(f"mate-{i}", password=PASSWORD) for i in range(3)]
    return staff, mates


def make_agents(emulator_api: str):
    """Kapso's agent list (the emulator's three), stored as the dashboard's Agent rows."""
    from django.utils import timezone

    from sandbox.kapso import KapsoClient
    from sandbox.models import Agent

    client = KapsoClient(base_url=emulator_api, api_key=BENCH_KEY, timeout=10)
    now = timezone.now()
    return [
        Agent.objects.create(
            kapso_id=agent.id,
            name=agent.name,
            description=agent.description,
            project_id=agent.project_id,
            kapso_created_at=agent.created_at,
            kapso_updated_at=agent.updated_at,
            listed=True,
            synced_at=now,
        )
        for agent in client.list_agents()
    ]


def seed_sessions(target: int, agents, creators) -> float:
    """Top the table up to `target` sessions; the newest 1,000 stay the same at every size.

    Session i was made 5*i+1 minutes ago, so "bench-0" is the newest; they are spread over
    the agents and creators (None: made outside the dashboard). Returns the seconds taken.
    """
    from django.db import connection
    from django.utils import timezone

    from sandbox.history import bump
    from sandbox.models import SandboxSession

    started = time.monotonic()
    start = SandboxSession.objects.count()
    now = timezone.now()

    def session(i: int) -> SandboxSession:
        created = now - timedelta(minutes=5 * i + 1)
        expires = created + timedelta(hours=24)
        code = f"B{i:06d}"
        status = ("pending_activation", "active")[i % 2] if expires > now else "expired"
        phone = f"+1415555{i % 10000:04d}"
        link = LINK.format(code=code)
        agent = agents[i % len(agents)]
        return SandboxSession(
            kapso_id=f"bench-{i}",
            agent=agent,
            requested_agent_id=agent.kapso_id,
            phone_number=phone,
            status=status,
            activation_code=code,
            activation_message=f"Send {code} to start chatting with {agent.name}",
            activation_link=link,
            expires_at=expires,
            kapso_created_at=created,
            kapso_updated_at=created,
            raw_payload={
                "id": f"bench-{i}",
                "phone_number": phone,
                "status": status,
                "activation_code": code,
                "activation_link": link,
                "agent": {"id": agent.kapso_id, "name": agent.name},
                "created_at": created.isoformat(),
                "expires_at": expires.isoformat(),
            },
            created_by=creators[i % len(creators)],
            created_at=created,
        )

    for first in range(start, target, SEED_BATCH):
        SandboxSession.objects.bulk_create(
            [session(i) for i in range(first, min(first + SEED_BATCH, target))]
        )
    bump()  # bulk writes send no signals: the history's cached counts must go by hand
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return time.monotonic() - started


def newest_and_pool() -> tuple[int, list[int]]:
    """The newest seeded session's pk, and the pks of the newest RANDOM_POOL seeded ones."""
    from sandbox.models import SandboxSession

    newest = SandboxSession.objects.get(kapso_id="bench-0").pk
    pool = list(
        SandboxSession.objects.filter(kapso_id__startswith="bench-")
        .order_by("-created_at")
        .values_list("pk", flat=True)[:RANDOM_POOL]
    )
    return newest, pool


def all_pks() -> list[int]:
    """Every session's pk: the first views are drawn from the whole table."""
    from sandbox.models import SandboxSession

    return list(SandboxSession.objects.values_list("pk", flat=True))
