"""Who may scrape `/metrics`: a bearer token from the settings, or an allowed address.

Off (404, as if absent) when neither METRICS_BEARER_TOKEN nor METRICS_ALLOWED_ADDRESSES
is set: figures about the team's use are not public by default.
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
    return _address_allowed(request.META.get("REMOTE_ADDR", ""))


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
