"""Exactly once across crashes: a real `team_worker` process SIGKILLed while Kapso (the
emulator, its delay fault) is answering a create, started again, then a sync. Counted in
the dashboard and in the emulator: one session per pair, no orphan in Kapso."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from sandbox import sync
from sandbox.gateway import get_client
from sandbox.models import PairClaim, SandboxSession
from sandbox.team import jobs, onboarding
from sandbox.team.models import OnboardingPair, PairState
from tests.conftest import TEST_API_KEY, arm, emulator_calls
from tests.team.conftest import wait_until

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout(180)]
ROOT = Path(__file__).resolve().parents[2]
CREATE = "POST /api/v1/sandbox_sessions"


def _database_url() -> str:
    """This test's own database, for a child process."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _start_worker(emulator) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST_"))}
    env.update(
        DATABASE_URL=_database_url(),
        TEAM_QUEUE_URL=settings.TEAM_QUEUE_URL,
        CACHE_URL="locmemcache://",
        SECRET_KEY="test-secret-key-for-the-worker-only",
        KAPSO_API_BASE_URL=emulator.api_base_url,
        KAPSO_API_KEY=TEST_API_KEY,
        KAPSO_TIMEOUT="10",
    )
    return subprocess.Popen(
        [sys.executable, "manage.py", "team_worker", "--workers", "1", "--no-periodic"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kapso_sessions() -> list:
    return get_client().list_sessions(page=1, per_page=100).items


def test_a_worker_killed_while_kapso_answers_leaves_one_session_per_pair(
    kapso, agents, make_testers, charlie
):
    testers = make_testers(4)
    ids = [agents[0].kapso_id, agents[1].kapso_id]
    # The first create is made in Kapso at once but answered 20 s later: the worker dies
    # while it waits.
    arm(kapso, "delay", delay=20)
    batch = onboarding.batch_start(user=charlie, testers=testers, agent_ids=ids)
    jobs.enqueue_batch(batch)
    worker = _start_worker(kapso)
    try:
        wait_until(lambda: emulator_calls(kapso).get(CREATE) == 1, timeout=60)
        wait_until(lambda: len(_kapso_sessions()) == 1)
        assert OnboardingPair.objects.filter(batch=batch, state=PairState.WORKING).count() == 1
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
        # Kapso made it; the dashboard never heard: the claim is all that is left of it.
        assert SandboxSession.objects.count() == 0
        assert PairClaim.objects.count() == 1
        worker = _start_worker(kapso)
        finished = lambda: not onboarding.batch_progress(batch).pending  # noqa: E731
        wait_until(lambda: onboarding.batch_progress(batch).finished, timeout=90)
        assert finished()
    finally:
        worker.kill()
        worker.wait(timeout=10)
    sync.sync_kapso()

    progress = onboarding.batch_progress(batch)
    assert (progress.total, progress.done, progress.failed) == (8, 8, 0)
    in_kapso = _kapso_sessions()
    assert len(in_kapso) == 8  # one per pair: the killed worker's create was adopted
    assert emulator_calls(kapso).get(CREATE) == 8
    stored = set(SandboxSession.objects.values_list("kapso_id", flat=True))
    assert {item.id for item in in_kapso} == stored  # no orphan in Kapso
    per_pair = Counter(SandboxSession.objects.values_list("phone_number", "requested_agent_id"))
    assert per_pair == {(t.phone_number, a): 1 for t in testers for a in ids}
    assert set(SandboxSession.objects.values_list("created_by", flat=True)) == {charlie.pk}
    assert not PairClaim.objects.exists()
