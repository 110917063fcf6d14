"""The shared Kapso budget as a pure component: a dict store and a clock we move by hand."""

from __future__ import annotations

import pytest

from sandbox.kapso.quota import (
    BACKGROUND,
    Caller,
    Priority,
    Quota,
    QuotaPolicy,
    StoreUnavailable,
)

POLICY = QuotaPolicy(per_minute=100, reserve=20, per_person=10, per_watcher=30)
ALICE = Caller("user:1", Priority.PERSON)
BOB = Caller("user:2", Priority.PERSON)
ALICE_PAGE = Caller("user:1", Priority.WATCH)


class DictStore:
    """Atomic enough for one thread; the Redis store is tested over a real Redis."""

    def __init__(self) -> None:
        self.values: dict[str, float] = {}
        self.down = False

    def _check(self) -> None:
        if self.down:
            raise StoreUnavailable("down")

    def incr(self, key, ttl, also=()):
        self._check()
        for name in (key, *also):
            self.values[name] = self.values.get(name, 0) + 1
        return self.values[key]

    def decr(self, key):
        self._check()
        self.values[key] -= 1

    def add_to(self, key, amount, ttl):
        self._check()
        self.values[key] = self.values.get(key, 0) + amount

    def get(self, key):
        self._check()
        return self.values.get(key)

    def get_many(self, keys):
        self._check()
        return {k: self.values[k] for k in keys if k in self.values}

    def set(self, key, value, ttl):
        self._check()
        self.values[key] = value

    def set_many(self, values, ttl):
        self._check()
        self.values.update(values)


class Clock:
    def __init__(self, now: float = 6_000_000.0) -> None:  # the start of a minute
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store():
    return DictStore()


@pytest.fixture
def quota(store, clock):
    return Quota(store, POLICY, scope="test", clock=clock)


def spend(quota, caller, times):
    return [quota.take(caller) for _ in range(times)]


def test_a_person_gets_their_share_then_a_clear_wait(quota, clock):
    clock.now += 37
    results = spend(quota, ALICE, 11)
    assert results[:10] == [None] * 10
    denied = results[10]
    assert (denied.whose, denied.wait, denied.limit) == ("person", 23, 10)


def test_one_persons_burst_leaves_the_team_its_minute(quota):
    spend(quota, ALICE, 150)
    assert quota.take(BOB) is None
    assert quota.usage().used == 11  # alice's ten and bob's one; refusals cost nothing


def test_background_never_touches_the_reserve(quota):
    granted = [r for r in spend(quota, BACKGROUND, 100) if r is None]
    assert len(granted) == 80
    assert quota.take(BACKGROUND).whose == "team"
    # People still have the whole reserve.
    assert spend(quota, ALICE, 10) == [None] * 10
    assert spend(quota, BOB, 10) == [None] * 10
    assert quota.take(Caller("user:3", Priority.PERSON)).whose == "team"


def test_joins_share_one_share_and_never_touch_the_reserve(clock, store):
    joins = Caller("joins", Priority.JOIN)
    policy = QuotaPolicy(per_minute=100, reserve=20, per_person=10, per_watcher=30, per_join=30)
    quota = Quota(store, policy, scope="k", clock=clock)
    assert spend(quota, joins, 30) == [None] * 30
    denied = quota.take(joins)
    assert (denied.whose, denied.limit) == ("join", 30)
    wide = Quota(store, QuotaPolicy(100, 20, 10, 30, per_join=1000), scope="w", clock=clock)
    assert len([r for r in spend(wide, joins, 100) if r is None]) == 80
    assert wide.take(joins).whose == "team"
    assert spend(wide, ALICE, 10) == [None] * 10  # people keep the reserve


def test_watching_pages_leave_half_the_reserve_to_people(quota):
    pages = [Caller(f"user:{n}", Priority.WATCH) for n in range(10)]
    granted = sum(1 for page in pages for r in spend(quota, page, 30) if r is None)
    assert granted == 90
    assert spend(quota, ALICE, 10) == [None] * 10


def test_one_persons_pages_are_spread_over_minutes(quota, clock):
    results = spend(quota, ALICE_PAGE, 100)
    assert results.count(None) == 30
    assert results[-1].whose == "watcher"
    clock.now += 60
    assert quota.take(ALICE_PAGE) is None  # the next minute has room again


def test_the_window_is_a_fixed_minute(quota, clock):
    clock.now += 59
    spend(quota, ALICE, 10)
    assert quota.take(ALICE).wait == 1
    clock.now += 1
    assert quota.take(ALICE) is None


def test_kapso_counting_more_than_us_shrinks_what_is_left(quota):
    # Another dashboard (or Kapso's CLI) on the same key already made 70 calls.
    assert quota.take(BACKGROUND) is None
    quota.observe(200, {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "29"}, None)
    assert quota.usage().used == 71
    granted = [r for r in spend(quota, BACKGROUND, 20) if r is None]
    assert len(granted) == 9  # up to the background ceiling of 80


def test_kapso_counting_less_than_us_changes_nothing(quota):
    spend(quota, BACKGROUND, 5)
    quota.observe(200, {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "99"}, None)
    assert quota.usage().used == 5


def test_a_smaller_plan_announced_by_kapso_wins(quota):
    quota.observe(200, {"X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "50"}, None)
    assert quota.limit() == 50
    granted = [r for r in spend(quota, BACKGROUND, 100) if r is None]
    assert len(granted) == 30  # 50 less the reserve


def test_a_429_blocks_everyone_until_retry_after(quota, clock):
    quota.observe(429, {}, 17)
    denied = quota.take(ALICE)
    assert (denied.whose, denied.wait) == ("kapso", 17)
    clock.now += 17
    assert quota.take(ALICE) is None


def test_a_store_outage_is_raised_not_swallowed(quota, store):
    store.down = True
    with pytest.raises(StoreUnavailable):
        quota.take(ALICE)


def test_usage_reports_by_priority(quota):
    spend(quota, ALICE, 2)
    spend(quota, ALICE_PAGE, 3)
    spend(quota, BACKGROUND, 4)
    usage = quota.usage()
    assert usage.used == 9
    assert usage.by_priority == {"person": 2, "watch": 3, "background": 4, "join": 0}
