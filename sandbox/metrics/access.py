"""Who may scrape `/metrics`: a bearer token from the settings, or an allowed address.

Off (404, as if absent) when neither METRICS_BEARER_TOKEN nor METRICS_ALLOWED_ADDRESSES
is set: figures about the team's use are not public by default.

An address lets a scrape in only when it came straight to the dashboard. Behind a reverse
proxy every request arrives from the proxy's address (often 127.0.0.1), so a request that
names a forwarded client (X-Forwarded-For, X-Real-IP, Forwarded, or CLIENT_IP_HEADER) is
never let in by address: it needs the token. A client that sends such a header itself is
refused the same way, which fails closed.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger(__name__)


def enabled() -> bool:
    return bool(settings.METRICS_BEARER_TOKEN or settings.METRICS_ALLOWED_ADDRESSES)


def allowed(request) -> bool:
    token = settings.METRICS_BEARER_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header[7:].strip().encode(), token.encode())
    if _forwarded(request):
        return False
    return _address_allowed(request.META.get("REMOTE_ADDR", ""))


FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


def _forwarded(request) -> bool:
    names = (*FORWARDING_HEADERS, settings.CLIENT_IP_HEADER)
    return any(name and request.META.get(name) for name in names)


def _address_allowed(address: str) -> bool:
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(client in network for network in _networks())


def _networks() -> list:
    networks = []
    for entry in settings.METRICS_ALLOWED_ADDRESSES:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:  # a typo lets nobody in through it, and says so
            logger.warning("METRICS_ALLOWED_ADDRESSES: %r is not an address or network", entry)
    return networks
