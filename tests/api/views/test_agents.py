"""sandbox/api/views/agents.py: Kapso's agents as the form offers them, and the last known
list (with the reason) when Kapso cannot be asked."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from tests.conftest import arm

pytestmark = pytest.mark.django_db


def test_agents_are_listed_by_id_and_name(kapso, alice_api):
    body = alice_api.get("/api/v1/agents").json()
    assert body["warning"] is None
    assert {a["id"] for a in body["items"]} == {
        "agent-support-01",
        "agent-sales-02",
        "agent-onboarding-03",
    }
    assert all(a["name"] and a["description"] for a in body["items"])


def test_when_kapso_fails_the_last_list_comes_with_the_reason(faulty, alice_api):
    alice_api.get("/api/v1/agents")
    cache.clear()  # the copy is stale: the next call asks Kapso
    arm(faulty, "status", path="/api/v1/agents", method="GET", status=500, times=3)
    body = alice_api.get("/api/v1/agents").json()
    assert len(body["items"]) == 3
    assert "Kapso had a problem on its side" in body["warning"]
