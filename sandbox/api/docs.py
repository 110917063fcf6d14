"""The pages beside the API's schema: the docs page, the API's index, and the answer for an
address the API does not have.

The docs page is plain HTML rendered on the server from the very schema served at
/api/v1/openapi.json, its Markdown turned into HTML here (prose.py): no script, no style,
nothing fetched from elsewhere, so it works under the dashboard's Content-Security-Policy
and needs no CDN. It lives apart from
schema.py because it needs the built API, and the API needs schema.py: kept together they
imported each other.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from sandbox.api import problems
from sandbox.api import schema as schema_module
from sandbox.api.api import api
from sandbox.api.problems import KINDS, ApiProblem
from sandbox.api.prose import block_html, inline_html


@require_GET
def docs_page(request: HttpRequest) -> HttpResponse:
    schema = api.get_openapi_schema()
    problem_kinds = [
        {"code": code, "status": kind.status, "title": kind.title, "about": inline_html(kind.about)}
        for code, kind in KINDS.items()
    ]
    return render(
        request,
        "api/docs.html",
        {
            "schema": schema,
            "operations": [_as_html(op) for op in schema_module.operations(schema)],
            "problems": problem_kinds,
            "openapi_url": reverse("api:openapi-json"),
            "base_url": request.build_absolute_uri(reverse("api:api-root")).rstrip("/"),
        },
    )


def _as_html(operation: dict) -> dict:
    """An operation's texts, written in Markdown in the schema, as HTML for the page."""
    return {
        **operation,
        "summary": inline_html(operation["summary"]),
        "description": block_html(operation["description"]),
        "params": [{**p, "about": inline_html(p["about"])} for p in operation["params"]],
        "responses": [{**r, "about": inline_html(r["about"])} for r in operation["responses"]],
    }


@require_GET
def index(request: HttpRequest) -> JsonResponse:
    """`/api/v1/`: where things are."""
    return JsonResponse(
        {
            "docs": request.build_absolute_uri(reverse("api:docs")),
            "openapi": request.build_absolute_uri(reverse("api:openapi-json")),
            "sessions": request.build_absolute_uri(reverse("api:sessions")),
            "agents": request.build_absolute_uri(reverse("api:agents")),
            "tokens": request.build_absolute_uri(reverse("api_tokens")),
        }
    )


def unknown(request: HttpRequest) -> HttpResponse:
    """Any other address under /api/v1/: a 404 problem, not the dashboard's HTML page."""
    return problems.response(
        request,
        ApiProblem(
            "not_found",
            f"The API has no {request.path}. The operations are listed at {reverse('api:docs')}.",
        ),
    )
