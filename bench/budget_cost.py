"""What the shared Kapso budget adds to each call: `take` before and `observe` after.

Measured in-process against the cache a deployment uses (Redis on loopback, as `make
bench` runs it) and the local-memory cache (`make run`): the median cost of the budget's
bookkeeping for one create (a person's call) and one status poll (a page's call).

    .venv/bin/python -m bench.budget_cost [--redis redis://127.0.0.1:6379/14] [--calls 2000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time


def measure(calls: int = 2000) -> dict[str, float]:
    """Median ms of take + observe for a create and a status poll, on Django's configured
    cache (the caller has set Django up)."""

    from sandbox.gateway import CacheStore
    from sandbox.kapso.quota import Caller, Priority, Quota, QuotaPolicy

    # Large enough that nothing is refused: the cost of a granted call is what is measured.
    policy = QuotaPolicy(per_minute=10**9, reserve=20, per_person=10**9, per_watcher=10**9)
    quota = Quota(CacheStore(), policy, scope=f"bench-{time.time_ns()}")
    headers = {"X-RateLimit-Limit": "1000000000", "X-RateLimit-Remaining": "999999000"}
    results = {}
    for name, priority in (("create", Priority.PERSON), ("status poll", Priority.WATCH)):
        caller = Caller("user:1", priority)
        samples = []
        for _ in range(calls):
            started = time.perf_counter()
            assert quota.take(caller) is None
            quota.observe(200, headers, None)
            samples.append((time.perf_counter() - started) * 1000)
        results[name] = statistics.median(samples)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--locmem", action="store_true", help="the local-memory cache instead")
    parser.add_argument("--calls", type=int, default=2000)
    args = parser.parse_args()
    url = "locmemcache://" if args.locmem else args.redis
    os.environ["CACHE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kapso_dashboard.settings")
    import django

    django.setup()
    for name, ms in measure(args.calls).items():
        print(f"{url}\t{name}\tmedian {ms:.3f} ms per call (take + observe)")


if __name__ == "__main__":
    main()
