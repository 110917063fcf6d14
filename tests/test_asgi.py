"""kapso_dashboard/asgi.py: the ASGI application answers a request too."""

from __future__ import annotations

import asyncio

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_asgi_application_serves_the_health_check():
    from kapso_dashboard.asgi import application

    sent = []
    requests = [{"type": "http.request", "body": b"", "more_body": False}]

    async def receive():
        if requests:
            return requests.pop()
        await asyncio.Event().wait()  # the client stays connected until the answer is sent

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "path": "/healthz",
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
        "server": ("testserver", 80),
    }
    asyncio.run(application(scope, receive, send))
    assert sent[0]["type"] == "http.response.start" and sent[0]["status"] == 200
