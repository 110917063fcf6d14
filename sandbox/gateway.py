"""The door to Kapso from the rest of the dashboard: a `KapsoClient` built from settings.

`sandbox.kapso` knows nothing of Django; this module reads the settings and keeps one
client per thread and configuration, so connections are reused across requests.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from sandbox.kapso import KapsoClient

_local = threading.local()


@sensitive_variables("config", "clients")
def get_client(*, timeout: float | None = None) -> KapsoClient:
    """A client configured from settings, kept per thread so connections are reused.

    `timeout` caps the settings' KAPSO_TIMEOUT for one short call (a follow-up look-up).
    """
    seconds = settings.KAPSO_TIMEOUT if timeout is None else min(timeout, settings.KAPSO_TIMEOUT)
    config = (settings.KAPSO_API_BASE_URL, settings.KAPSO_API_KEY, seconds)
    clients = _local.__dict__.setdefault("clients", {})
    if config not in clients:
        clients[config] = KapsoClient(base_url=config[0], api_key=config[1], timeout=config[2])
    return clients[config]
