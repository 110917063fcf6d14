"""sandbox/metrics/access.py: a configured token, or an allowed address; nothing else."""

from __future__ import annotations

from django.test import RequestFactory

from sandbox.metrics import access


def _request(address="203.0.113.9", header=None):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    return RequestFactory().get("/metrics", REMOTE_ADDR=address, **extra)


def test_off_until_configured(settings):
    settings.METRICS_BEARER_TOKEN, settings.METRICS_ALLOWED_ADDRESSES = "", []
    assert not access.enabled()
    settings.METRICS_ALLOWED_ADDRESSES = ["127.0.0.1"]
    assert access.enabled()


def test_the_token_exactly(settings):
    settings.METRICS_BEARER_TOKEN, settings.METRICS_ALLOWED_ADDRESSES = "t0ken", []
    assert access.allowed(_request(header="Bearer t0ken"))
    assert not access.allowed(_request(header="Bearer t0ke"))
    assert not access.allowed(_request(header="Bearer t0ken2"))
    assert not access.allowed(_request(header="t0ken"))
    assert not access.allowed(_request())


def test_addresses_and_networks_v4_and_v6(settings):
    settings.METRICS_BEARER_TOKEN = ""
    settings.METRICS_ALLOWED_ADDRESSES = ["10.0.0.0/8", "::1"]
    assert access.allowed(_request("10.200.0.1"))
    assert access.allowed(_request("::1"))
    assert not access.allowed(_request("11.0.0.1"))
    assert not access.allowed(_request("not an address"))
