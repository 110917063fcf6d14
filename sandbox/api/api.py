"""The API itself: one django-ninja `NinjaAPI` with every operation, its token auth and its
problem handlers. Mounted at /api/v1/ by urls.py; the OpenAPI schema is built from the
operations' Pydantic models and refined by schema.py (problem+json, QR content types)."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI

from sandbox.api import handlers, schema
from sandbox.api.auth import BearerToken
from sandbox.api.views import agents, groups, qr, sessions, wait

DESCRIPTION = """\
A JSON API for CI jobs and scripts: make sure a phone has a live WhatsApp sandbox session
for an agent, print its QR code in a log, and wait until the phone has sent the code.

Every call sends `Authorization: Bearer <token>`; make a token on the dashboard's
**API tokens** page (`/settings/tokens/`). A token acts as its owner: it sees what they see
on the pages, and what it makes is charged to their share of the team's Kapso budget and
shows in the history as made by API, with the token's name. Errors are
`application/problem+json` (RFC 9457) with a stable `code`. POSTs take an
`Idempotency-Key` header: a repeat within 24 hours gets the first answer.
"""


class DashboardApi(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any):
        return schema.refine(super().get_openapi_schema(*args, **kwargs))


api = DashboardApi(
    title="Kapso sandbox dashboard API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=BearerToken(),
    # Our own docs page (schema.py): ninja's Swagger UI would need inline script or a CDN,
    # which the Content-Security-Policy forbids.
    docs_url=None,
)
handlers.install(api)
api.add_router("/sessions", sessions.router)
api.add_router("/sessions", qr.router)
api.add_router("/sessions", wait.router)
api.add_router("/agents", agents.router)
api.add_router("/groups", groups.router)
