"""sandbox/web/redis_cache.py: one redis-py client per pool, shared by every call and thread,
and what Django's RedisCache stores is stored the same way."""

from __future__ import annotations

import threading

import redis
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from sandbox.web.redis_cache import RedisCache
from tests.flows.test_backends import cache_url as SERVER
from tests.flows.test_backends import on_redis


def test_every_call_gets_the_one_client_over_the_pool():
    backend = RedisCache("redis://127.0.0.1:9/0", {})  # building clients connects nowhere
    first = backend._cache.get_client("a")
    assert backend._cache.get_client("b", write=True) is first
    assert first.connection_pool is backend._cache._get_connection_pool(False)
    # Django's own builds one per call: the cost this module removes.
    django_made = DjangoRedisCache("redis://127.0.0.1:9/0", {})._cache
    assert django_made.get_client("a") is not django_made.get_client("a")


def test_threads_share_the_client_and_so_the_pool():
    backend = RedisCache("redis://127.0.0.1:9/0", {})
    seen = []
    threads = [
        threading.Thread(target=lambda: seen.append(backend._cache.get_client())) for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(client) for client in seen}) == 1


def test_each_server_has_its_own_client():
    backend = RedisCache("redis://127.0.0.1:9/0,redis://127.0.0.1:10/0", {})
    writer = backend._cache.get_client(write=True)
    reader = backend._cache.get_client()  # reads go to the second server
    assert writer is not reader
    assert writer.connection_pool.connection_kwargs["port"] == 9
    assert reader.connection_pool.connection_kwargs["port"] == 10


@on_redis
def test_what_one_stores_django_s_reads_back():
    ours, django_s = RedisCache(SERVER, {}), DjangoRedisCache(SERVER, {})
    ours.set("redis-cache-test", {"n": 1}, 30)
    assert django_s.get("redis-cache-test") == {"n": 1}
    assert ours.get_many(["redis-cache-test", "absent"]) == {"redis-cache-test": {"n": 1}}
    ours.delete("redis-cache-test")
    assert redis.Redis.from_url(SERVER).exists(":1:redis-cache-test") == 0
