"""Measured in the bench's own process, without HTTP: QR libraries, the history page's
whole-table reads, and where the session page's time goes (through Django's WSGI handler)."""

from __future__ import annotations

import io
import statistics
import sys
import time
import timeit
from collections.abc import Callable
from importlib import import_module

from bench.plan import CACHE_URL

# The function the session page gets its QR code from (sandbox/presenters.py calls it).
PAGE_QR = "kept_qr_svg"


def process_qr_caches() -> list[Callable[[], None]]:
    """The `cache_clear` of every per-process cache in sandbox.qr (its lru_cache functions)."""
    from sandbox import qr

    return [
        value.cache_clear
        for value in vars(qr).values()
        if callable(getattr(value, "cache_clear", None))
    ]


def measure_qr_libraries(link: str) -> dict[str, float]:
    """Milliseconds per call, median of 5 timed batches: zxing-cpp (the page's SVG),
    qrcode (the PNG download, and the SVG it used to make) and segno."""
    from datetime import timedelta

    import qrcode
    import qrcode.image.svg
    from django.utils import timezone

    from sandbox import qr

    page_qr = getattr(qr, PAGE_QR)
    clears = process_qr_caches()
    results: dict[str, float] = {}

    def per_call(fn: Callable[[], object], number: int = 10) -> float:
        fn()
        return statistics.median(timeit.repeat(fn, number=number, repeat=5)) / number * 1000

    later = timezone.now() + timedelta(hours=1)

    def from_shared_cache() -> str:
        for clear in clears:  # so the call has to ask the shared cache
            clear()
        return page_qr(0, link, label="QR", expires_at=later)

    def qrcode_svg() -> str:  # what the page's code was made with before zxing-cpp
        code = qr._code(link, qrcode.image.svg.SvgPathFillImage, 10)
        return code.make_image().to_string()

    results["zxing_svg"] = per_call(lambda: qr.qr_svg.__wrapped__(link, label="QR"))
    results["qrcode_svg"] = per_call(qrcode_svg)
    results["qrcode_png"] = per_call(lambda: qr.qr_png.__wrapped__(link))
    results["qrcode_svg_cached"] = per_call(lambda: qr.qr_svg(link, label="QR"), number=10_000)
    results["page_qr_shared"] = per_call(from_shared_cache, number=100)
    try:
        import segno
    except ImportError:  # requirements-bench.txt not installed
        return results

    def segno_svg() -> str:
        return segno.make(link, error="m", micro=False).svg_inline(scale=10, border=4)

    def segno_png() -> bytes:
        out = io.BytesIO()
        segno.make(link, error="m", micro=False).save(out, kind="png", scale=12, border=4)
        return out.getvalue()

    results["segno_svg"] = per_call(segno_svg)
    results["segno_png"] = per_call(segno_png)
    return results


def _replace_everywhere(original: object, replacement: object) -> list[tuple[object, str]]:
    """Put `replacement` wherever a sandbox module holds `original`; returns where."""
    replaced = []
    for name, module in list(sys.modules.items()):
        if module is None or not (name == "sandbox" or name.startswith("sandbox.")):
            continue
        for attr, value in list(vars(module).items()):
            if value is original:
                setattr(module, attr, replacement)
                replaced.append((module, attr))
    return replaced


def measure_session_page(pk: int, staff, samples: int = 40) -> dict[str, dict[str, float]]:
    """Where the session page's time goes, in-process through the WSGI handler (no HTTP).

    Its parts are timed by wrapping them: the login (session and user read), the kept
    page's lookup (one cache round trip) and probe (one narrow read), the full read
    (`session_page.read`), the template (`render_to_string`) and the page's QR function;
    the rest is middleware, routing and the response. Done twice: as a first view (the
    QR caches and the kept pages emptied before each request: sandbox.qr's per-process
    ones, and whatever the page wrote to the shared cache), which makes the page, and
    warm, which serves the kept page. Then the bare view without a cookie (the
    ceiling) and the logged-in bare view, warm.
    """
    import redis
    from django.conf import settings
    from django.contrib import auth
    from django.core.handlers.wsgi import WSGIHandler
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext
    from django.urls import get_resolver

    from sandbox import page_cache, qr, session_page

    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[auth.SESSION_KEY] = str(staff.pk)
    store[auth.BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    store[auth.HASH_SESSION_KEY] = staff.get_session_auth_hash()
    store.create()
    shared = redis.Redis.from_url(CACHE_URL)
    before_any_page = set(shared.scan_iter())  # the logins, nothing of the page yet
    app = WSGIHandler()
    anonymous = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": f"/sessions/{pk}/",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "HTTP_HOST": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
    }
    logged_in = {**anonymous, "HTTP_COOKIE": f"{settings.SESSION_COOKIE_NAME}={store.session_key}"}

    def get(environ: dict, path: str | None = None) -> float:
        status: list[str] = []
        environ = {**environ, "PATH_INFO": path or environ["PATH_INFO"]}
        started = time.perf_counter()
        b"".join(app(environ, lambda s, h, e=None: status.append(s)))
        took = time.perf_counter() - started
        if not status[0].startswith("200"):
            raise SystemExit(f"bench: {environ['PATH_INFO']} answered {status[0]} in-process")
        return took

    spent: dict[str, float] = {}
    calls: dict[str, int] = {}
    originals = {
        "login": auth.get_user,
        "lookup": page_cache.lookup,
        "probe": session_page.probe,
        "query": session_page.read,
        "template": render_to_string,
        "qr": getattr(qr, PAGE_QR),
    }
    # What each mode must call: a first view makes the page, a warm view serves it kept.
    # (The QR code is called only when the session's state offers one.)
    expected = {
        "first view": ("login", "lookup", "query", "template"),
        "warm": ("login", "lookup", "probe"),
    }

    def timed(name: str, real: Callable) -> Callable:
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - started
                calls[name] = calls.get(name, 0) + 1

        return wrapper

    clears = process_qr_caches()  # found before the page's QR function is wrapped
    get_resolver().url_patterns  # noqa: B018 - imports every view before they are wrapped
    # auth.get_user is looked up on django.contrib.auth by the middleware at each call.
    auth.get_user = timed("login", originals["login"])
    replaced = {
        name: _replace_everywhere(originals[name], timed(name, originals[name]))
        for name in ("lookup", "probe", "query", "template", "qr")
    }
    out: dict[str, dict[str, float]] = {}
    try:
        for mode in ("first view", "warm", "first view", "warm"):  # twice: the first warms up
            totals: list[float] = []
            shares: dict[str, list[float]] = {name: [] for name in originals}
            for _ in range(samples):
                if mode == "first view":
                    for clear in clears:
                        clear()
                    # The kept pages' secret stays: a person's first view finds one.
                    added = {
                        key
                        for key in shared.scan_iter()
                        if (key not in before_any_page or b"sandbox:page:" in key)
                        and page_cache.SECRET_CACHE_KEY.encode() not in key
                    }
                    if added:
                        shared.delete(*added)
                spent.clear()
                calls.clear()
                totals.append(get(logged_in))
                missing = [name for name in expected[mode] if not calls.get(name)]
                if missing:
                    raise SystemExit(
                        f"bench: the session page no longer calls {', '.join(missing)} "
                        "(see bench/inprocess.py: PAGE_QR and measure_session_page)"
                    )
                for name in originals:
                    shares[name].append(spent.get(name, 0.0))
            out[mode] = {"total_ms": statistics.median(totals) * 1000}
            for name, values in shares.items():
                out[mode][f"{name}_ms"] = statistics.median(values) * 1000
                out[mode][f"{name}_share"] = statistics.median(
                    v / t for v, t in zip(values, totals, strict=True)
                )
    finally:
        auth.get_user = originals["login"]
        for name, places in replaced.items():
            for module, attr in places:
                setattr(module, attr, originals[name])

    # The ceilings, as in the load figures: the bare view without a cookie, and logged in.
    with CaptureQueriesContext(connection) as queries:
        get(anonymous, "/_bench/bare")
    if len(queries):
        raise SystemExit(f"bench: the bare view without a cookie made {len(queries)} queries")
    for name, environ, path in (
        ("bare", anonymous, "/_bench/bare"),
        ("bare-login", logged_in, "/_bench/bare-login"),
    ):
        times = [get(environ, path) for _ in range(samples * 2)]
        out[name] = {"total_ms": statistics.median(times[samples:]) * 1000}
    store.delete()
    return out


# The status filter's choices, as PostgreSQL can find them without reading every row: one
# index probe per distinct status ("loose index scan" over session_status_recent).
SKIP_SCAN_STATUSES = """
WITH RECURSIVE found(status) AS (
    (SELECT status FROM sandbox_sandboxsession ORDER BY status LIMIT 1)
    UNION ALL
    SELECT (SELECT s.status FROM sandbox_sandboxsession s WHERE s.status > found.status
            ORDER BY s.status LIMIT 1)
    FROM found WHERE found.status IS NOT NULL
)
SELECT status FROM found WHERE status IS NOT NULL
"""


def measure_history_queries(samples: int = 7) -> dict[str, float]:
    """Median ms of the history page's whole-table reads for staff, and an alternative."""
    from django.db import connection

    from sandbox.models import SandboxSession

    def timed(run: Callable[[], object]) -> float:
        run()
        times = []
        for _ in range(samples):
            started = time.perf_counter()
            run()
            times.append(time.perf_counter() - started)
        return statistics.median(times) * 1000

    def skip_scan() -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(SKIP_SCAN_STATUSES)
            return cursor.fetchall()

    everything = SandboxSession.objects.order_by()
    distinct = set(everything.values_list("status", flat=True).distinct())
    if {row[0] for row in skip_scan()} != distinct:
        raise SystemExit("bench: the skip-scan query disagrees with DISTINCT")
    return {
        "count": timed(lambda: everything.count()),
        "distinct": timed(lambda: list(everything.values_list("status", flat=True).distinct())),
        "skip_scan": timed(skip_scan),
        "page": timed(
            lambda: list(
                everything.select_related("agent", "created_by").order_by("-created_at", "-pk")[:25]
            )
        ),
    }
