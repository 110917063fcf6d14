"""sandbox/metrics/views.py and access.py: off unless configured; a token or an address."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families

pytestmark = pytest.mark.django_db


def test_off_when_neither_token_nor_addresses(client, settings):
    settings.METRICS_BEARER_TOKEN, settings.METRICS_ALLOWED_ADDRESSES = "", []
    assert client.get("/metrics").status_code == 404


def test_token_lets_in_and_anything_else_is_refused(client, settings):
    settings.METRICS_BEARER_TOKEN, settings.METRICS_ALLOWED_ADDRESSES = "s3cret", []
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    assert client.get("/metrics", HTTP_AUTHORIZATION="Basic s3cret").status_code == 401
    ok = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret")
    assert ok.status_code == 200
    names = {f.name for f in text_string_to_metric_families(ok.content.decode())}
    assert {"sandbox_sessions", "kapso_quota_limit", "team_queue_oldest_waiting_seconds"} <= names


def test_allowed_addresses_and_networks(client, settings):
    settings.METRICS_BEARER_TOKEN = ""
    settings.METRICS_ALLOWED_ADDRESSES = ["10.0.0.0/8", "192.0.2.7"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.7").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.0.2.8").status_code == 401
    # With a token configured too, a wrong token is refused even from an allowed address.
    settings.METRICS_BEARER_TOKEN = "s3cret"
    refused = client.get("/metrics", REMOTE_ADDR="10.1.2.3", HTTP_AUTHORIZATION="Bearer x")
    assert refused.status_code == 401
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200


def test_sessions_by_state(client, settings, alice):
    from tests.activity.seed import seed

    seed(alice, alice)
    settings.METRICS_BEARER_TOKEN = "s3cret"
    text = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret").content.decode()
    family = next(f for f in text_string_to_metric_families(text) if f.name == "sandbox_sessions")
    states = {s.labels["state"]: s.value for s in family.samples}
    # seed.py: 4 active, 1 Kapso-expired + 1 past its expiry, 1 pending.
    assert states == {"pending": 1, "active": 4, "expired": 2, "other": 0}


def test_a_typo_in_the_addresses_lets_nobody_in_through_it(client, settings, caplog):
    settings.METRICS_BEARER_TOKEN = ""
    settings.METRICS_ALLOWED_ADDRESSES = ["10.0.0.300", "127.0.0.1"]
    assert client.get("/metrics", REMOTE_ADDR="10.0.0.3").status_code == 401
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert "10.0.0.300" in caplog.text
