"""sandbox/metrics/urls.py: /metrics, at the root where Prometheus looks for it."""

from __future__ import annotations

from django.urls import resolve, reverse

from sandbox.metrics import views


def test_path():
    assert reverse("metrics:metrics") == "/metrics"
    assert resolve("/metrics").func is views.metrics
