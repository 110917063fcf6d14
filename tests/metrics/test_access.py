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


def test_an_address_counts_only_for_a_request_that_came_straight(settings):
    """Behind a proxy every request comes from the proxy's own address: an allow-list
    naming 127.0.0.1 must not open /metrics to whoever the proxy forwards."""
    settings.METRICS_BEARER_TOKEN = ""
    settings.METRICS_ALLOWED_ADDRESSES = ["127.0.0.1"]
    settings.CLIENT_IP_HEADER = "HTTP_X_CLIENT"
    assert access.allowed(_request("127.0.0.1"))
    for header in ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED", "HTTP_X_CLIENT"):
        forwarded = _request("127.0.0.1")
        forwarded.META[header] = "198.51.100.7"
        assert not access.allowed(forwarded), header


def test_a_forwarded_request_still_gets_in_with_the_token(settings):
    settings.METRICS_BEARER_TOKEN, settings.METRICS_ALLOWED_ADDRESSES = "t0ken", ["127.0.0.1"]
    forwarded = _request("127.0.0.1", header="Bearer t0ken")
    forwarded.META["HTTP_X_FORWARDED_FOR"] = "198.51.100.7"
    assert access.allowed(forwarded)
