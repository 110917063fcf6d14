"""The OpenAPI schema's last touches, and the pages beside it: the docs page, the API's index,
and the answer for an address the API does not have.

The docs page is plain HTML rendered on the server from the very schema served at
/api/v1/openapi.json: no script, no style, nothing fetched from elsewhere, so it works
under the dashboard's Content-Security-Policy and needs no CDN.
"""

from __future__ import annotations

import copy
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from sandbox.api import problems
from sandbox.api.problems import KINDS, ApiProblem

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
FILE_CONTENT = {
    "session_qr_svg": {"image/svg+xml": {"schema": {"type": "string"}}},
    "session_qr_png": {"image/png": {"schema": {"type": "string", "format": "binary"}}},
    "session_qr_txt": {"text/plain": {"schema": {"type": "string"}}},
}
RETRY_AFTER = {
    "description": "Seconds to wait before sending the request again.",
    "schema": {"type": "integer"},
}
STATUS_WORDS = {
    400: "Bad request: invalid_request, invalid_phone, unknown_agent",
    401: "No usable token: token_missing, token_invalid, token_revoked, token_expired, "
    "account_inactive",
    403: "read_only_token",
    404: "not_found",
    409: "in_progress, outcome_unknown, session_taken, session_expired",
    422: "idempotency_key_reused",
    429: "quota, kapso_rate_limited",
    502: "kapso_error",
    503: "budget_unavailable, service_unavailable",
    504: "kapso_timeout",
}


def refine(schema: dict[str, Any]) -> dict[str, Any]:
    """Errors are problem+json with Retry-After where it applies; QR codes are files."""
    schema = copy.deepcopy(schema)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for status, answer in operation.get("responses", {}).items():
                code = int(status)
                if code >= 400:
                    answer["description"] = STATUS_WORDS.get(code, answer.get("description"))
                    answer["content"] = {problems.CONTENT_TYPE: {"schema": PROBLEM_REF}}
                    if code in (409, 429, 503, 504):
                        answer["headers"] = {"Retry-After": RETRY_AFTER}
                elif operation.get("operationId") in FILE_CONTENT:
                    answer["content"] = FILE_CONTENT[operation["operationId"]]
    return schema


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _describe(schema: dict[str, Any], node: dict[str, Any]) -> str:
    """A field's type as people read it: `string`, `integer, 1 to 100, default 25`, …"""
    node = _resolve(schema, node)
    if "anyOf" in node:
        kinds = [_describe(schema, n) for n in node["anyOf"] if n.get("type") != "null"]
        return " or ".join(kinds) + " (or null)"
    words = [node.get("type", "object")]
    if "enum" in node:
        words = ["one of " + ", ".join(map(str, node["enum"]))]
    if "minimum" in node or "maximum" in node:
        words.append(f"{node.get('minimum', '…')} to {node.get('maximum', '…')}")
    if "default" in node and node["default"] not in ("", None):
        words.append(f"default {node['default']}")
    return ", ".join(words)


def operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Every operation of `schema`, flattened for the docs template."""
    found = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            params = [
                {
                    "name": p["name"],
                    "where": p["in"],
                    "required": p.get("required", False),
                    "type": _describe(schema, p.get("schema", {})),
                    "about": p.get("description") or p.get("schema", {}).get("description", ""),
                }
                for p in op.get("parameters", [])
            ]
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body:
                model = _resolve(schema, body["schema"])
                required = set(model.get("required", []))
                params += [
                    {
                        "name": name,
                        "where": "body",
                        "required": name in required,
                        "type": _describe(schema, field),
                        "about": field.get("description", ""),
                    }
                    for name, field in model.get("properties", {}).items()
                ]
            found.append(
                {
                    "id": op.get("operationId", ""),
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "params": params,
                    "responses": [
                        {"status": status, "about": answer.get("description", "")}
                        for status, answer in sorted(op.get("responses", {}).items())
                    ],
                }
            )
    return found


@require_GET
def docs_page(request: HttpRequest) -> HttpResponse:
    from sandbox.api.api import api  # the API imports this module for `refine`

    schema = api.get_openapi_schema()
    problem_kinds = [
        {"code": code, "status": kind.status, "title": kind.title, "about": kind.about}
        for code, kind in KINDS.items()
    ]
    return render(
        request,
        "api/docs.html",
        {
            "schema": schema,
            "operations": operations(schema),
            "problems": problem_kinds,
            "openapi_url": reverse("api:openapi-json"),
            "base_url": request.build_absolute_uri(reverse("api:api-root")).rstrip("/"),
        },
    )


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
