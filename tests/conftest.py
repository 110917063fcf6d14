"""Shared fixtures: a live Kapso emulator over HTTP, Kapso misbehaving, and users.

Tests talk real HTTP to a bundled emulator on a free port and use the real database.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from django.core.cache import cache

from kapso_emulator import EmulatorServer
from tests.scripted_server import ScriptedServer

# Recognisable, so tests can prove it never leaks into pages, logs or errors.
TEST_API_KEY = "test-key-9f3b1c-DO-NOT-LEAK"
FIXTURES = Path(__file__).parent / "fixtures"


def load_fixture(name: str):
    return json.loads((FIXTURES / name).read_text())


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory):
    """SQLite tests use a file, as `make run` does: an in-memory shared-cache database
    fails concurrent writers at once instead of letting them wait for the lock."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        database.setdefault("TEST", {})["NAME"] = str(
            tmp_path_factory.mktemp("db") / "test.sqlite3"
        )


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    server = EmulatorServer(
        host="127.0.0.1",
        port=0,
        state_file=str(tmp_path_factory.mktemp("emulator") / "state.json"),
        sandbox_number="15550001111",
        api_key=TEST_API_KEY,
        rate_limit=None,
    )
    server.start()
    yield server
    server.stop()


def emulator_control(emulator, path: str, payload: dict | None = None) -> dict:
    response = requests.post(f"{emulator.url}/_emulator/{path}", json=payload or {}, timeout=5)
    response.raise_for_status()
    return response.json()


@pytest.fixture
def kapso(emulator, settings):
    """The dashboard pointed at a freshly reset emulator."""
    emulator_control(emulator, "reset")
    settings.KAPSO_API_BASE_URL = emulator.api_base_url
    settings.KAPSO_API_KEY = TEST_API_KEY
    settings.KAPSO_TIMEOUT = 5.0
    cache.clear()
    return emulator


@pytest.fixture
def scripted(settings):
    """A real HTTP server answering as the test scripts; the dashboard points at it."""
    server = ScriptedServer().start()
    settings.KAPSO_API_BASE_URL = server.url + "/api/v1"
    settings.KAPSO_API_KEY = TEST_API_KEY
    settings.KAPSO_TIMEOUT = 2.0
    cache.clear()
    yield server
    server.stop()


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user("alice", "alice@example.com", "alice-password-1")


@pytest.fixture
def bob(django_user_model):
    return django_user_model.objects.create_user("bob", "bob@example.com", "bob-password-1")


@pytest.fixture
def charlie(django_user_model):
    """Staff: sees everyone's sessions."""
    return django_user_model.objects.create_user(
        "charlie", "charlie@example.com", "charlie-password-1", is_staff=True
    )


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttles, claims and the agent list live in the cache; no test inherits another's.
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher takes ~0.4 s per user by design; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
