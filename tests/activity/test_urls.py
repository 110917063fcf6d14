"""sandbox/activity/urls.py: where the page and its CSV live."""

from __future__ import annotations

from django.urls import resolve, reverse

from sandbox.activity import views


def test_paths():
    assert reverse("activity:page") == "/activity/"
    assert reverse("activity:csv", args=["agents"]) == "/activity/agents.csv"
    assert resolve("/activity/days.csv").func is views.activity_csv
