"""sandbox/api/auth.py over HTTP: every operation wants a bearer token, says why it refuses
one, acts as the token's owner, and never writes a token into a log."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from sandbox.api.api import api
from sandbox.api.models import ApiToken
from sandbox.api.tokens import token_revoke
from tests.api.conftest import Api, make_token, problem
from tests.conftest import console_output
from tests.factories import make_session

pytestmark = pytest.mark.django_db


def every_operation() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return [
        (method.upper(), re.sub(r"\{[^}]+\}", "1", path))
        for path, methods in schema["paths"].items()
        for method in methods
    ]


def call(client: Api, method: str, path: str):
    return client.post(path, {}) if method == "POST" else client.get(path)


def test_every_operation_wants_a_token_and_says_how_to_send_one(kapso):
    operations = every_operation()
    assert len(operations) == 11  # 9, and the two groups reads (issue 23)
    for method, path in operations:
        response = call(Api(None), method, path)
        body = problem(response, 401, "token_missing")
        assert "Authorization: Bearer" in body["detail"], path
        assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_another_scheme_is_refused_naming_the_right_one(kapso, alice):
    secret = make_token(alice)
    response = Api(None).get("/api/v1/agents", headers={"Authorization": f"Token {secret}"})
    assert "the word Bearer" in problem(response, 401, "token_missing")["detail"]


def test_a_wrong_revoked_or_expired_token_is_a_401_saying_which(kapso, alice):
    wrong = Api("kst_" + "B" * 43).get("/api/v1/agents")
    problem(wrong, 401, "token_invalid")
    assert wrong["WWW-Authenticate"] == 'Bearer realm="api", error="invalid_token"'
    revoked = make_token(alice, "old")
    token_revoke(ApiToken.objects.get(name="old"))
    problem(Api(revoked).get("/api/v1/agents"), 401, "token_revoked")
    expiring = make_token(alice, "brief", expires_in=timedelta(days=1))
    assert Api(expiring).get("/api/v1/agents").status_code == 200
    ApiToken.objects.filter(name="brief").update(expires_at=timezone.now())
    problem(Api(expiring).get("/api/v1/agents"), 401, "token_expired")


def test_a_deactivated_owners_token_stops_working(kapso, alice):
    secret = make_token(alice)
    alice.is_active = False
    alice.save()
    problem(Api(secret).get("/api/v1/agents"), 401, "account_inactive")


def test_a_logged_in_browser_without_a_token_is_refused(kapso, alice_client):
    # The API is opened by tokens only: a session cookie (and so CSRF) plays no part.
    response = alice_client.get("/api/v1/agents")
    problem(response, 401, "token_missing")


def test_a_token_acts_as_its_owner_only(kapso, alice, bob):
    hers = make_session(alice)
    his = make_session(bob, phone="+14155552672")
    alice_api = Api(make_token(alice))
    listed = alice_api.get("/api/v1/sessions").json()
    assert [s["id"] for s in listed["items"]] == [hers.pk]
    problem(alice_api.get(f"/api/v1/sessions/{his.pk}"), 404, "not_found")


def test_no_token_is_written_to_the_log_even_with_debug_on(kapso, alice, settings):
    settings.DEBUG = True  # django-ninja's own bearer class logs a malformed header then
    secret = make_token(alice)
    with console_output() as log:
        Api(None).get("/api/v1/agents", headers={"Authorization": f"Token {secret}"})
        Api(secret[:-1] + "x").get("/api/v1/agents")
        Api(secret).get("/api/v1/sessions/424242")
    written = log.getvalue()
    assert written  # the 401s and the 404 were logged ...
    assert secret[8:] not in written and secret[:-1] not in written  # ... without the token
