"""sandbox/api/docs.py: the docs page, built from the served schema, lists every operation,
its parameters and answers and every problem, with the schema's Markdown as HTML (no raw
backticks), under the strict CSP and fetching nothing; it shows this host's base URL and
answers only GET. The API's index, and a problem (not an HTML page) for an unknown address."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from sandbox.api.problems import KINDS

pytestmark = pytest.mark.django_db


class VisibleText(HTMLParser):
    """The page's text as a reader sees it (outside <pre>, where backticks are shell)."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in ("pre", "script", "style")

    def handle_endtag(self, tag):
        self.skipping -= tag in ("pre", "script", "style")

    def handle_data(self, data):
        if not self.skipping:
            self.text.append(data)


def test_the_docs_page_lists_every_operation_and_problem_under_the_csp(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script
    assert "style=" not in html and "<style" not in html
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


def test_markdown_is_shown_as_html_not_as_backticks(client):
    html = client.get("/api/v1/docs").content.decode()
    reader = VisibleText()
    reader.feed(html)
    assert "`" not in "".join(reader.text)
    # The parameter table's words: the phone number's examples are code, not `backticks`.
    assert "<code>+1 415-555-2671</code>" in html
    # Each answer names its codes, linked to their entries below.
    assert '<a href="/api/v1/docs#problem-invalid_phone"><code>invalid_phone</code></a>' in html


def test_each_operation_shows_only_its_own_answers(client):
    html = client.get("/api/v1/docs").content.decode()
    png = html.split('id="op-session_qr_png"', 1)[1].split("</article>", 1)[0]
    assert "problem-not_found" in png and "problem-invalid_phone" not in png
    wait = html.split('id="op-wait_for_session"', 1)[1].split("</article>", 1)[0]
    assert "problem-session_expired" in wait and "problem-in_progress" not in wait


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
