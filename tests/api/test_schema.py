"""sandbox/api/schema.py: the served OpenAPI schema says, per operation, the problems it may
answer (views/problem_codes.py) as problem+json with their headers, the headers its
successes carry, the QR codes as files, and nothing unused or nullable that is not."""

from __future__ import annotations

import pytest

from sandbox.api.views.problem_codes import MAY_ANSWER

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client) -> dict:
    return client.get("/api/v1/openapi.json").json()


def operation(schema: dict, operation_id: str) -> dict:
    found = [op for ops in schema["paths"].values() for op in ops.values()]
    return next(op for op in found if op["operationId"] == operation_id)


def test_the_schema_is_served_without_a_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    assert (
        len([op for ops in schema["paths"].values() for op in ops]) == 11
    )  # with the two groups reads


def test_each_operation_lists_exactly_the_codes_it_may_answer(schema):
    for op_id, codes in MAY_ANSWER.items():
        declared = [
            code
            for status, answer in operation(schema, op_id)["responses"].items()
            if int(status) >= 400
            for code in answer["x-problem-codes"]
        ]
        assert sorted(declared) == sorted(codes), op_id
    # The two complaints of the issue: a QR code has no phone to refuse, and wait can only
    # say that the session expired.
    png_400 = operation(schema, "session_qr_png")["responses"]["400"]["description"]
    assert "invalid_request" in png_400 and "invalid_phone" not in png_400
    assert operation(schema, "wait_for_session")["responses"]["409"]["x-problem-codes"] == [
        "session_expired"
    ]


def test_every_operation_declares_the_problems_any_call_can_meet(schema):
    for op_id in MAY_ANSWER:
        answers = operation(schema, op_id)["responses"]
        for status in ("400", "401", "405", "500", "503"):
            assert list(answers[status]["content"]) == ["application/problem+json"], op_id
        assert answers["401"]["headers"]["WWW-Authenticate"]["required"] is True
        assert "Allow" in answers["405"]["headers"]
        assert "Retry-After" in answers["503"]["headers"]
    assert "413" in operation(schema, "ensure_session")["responses"]


def test_retry_after_is_declared_where_a_code_sends_it(schema):
    ensure = operation(schema, "ensure_session")["responses"]
    for status in ("409", "429", "502", "503", "504"):
        assert "Retry-After" in ensure[status]["headers"], status
    for status in ("400", "403", "413", "422"):
        assert "Retry-After" not in ensure[status].get("headers", {}), status
    assert "headers" not in operation(schema, "wait_for_session")["responses"]["409"]


def test_successes_declare_their_headers_and_files_are_binary(schema):
    for op_id in ("ensure_session", "renew_session"):
        answers = operation(schema, op_id)["responses"]
        assert (
            "Location" in answers["201"]["headers"] and "Location" not in answers["200"]["headers"]
        )
        assert "Idempotent-Replayed" in answers["200"]["headers"]
    for op_id, kind in (("session_qr_svg", "image/svg+xml"), ("session_qr_png", "image/png")):
        content = operation(schema, op_id)["responses"]["200"]["content"]
        assert content == {kind: {"schema": {"type": "string", "format": "binary"}}}
    txt = operation(schema, "session_qr_txt")["responses"]["200"]["content"]
    assert list(txt) == ["text/plain"]


def test_the_optional_idempotency_key_is_a_string_never_null(schema):
    for op_id in ("ensure_session", "renew_session"):
        (key,) = [p for p in operation(schema, op_id)["parameters"] if p["in"] == "header"]
        assert key["name"] == "Idempotency-Key" and not key.get("required")
        assert key["schema"]["type"] == "string" and "anyOf" not in key["schema"]
    for ops in schema["paths"].values():
        for op in ops.values():
            for parameter in op.get("parameters", []):
                assert "null" not in str(parameter["schema"]), parameter["name"]


def test_no_component_is_left_unused(schema):
    # django-ninja lists the query parameters' models (Filters, WaitParams) too; a generated
    # client would make a class of each.
    assert set(schema["components"]["schemas"]) == {
        "EnsureIn",
        "EnsureOut",
        "SessionOut",
        "SessionPage",
        "AgentRef",
        "Links",
        "WaitOut",
        "AgentList",
        "AgentOut",
        "Problem",
        "FieldError",
        "GroupList",
        "GroupOut",
        "GroupJoinLink",
        "MemberList",
        "MemberOut",
    }
