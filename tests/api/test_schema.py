"""sandbox/api/schema.py: the served OpenAPI schema says problem+json and the QR codes'
types; the docs page is built from it, works under the strict CSP and fetches nothing."""

from __future__ import annotations

import re

import pytest

from sandbox.api.problems import KINDS

pytestmark = pytest.mark.django_db


def test_the_schema_is_served_without_a_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"
    assert (
        len([op for ops in schema["paths"].values() for op in ops]) == 11
    )  # with the two groups reads


def test_errors_are_problem_json_and_codes_are_files(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            answers = operation["responses"]
            assert "401" in answers, (method, path)
            for status, answer in answers.items():
                if int(status) >= 400:
                    assert list(answer["content"]) == ["application/problem+json"]
    qr = schema["paths"]["/api/v1/sessions/{session_id}/qr.png"]["get"]["responses"]["200"]
    assert list(qr["content"]) == ["image/png"]
    ensure = schema["paths"]["/api/v1/sessions/ensure"]["post"]
    assert "Retry-After" in ensure["responses"]["429"]["headers"]
    assert {p["name"] for p in ensure["parameters"]} == {"Idempotency-Key"}


def test_the_docs_page_lists_every_operation_and_problem_under_the_csp(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert "<script>" not in html and "style=" not in html
    assert not re.search(r'(src|href)="https?://(?!testserver)', html)  # nothing from elsewhere
    for operation in (
        "POST /api/v1/sessions/ensure",
        "GET /api/v1/sessions/{session_id}/wait",
        "GET /api/v1/agents",
    ):
        assert operation in html
    for code in KINDS:
        assert f'id="problem-{code}"' in html
    assert "phone_number" in html and "(required)" in html
