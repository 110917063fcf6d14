"""sandbox/team/queue.py: SQLite (embedded) or Redis (several machines), from one setting."""

from __future__ import annotations

import os
import threading

import pytest
from huey import RedisHuey, SqliteHuey
from huey.consumer import Consumer

from sandbox.team import queue

cache_url = os.environ.get("CACHE_URL", "locmemcache://")
on_redis = pytest.mark.skipif(
    not cache_url.startswith("redis://"),
    reason="Redis only: runs in `make test-postgres` (CACHE_URL=redis://...)",
)


def test_sqlite_is_the_embedded_default_and_makes_its_folder(tmp_path):
    built = queue.build(f"sqlite:///{tmp_path}/var/q.sqlite3")
    assert isinstance(built, SqliteHuey) and (tmp_path / "var").is_dir()
    assert not built.immediate  # a real queue, never run-in-place


def test_a_relative_sqlite_path_is_the_projects_as_for_database_url(settings, tmp_path):
    settings.BASE_DIR = tmp_path  # the project's folder, for this test
    built = queue.build("sqlite:///var/q.sqlite3")
    assert built.storage.filename == str(tmp_path / "var" / "q.sqlite3")
    assert (tmp_path / "var").is_dir()


def test_an_unknown_scheme_is_refused_with_the_forms_that_work():
    with pytest.raises(ValueError, match="sqlite:///path or redis://"):
        queue.build("amqp://rabbit/")


def test_the_tests_run_against_their_own_queue_file():
    assert isinstance(queue.huey, SqliteHuey)
    assert "kapso-test-queue-" in queue.huey.storage.filename


@on_redis
def test_on_redis_a_second_consumer_runs_what_the_first_machine_queued():
    # Another Redis database than the cache's, as production would use.
    url = cache_url.rsplit("/", 1)[0] + "/12"
    producer, worker_side = queue.build(url), queue.build(url)
    assert isinstance(producer, RedisHuey)
    producer.flush()
    done = threading.Event()

    @worker_side.task(name="ping")
    def ping_worker(n):
        done.set()

    @producer.task(name="ping")
    def ping(n):  # the producer only needs the name
        raise AssertionError("runs on the worker, not here")

    consumer = Consumer(worker_side, workers=1, worker_type="thread", periodic=False, max_delay=0.2)
    consumer._set_signal_handlers = lambda: None
    consumer.start()
    try:
        ping(1)
        assert done.wait(10)
    finally:
        consumer.stop(graceful=True)
        producer.flush()


def test_the_oldest_waiting_job_is_stamped_and_unstamped(monkeypatch):
    from sandbox.team import jobs

    queue.huey.flush()
    try:
        jobs.resume_batches()  # enqueued, nobody consumes it here
        waited = queue.oldest_waiting_age(queue.time.time() + 30)
        assert 29 <= waited <= 31
        task = queue.huey.dequeue()
        queue.huey.execute(task)  # starting it takes its stamp back
        assert queue.oldest_waiting_age(queue.time.time()) == 0
        assert queue.huey.get(queue.STAMP_PREFIX + task.id, peek=True) is None
    finally:
        queue.huey.flush()
