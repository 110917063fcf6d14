"""Kapso's REST API, and nothing else: the only code in the dashboard that speaks HTTP to it.

No Django models and no settings in here; `sandbox.gateway` builds a client from settings.

    client = KapsoClient(base_url=..., api_key=..., timeout=10)
    session = client.create_session(phone_number="+14155552671", agent_id="agent-123")

Every failure is a `KapsoError` (errors.py) with a message fit to show a person.
"""

from sandbox.kapso import errors, types
from sandbox.kapso.client import KapsoClient
from sandbox.kapso.errors import *  # noqa: F403 - the error kinds, listed once in errors.__all__
from sandbox.kapso.quota import BACKGROUND, Caller, Priority, Quota, QuotaPolicy
from sandbox.kapso.retry import with_rate_limit_waits

__all__ = [
    "BACKGROUND",
    "Caller",
    "KapsoClient",
    "Priority",
    "Quota",
    "QuotaPolicy",
    "types",
    "with_rate_limit_waits",
    *errors.__all__,
]
