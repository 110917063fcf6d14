"""sandbox/web/session_store.py: a login is read from the database while the cache is down,
and the cache is only a speed-up (its write-back may fail without failing the page)."""

from __future__ import annotations

import logging
import socket

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore
from django.core.cache.backends.redis import RedisCache

from sandbox.web.session_store import SessionStore

pytestmark = pytest.mark.django_db


@pytest.fixture
def dead_cache():
    """A real Redis cache on a port that is bound but never listens: every call fails."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    yield RedisCache(f"redis://127.0.0.1:{sock.getsockname()[1]}/0", {})
    sock.close()


def saved_login() -> str:
    store = SessionStore()
    store["_auth_user_id"] = "7"
    store.save()
    return store.session_key


def test_a_login_is_read_from_the_database_when_the_cache_is_down(dead_cache, caplog):
    key = saved_login()
    store = SessionStore(key)
    store._cache = dead_cache
    with caplog.at_level(logging.WARNING, logger="sandbox.web.session_store"):
        assert store.load() == {"_auth_user_id": "7"}
    assert "session cache unreachable" in caplog.text
    assert key not in caplog.text  # the session key is a secret too


def test_djangos_own_store_fails_there_which_is_why_this_one_exists(dead_cache):
    store = CachedDbStore(saved_login())
    store._cache = dead_cache
    with pytest.raises(Exception):  # noqa: B017 - whatever redis-py raises, it is not caught
        store.load()


def test_a_database_read_is_written_back_to_a_working_cache():
    key = saved_login()
    store = SessionStore(key)
    store._cache.delete(store.cache_key)
    assert store.load() == {"_auth_user_id": "7"}
    assert store._cache.get(store.cache_key) == {"_auth_user_id": "7"}


def test_an_unknown_or_expired_key_is_an_empty_login():
    assert SessionStore("x" * 32).load() == {}
