"""The OpenAPI schema's last touches (problem+json answers, QR content types, headers), and
`operations()`, the schema flattened for the docs page (docs.py)."""

from __future__ import annotations

import copy
from typing import Any

from sandbox.api import problems

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
