"""The OpenAPI schema's last touches, and `operations()`, the schema flattened for the docs
page (docs.py).

django-ninja writes the schema from the operations' Pydantic models; `refine` adds what it
cannot know: each operation's problems, from the one table of what it may answer
(views/problem_codes.py), as problem+json with their codes and headers; the headers the
answers carry (Location, Idempotent-Replayed, WWW-Authenticate, Retry-After, Allow); the QR
codes as files; and no component that no operation uses (a generated client would make a
model of each).
"""

from __future__ import annotations

import copy
from typing import Any

from sandbox.api import problems
from sandbox.api.problems import KINDS
from sandbox.api.views.problem_codes import codes_by_status

PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
BINARY = {"type": "string", "format": "binary"}
FILE_CONTENT = {
    "session_qr_svg": {"image/svg+xml": {"schema": BINARY}},
    "session_qr_png": {"image/png": {"schema": BINARY}},
    "session_qr_txt": {"text/plain": {"schema": {"type": "string"}}},
}


def _header(description: str, schema: dict[str, Any], required: bool = False) -> dict[str, Any]:
    return {"description": description, "required": required, "schema": schema}


RETRY_AFTER = _header(
    "Seconds to wait before sending the request again.", {"type": "integer", "minimum": 0}
)
WWW_AUTHENTICATE = _header(
    'RFC 6750: `Bearer realm="api"`, with `error="invalid_token"` when a token was sent.',
    {"type": "string"},
    required=True,
)
ALLOW = _header("The methods this address takes.", {"type": "string"}, required=True)
LOCATION = _header(
    "The new session's address (its `links.self`).", {"type": "string", "format": "uri"}
)
REPLAYED = _header(
    "`true` when this is the first answer to the same `Idempotency-Key`, sent again.",
    {"type": "string", "enum": ["true"]},
)
DISPOSITION = _header(
    'inline, with a file name: `inline; filename="kapso-sandbox-<code>.<extension>"`.',
    {"type": "string"},
)


def refine(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema django-ninja wrote, with every answer said as the code answers it."""
    schema = copy.deepcopy(schema)
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            operation["responses"] = {
                **_successes(operation),
                **_problems(operation["operationId"]),
            }
    _drop_unused_components(schema)
    return schema


def _successes(operation: dict[str, Any]) -> dict[str, Any]:
    # django-ninja keys the answers by int, JSON by string: one kind here, so none is twice.
    answers = {str(s): a for s, a in operation.get("responses", {}).items() if int(s) < 400}
    takes_key = any(p["name"] == "Idempotency-Key" for p in operation.get("parameters", []))
    for status, answer in answers.items():
        headers = answer.setdefault("headers", {})
        if status == "201":
            headers["Location"] = LOCATION
        if takes_key:
            headers["Idempotent-Replayed"] = REPLAYED
        if operation["operationId"] in FILE_CONTENT:
            answer["content"] = FILE_CONTENT[operation["operationId"]]
            headers["Content-Disposition"] = DISPOSITION
        if not headers:
            del answer["headers"]
    return answers


def _problems(operation_id: str) -> dict[str, Any]:
    """One answer per status, saying which codes it carries and linking each to the docs."""
    answers = {}
    for status, codes in codes_by_status(operation_id).items():
        answer: dict[str, Any] = {
            "description": "; ".join(
                f"[`{code}`]({problems.type_uri(code)}): {KINDS[code].title}" for code in codes
            ),
            "content": {problems.CONTENT_TYPE: {"schema": PROBLEM_REF}},
            "x-problem-codes": codes,
        }
        headers = {}
        if any(KINDS[code].retry_after for code in codes):
            headers["Retry-After"] = RETRY_AFTER
        if status == 401:
            headers["WWW-Authenticate"] = WWW_AUTHENTICATE
        if status == 405:
            headers["Allow"] = ALLOW
        if headers:
            answer["headers"] = headers
        answers[str(status)] = answer
    return answers


def _drop_unused_components(schema: dict[str, Any]) -> None:
    """Components no operation reaches (django-ninja lists the query parameters' models)."""
    components = schema.get("components", {}).get("schemas", {})
    used: set[str] = set()
    todo = [schema.get("paths", {})]
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            name = ref.rsplit("/", 1)[-1] if ref.startswith("#/components/schemas/") else None
            if name and name not in used:
                used.add(name)
                todo.append(components.get(name, {}))
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    for name in set(components) - used:
        del components[name]


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
