"""Shared fixtures: a live Kapso emulator over HTTP, Kapso misbehaving, and users.

Tests talk real HTTP to a bundled emulator on a port the OS picked and use the real
database. The tests mirror the code: `tests/kapso/test_client.py` proves
`sandbox/kapso/client.py`, `tests/views/test_create.py` the create view, and so on;
`tests/flows/` holds the suites that prove a whole flow over HTTP.
"""

from __future__ import annotations

import io
import json
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from django.core.cache import cache
from django.db import connection, connections

from kapso_emulator import EmulatorServer
from tests.scripted_server import ScriptedServer

# Recognisable, so tests can prove it never leaks into pages, logs or errors.
TEST_API_KEY = "test-key-9f3b1c-DO-NOT-LEAK"
FIXTURES = Path(__file__).parent / "fixtures"
# Kapso's documentation as the project keeps it beside this checkout (../shared/).
SHARED = Path(__file__).resolve().parents[2] / "shared"
# The dashboard's Kapso budget while faults are armed in the emulator (`faulty`).
FAULTY_TIMEOUT = 1.0
CREATE_PATH = "/api/v1/sandbox_sessions"


def load_fixture(name: str):
    return json.loads((FIXTURES / name).read_text())


def require_shared(path: Path) -> Path:
    """`path` under ../shared/, or skip the test saying why; under CI (`CI=true`) a
    missing ../shared/ fails instead, so a clean CI clone cannot pass by proving nothing."""
    if not path.exists():
        message = f"{path} is missing: ../shared/ must sit beside this checkout"
        if os.environ.get("CI", "").strip().lower() in ("true", "1", "yes"):
            pytest.fail(message + " (CI=true: a test that cannot run fails)")
        pytest.skip(message)
    return path


@pytest.fixture
def refused_port() -> Iterator[int]:
    """A local port that refuses every connection for the whole test.

    The socket is bound (so no other process can take the port) but never listens, so a
    connection attempt is refused at once. Nothing is released before use.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@pytest.fixture
def refused_url(refused_port) -> str:
    """`http://127.0.0.1:<refused_port>`: a Kapso nobody can reach."""
    return f"http://127.0.0.1:{refused_port}"


@contextmanager
def console_output() -> Iterator[io.StringIO]:
    """What the configured console handler (settings.LOGGING) writes, read back as text."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)


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


def arm(emulator, kind, path=CREATE_PATH, method="POST", **extra) -> None:
    """Make the emulator misbehave on its next matching request(s)."""
    emulator_control(emulator, "faults", {"kind": kind, "path": path, "method": method, **extra})


def emulator_calls(emulator) -> dict[str, int]:
    """How many requests the emulator has answered, by "METHOD path"."""
    return requests.get(f"{emulator.url}/_emulator/calls", timeout=5).json()["calls"]


@pytest.fixture
def faulty(kapso, settings):
    """The emulator, ready for faults: a short Kapso budget and the agent list warm."""
    from sandbox.gateway import get_client

    settings.KAPSO_TIMEOUT = FAULTY_TIMEOUT
    get_client().list_agents()  # warm the agent list before faults are armed
    return kapso


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


@pytest.fixture
def root(django_user_model):
    """A superuser: the admin."""
    return django_user_model.objects.create_superuser("root", "", "pw")


@pytest.fixture
def root_client(client, root):
    client.force_login(root)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Throttles, claims and the agent list live in the cache; no test inherits another's.
    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The real hasher takes ~0.4 s per user by design; tests make many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def database_down(tmp_path, refused_port):
    """`default` swapped for a connection to a database that cannot be opened."""
    if connection.vendor == "sqlite":
        broken = {"NAME": str(tmp_path / "no-such-directory" / "db.sqlite3")}
    else:
        broken = {"HOST": "127.0.0.1", "PORT": refused_port}
    original = connections["default"]
    connections["default"] = original.__class__({**original.settings_dict, **broken}, "default")
    try:
        yield
    finally:
        connections["default"].close()
        connections["default"] = original
