"""kapso_dashboard/wsgi.py: the application gunicorn serves answers a request."""

from __future__ import annotations

import io

import pytest

# Without the test transaction: the handler closes and reopens the connection per request.
pytestmark = pytest.mark.django_db(transaction=True)


def test_the_wsgi_application_serves_the_health_check():
    from kapso_dashboard.wsgi import application

    started = []
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/healthz",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.input": io.BytesIO(),
        "wsgi.url_scheme": "http",
    }
    body = b"".join(application(environ, lambda status, headers: started.append(status)))
    assert started == ["200 OK"], body
    assert b'"database": "ok"' in body
