"""sandbox/metrics/exposition.py: one process's instruments plus the state, one valid text."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

from sandbox.gateway import get_client
from sandbox.metrics.exposition import scrape

pytestmark = pytest.mark.django_db


def _calls(text: str) -> float:
    for family in text_string_to_metric_families(text):
        if family.name == "kapso_calls":
            return sum(
                s.value
                for s in family.samples
                if s.name == "kapso_calls_total" and s.labels["operation"] == "list_agents"
            )
    return 0.0


def test_a_kapso_call_shows_in_the_next_scrape(kapso, monkeypatch):
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    before, content_type = scrape()
    get_client().list_agents()
    after, _ = scrape()
    assert content_type.startswith("text/plain")
    assert _calls(after.decode()) == _calls(before.decode()) + 1
    names = {f.name for f in text_string_to_metric_families(after.decode())}
    assert {"kapso_quota_limit", "sandbox_sessions", "team_queue_pending"} <= names
