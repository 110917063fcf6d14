"""The budget across processes: gunicorn with two workers on Redis, fifteen teammates
creating at once, and the emulator limiting the key to 100 calls a minute as Kapso would.
The team must never go over: Kapso (the emulator) never has to refuse a call."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client

from sandbox.models import FailedSessionAttempt, SandboxSession
from support.servers import GUNICORN, start_process
from tests.conftest import TEST_API_KEY, emulator_control

ROOT = Path(__file__).resolve().parents[2]
TEAM = 15
CREATES_EACH = 12
LIMIT = 100

on_redis = pytest.mark.skipif(
    not os.environ.get("CACHE_URL", "").startswith("redis://"),
    reason="Redis only: a shared budget needs a shared cache (runs in `make test-postgres`)",
)


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@on_redis
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_take_the_team_over_kapsos_limit(kapso, django_user_model):
    emulator_control(kapso, "rate_limit", {"per_minute": LIMIT})
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kapso_dashboard.settings_test",
        "DATABASE_URL": _database_url(),
        "SECRET_KEY": django_settings.SECRET_KEY,  # the test's logins must be valid there
        "KAPSO_API_BASE_URL": kapso.api_base_url,
        "KAPSO_API_KEY": TEST_API_KEY,
        "KAPSO_RATE_LIMIT_PER_MINUTE": str(LIMIT),
        "KAPSO_TIMEOUT": "5",
    }
    cookies = []
    for n in range(TEAM):
        user = django_user_model.objects.create_user(f"tester{n}", password="tester-password-1")
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies[django_settings.SESSION_COOKIE_NAME].value)
    gunicorn = [sys.executable, "-m", "gunicorn", "--workers", "2", "--threads", "4"]
    command = [*gunicorn, "--bind", "127.0.0.1:0", "kapso_dashboard.wsgi"]
    with start_process(command, announce=GUNICORN, ready_path="/healthz", env=env, cwd=ROOT) as web:
        started = time.time()
        statuses: list[int] = []

        def teammate(n: int) -> None:
            http = requests.Session()
            http.trust_env = False
            http.cookies.set(django_settings.SESSION_COOKIE_NAME, cookies[n])
            form = http.get(web.url + "/", timeout=30)
            token = http.cookies.get("csrftoken") or form.cookies.get("csrftoken")
            for i in range(CREATES_EACH):
                reply = http.post(
                    web.url + "/",
                    data={
                        "csrfmiddlewaretoken": token,
                        "phone_number": f"+1415555{n:02d}{i:02d}",
                        "agent_id": "agent-support-01",
                    },
                    headers={"Referer": web.url + "/"},
                    allow_redirects=False,
                    timeout=30,
                )
                statuses.append(reply.status_code)

        threads = [threading.Thread(target=teammate, args=(n,)) for n in range(TEAM)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        windows = int(time.time() // 60) - int(started // 60) + 1
    assert len(statuses) == TEAM * CREATES_EACH
    assert set(statuses) <= {200, 302}, statuses  # made, or refused with words
    # Kapso never had to refuse: the team stayed within its limit in every window.
    assert not FailedSessionAttempt.objects.filter(error_kind="rate_limited").exists()
    made = SandboxSession.objects.count()
    assert 0 < made <= LIMIT * windows
    refused = FailedSessionAttempt.objects.filter(error_kind="quota").count()
    assert made + refused == TEAM * CREATES_EACH
