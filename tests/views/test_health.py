"""sandbox/views/health.py: /healthz answers 200 only when the database and the cache both
work, else 503 naming what is down. Both failures are real: a cache on a port that refuses
connections, a database connection that cannot be opened."""

from __future__ import annotations

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_down(settings, refused_port):
    """The cache is a Redis on a port that refuses connections (held for the whole test)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{refused_port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


def test_healthz_is_open_and_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_healthy_when_database_and_cache_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert response["Cache-Control"].startswith("max-age=0")


def test_cache_down_is_a_503_naming_the_cache(client, cache_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "cache": "unavailable"}


def test_database_down_is_a_503_naming_the_database(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable", "cache": "ok"}


def test_both_down_names_both(client, database_down, cache_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "unavailable",
        "cache": "unavailable",
    }


def stored_keys(pattern: str) -> list[str]:
    """Keys really held by the configured cache (local memory or Redis)."""
    backend = caches["default"]
    if isinstance(backend, LocMemCache):
        return [key for key in backend._cache if pattern in key]
    client = backend._cache.get_client(None)
    return [key.decode() for key in client.scan_iter(f"*{pattern}*")]


def test_the_probe_key_is_really_written_then_removed(client, monkeypatch):
    seen = []
    real_get = cache.get

    def get_and_look(key, *args, **kwargs):
        seen.extend(stored_keys(key))
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(cache, "get", get_and_look)
    assert client.get("/healthz").status_code == 200
    assert len(seen) == 1 and "healthz:" in seen[0]  # it was in the cache during the probe
    assert stored_keys("healthz:") == []  # and is gone after it
