"""sandbox/api/urls.py: the API is opened by tokens, so the dashboard's login and CSRF are
waived for it (and only for it); anything else under /api/v1/ is a 404 problem."""

from __future__ import annotations

import pytest
from django.urls import resolve

from tests.api.conftest import ENSURE, problem

pytestmark = pytest.mark.django_db


def test_api_views_waive_the_login_and_csrf_and_the_token_page_does_not():
    for path in (ENSURE, "/api/v1/sessions/1/wait", "/api/v1/docs", "/api/v1/whatever"):
        view = resolve(path).func
        assert view.login_required is False and view.csrf_exempt is True, path
    assert getattr(resolve("/settings/tokens/").func, "login_required", True) is True


def test_a_post_without_csrf_is_judged_by_its_token(kapso, alice_api):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        ENSURE,
        '{"phone_number": "+14155552671", "agent_id": "agent-support-01"}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {alice_api.secret}"},
    )
    assert response.status_code == 201


def test_unknown_addresses_under_the_api_are_problems(client):
    body = problem(client.get("/api/v1/sessions/abc"), 404, "not_found")
    assert "/api/v1/docs" in body["detail"]


def test_no_answer_with_a_phone_number_or_code_is_stored(kapso, alice_api, alice):
    made = alice_api.ensure()
    session_id = made.json()["id"]
    for response in (
        made,
        alice_api.get(f"/api/v1/sessions/{session_id}"),
        alice_api.get("/api/v1/sessions"),
        alice_api.get(f"/api/v1/sessions/{session_id}/wait", {"timeout": 0}),
    ):
        assert response.status_code in (200, 201), response.content
        assert response["Cache-Control"] == "no-store"
