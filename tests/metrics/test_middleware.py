"""sandbox/metrics/middleware.py: each answer counted under its view's name, never its path."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

pytestmark = pytest.mark.django_db


def _count(view: str, status: str) -> float:
    value = REGISTRY.get_sample_value(
        "django_http_requests_total", {"view": view, "method": "GET", "status": status}
    )
    return value or 0.0


def test_named_views_and_unresolved_paths(client):
    before_health, before_missing = _count("sandbox:healthz", "200"), _count("unresolved", "404")
    assert client.get("/healthz").status_code == 200
    assert client.get("/no/such/page/12345").status_code in (302, 404)
    assert _count("sandbox:healthz", "200") == before_health + 1
    missing = _count("unresolved", "404") + _count("unresolved", "302")
    assert missing >= before_missing + 1
    histogram = REGISTRY.get_sample_value(
        "django_http_request_duration_seconds_count", {"view": "sandbox:healthz"}
    )
    assert histogram >= 1
