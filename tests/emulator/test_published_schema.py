"""The emulator's answers against Kapso's published OpenAPI description of the legacy API
(../shared/kapso-legacy-openapi.yaml, read where it lies, never copied): a session's whole
life (created, read, listed, activated, past its expiry) and the documented errors, then
schemathesis sending what the schema allows and forbids to every operation.

The schema lists only `pending_activation` and `active` as statuses; the emulator reports
exactly those, and a session's end through `expires_at` alone. Without ../shared/ these
tests are skipped on a developer's machine and fail under CI=true (tests/conftest.py).
"""

from __future__ import annotations

from datetime import datetime

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
)

from tests.conftest import SHARED, require_shared
from tests.emulator.helpers import AGENT, KEY, control

# Relative to this checkout: <repo>/../shared/, as tests/conftest.py finds it.
PUBLISHED = SHARED / "kapso-legacy-openapi.yaml"
OPERATIONS = [
    ("GET", "/agents"),
    ("GET", "/agents/{agent_id}"),
    ("GET", "/sandbox_sessions"),
    ("POST", "/sandbox_sessions"),
    ("GET", "/sandbox_sessions/{id}"),
]
STATUSES = {"pending_activation", "active"}


@pytest.fixture(scope="module")
def kapso_schema():
    return schemathesis.openapi.from_path(str(require_shared(PUBLISHED)))


@pytest.fixture
def srv(make_emulator, clock):
    return make_emulator(clock=clock, api_key=KEY, rate_limit=None)


def checked(kapso_schema, srv, method: str, path: str, **kwargs) -> requests.Response:
    """Call the emulator and check the answer against Kapso's schema: its status must be one
    the operation documents, and its body must match what the schema says for it."""
    operation = kapso_schema[path][method]
    url = srv.api_base_url + path.format(**kwargs.pop("path_params", {}))
    response = requests.request(
        method, url, headers=kwargs.pop("headers", {"X-API-Key": KEY}), timeout=5, **kwargs
    )
    documented = set(operation.definition.raw["responses"])
    assert str(response.status_code) in documented, (method, path, response.status_code)
    operation.validate_response(response)
    return response


def test_a_sessions_whole_life_matches_the_published_schema(kapso_schema, srv):
    body = {"whatsapp_sandbox_session": {"phone_number": "+14155552671", "agent_id": AGENT}}
    made = checked(kapso_schema, srv, "POST", "/sandbox_sessions", json=body).json()["data"]
    ids = {"path_params": {"id": made["id"]}}
    seen = [made]
    seen.append(checked(kapso_schema, srv, "GET", "/sandbox_sessions/{id}", **ids).json()["data"])
    control(srv, "POST", f"/sessions/{made['id']}/status", {"status": "active"})
    seen.append(checked(kapso_schema, srv, "GET", "/sandbox_sessions/{id}", **ids).json()["data"])
    control(srv, "POST", "/clock", {"advance_seconds": 25 * 3600})  # past its expiry
    lapsed = checked(kapso_schema, srv, "GET", "/sandbox_sessions/{id}", **ids).json()["data"]
    listed = checked(kapso_schema, srv, "GET", "/sandbox_sessions").json()
    seen += [lapsed, *listed["data"]]
    assert {session["status"] for session in seen} <= STATUSES
    assert [s["status"] for s in seen[:3]] == ["pending_activation", "pending_activation", "active"]
    # Ended, and said so the only way the schema allows: an expires_at in the past.
    assert lapsed["status"] == "active"
    now = control(srv, "POST", "/clock", {"advance_seconds": 0}).json()["now"]
    assert datetime.fromisoformat(lapsed["expires_at"]) < datetime.fromisoformat(now)
    # Marking a session expired by hand keeps to the schema too.
    control(srv, "POST", f"/sessions/{made['id']}/status", {"status": "expired"})
    again = checked(kapso_schema, srv, "GET", "/sandbox_sessions/{id}", **ids).json()["data"]
    assert again["status"] in STATUSES
    agents = checked(kapso_schema, srv, "GET", "/agents").json()["data"]
    agent = {"path_params": {"agent_id": agents[0]["id"]}}
    checked(kapso_schema, srv, "GET", "/agents/{agent_id}", **agent)


def test_the_documented_errors_match_the_published_schema(kapso_schema, srv):
    no_key = {"headers": {}}
    for method, path in OPERATIONS:
        params = {"path_params": {"id": "x", "agent_id": "x"}}
        answer = checked(kapso_schema, srv, method, path, **no_key, **params)
        assert answer.status_code == 401
    missing = {"path_params": {"id": "123e4567-e89b-12d3-a456-426614174000"}}
    assert checked(kapso_schema, srv, "GET", "/sandbox_sessions/{id}", **missing).status_code == 404
    nope = {"path_params": {"agent_id": "agent-nope"}}
    assert checked(kapso_schema, srv, "GET", "/agents/{agent_id}", **nope).status_code == 404
    invalid = {"whatsapp_sandbox_session": {"phone_number": "12345", "agent_id": AGENT}}
    refused = checked(kapso_schema, srv, "POST", "/sandbox_sessions", json=invalid)
    assert refused.status_code == 422


@pytest.mark.parametrize(("method", "path"), OPERATIONS)
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_generated_requests_get_answers_that_match_the_published_schema(
    kapso_schema, srv, method, path, mode
):
    operation = kapso_schema[path][method]
    # Kapso documents 400, 404 and 422 for bad input in prose, not per operation, so the
    # status itself is not checked here (the two tests above do); every body is.
    checks = [not_a_server_error, content_type_conformance, response_schema_conformance]
    if mode is GenerationMode.NEGATIVE:
        checks.append(negative_data_rejection)

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=25,
        database=None,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def answers_match(case):
        # The generated key is replaced by the real one, so the other parts of a case are
        # what is tested. A negative case may instead leave the required key out on
        # purpose: putting it back would make the request valid and the emulator would be
        # blamed for accepting it. Left out, it must be refused (401).
        key_left_out = "X-API-Key" not in (case.headers or {})
        keep_negation = mode is GenerationMode.NEGATIVE and key_left_out
        headers = {} if keep_negation else {"X-API-Key": KEY}
        case.call_and_validate(base_url=srv.api_base_url, headers=headers, checks=checks)

    answers_match()
