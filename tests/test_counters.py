"""sandbox/counters.py: one fixed-window counter in the shared cache."""

from __future__ import annotations

from django.core.cache import cache

from sandbox.counters import count_up


def test_counts_up_from_one():
    assert [count_up("counter-test", 60) for _ in range(3)] == [1, 2, 3]


def test_later_counts_do_not_extend_the_window(monkeypatch):
    count_up("counter-window", 60)
    adds = []
    real_add = cache.add

    def watching_add(key, value, timeout=None, **kwargs):
        adds.append((key, timeout))
        return real_add(key, value, timeout, **kwargs)

    monkeypatch.setattr(cache, "add", watching_add)
    assert count_up("counter-window", 60) == 2
    # The only write that sets a timeout is the add, which did not happen a second time.
    assert cache.get("counter-window") == 2
    assert adds == [("counter-window", 60)]  # tried, lost to the existing window


def test_a_window_that_ended_between_the_two_calls_starts_again(monkeypatch):
    # add() loses (the key exists), then the key expires before incr(): the count restarts.
    real_add = cache.add
    calls = []

    def add_then_expire(key, value, timeout=None, **kwargs):
        calls.append(key)
        if len(calls) == 1:
            cache.set(key, 5, timeout)
            cache.delete(key)  # ... and the window ends at once
            return False
        return real_add(key, value, timeout, **kwargs)

    monkeypatch.setattr(cache, "add", add_then_expire)
    assert count_up("counter-race", 60) == 1
    assert cache.get("counter-race") == 1


def test_keys_count_apart():
    count_up("counter-a", 60)
    count_up("counter-a", 60)
    assert count_up("counter-b", 60) == 1
