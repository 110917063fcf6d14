"""The API's tests: a teammate's token, and a client that sends it.

Requests go through Django's test client (the whole middleware stack, the real database);
behind the API the dashboard talks HTTP to the Kapso emulator (`kapso`) or to a scripted
server (`scripted`), as everywhere in the suite.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

import pytest
from django.test import Client

from sandbox.api.models import ApiToken
from sandbox.api.tokens import token_create
from sandbox.api.views.problem_codes import MAY_ANSWER

AGENT = "agent-support-01"
PHONE = "+1 415 555 2671"
E164 = "+14155552671"
ENSURE = "/api/v1/sessions/ensure"


@lru_cache(maxsize=1)
def _operations() -> list[tuple[re.Pattern, str, str]]:
    from sandbox.api.api import api

    paths = api.get_openapi_schema()["paths"]
    return [
        (re.compile(re.sub(r"\{[^}]+\}", "[^/]+", template)), method.upper(), op["operationId"])
        for template, ops in paths.items()
        for method, op in ops.items()
    ]


def operation_of(method: str, path: str) -> str | None:
    """The operation a request reaches, by the served schema's paths; None for no operation."""
    return next(
        (op for pattern, verb, op in _operations() if verb == method and pattern.fullmatch(path)),
        None,
    )


def declared(method: str, path: str, response):
    """`response`, after checking that its problem, if any, is one the operation's row of
    views/problem_codes.py lists: every API test is also a check of that table."""
    operation = operation_of(method, path.split("?", 1)[0])
    if operation and response.get("Content-Type") == "application/problem+json":
        code = response.json()["code"]
        assert code in MAY_ANSWER[operation], f"{operation} answered {code}, not in its row"
    return response


class Api:
    """Django's test client with `Authorization: Bearer <secret>` on every request; each
    problem answered is checked against the operation's declared codes (`declared`)."""

    def __init__(self, secret: str | None, client: Client | None = None) -> None:
        self.secret = secret
        self.client = client or Client()

    def _headers(self, key: str | None, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {self.secret}"} if self.secret else {}
        if key is not None:
            headers["Idempotency-Key"] = key
        return {**headers, **(extra or {})}

    def get(self, path: str, params: dict | None = None, headers: dict | None = None):
        response = self.client.get(path, params or {}, headers=self._headers(None, headers))
        return declared("GET", path, response)

    def post(
        self,
        path: str,
        body: Any = None,
        *,
        key: str | None = None,
        raw: str | None = None,
        headers: dict | None = None,
    ):
        data = raw if raw is not None else ("" if body is None else json.dumps(body))
        response = self.client.post(
            path, data, content_type="application/json", headers=self._headers(key, headers)
        )
        return declared("POST", path, response)

    def ensure(self, phone: str = PHONE, agent: str = AGENT, **kwargs):
        return self.post(ENSURE, {"phone_number": phone, "agent_id": agent}, **kwargs)


def make_token(user, name: str = "ci", **kwargs) -> str:
    kwargs.setdefault("expires_in", None)
    return token_create(user=user, name=name, **kwargs).secret


@pytest.fixture
def alice_api(alice) -> Api:
    return Api(make_token(alice))


@pytest.fixture
def bob_api(bob) -> Api:
    return Api(make_token(bob))


@pytest.fixture
def charlie_api(charlie) -> Api:
    """Staff: sees everyone's sessions."""
    return Api(make_token(charlie))


@pytest.fixture
def reader_api(alice) -> Api:
    return Api(make_token(alice, "dashboards", access=ApiToken.READ))


def problem(response, status: int, code: str) -> dict:
    """The response's problem+json body, after checking its status, type and code."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"/api/v1/docs#problem-{code}"
    assert body["title"] and body["detail"]
    return body
