"""sandbox/api/docs.py: the API's index, and a problem (not an HTML page) for an unknown
address. The docs page itself is proved with the schema it renders (test_schema.py)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_index_says_where_everything_is(client):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    assert response.json() == {
        "docs": "http://testserver/api/v1/docs",
        "openapi": "http://testserver/api/v1/openapi.json",
        "sessions": "http://testserver/api/v1/sessions",
        "agents": "http://testserver/api/v1/agents",
        "tokens": "http://testserver/settings/tokens/",
    }


def test_an_unknown_address_is_a_404_problem_that_points_to_the_docs(client):
    response = client.get("/api/v1/nothing/here")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert "/api/v1/docs" in response.json()["detail"]


def test_the_docs_page_shows_this_hosts_base_url_and_only_answers_get(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "http://testserver/api/v1" in page.content.decode()
    assert client.post("/api/v1/docs").status_code == 405
