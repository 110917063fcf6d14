"""The request/reply shapes handlers see, and a small method + path-template router."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import unquote

from kapso_emulator.errors import bad_request

if TYPE_CHECKING:
    from kapso_emulator.server import EmulatorServer


class Reply(NamedTuple):
    status: int
    body: dict[str, Any]
    headers: Mapping[str, str] = {}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: Mapping[str, list[str]]
    headers: Mapping[str, str]
    body: bytes
    client_ip: str
    params: dict[str, str] = field(default_factory=dict)

    def query_value(self, name: str) -> str | None:
        # Last one wins on repeats, as Rails does.
        values = self.query.get(name)
        return values[-1] if values else None

    def json_object(self) -> dict[str, Any]:
        if not self.body.strip():
            raise bad_request("Request body must be a JSON object")
        try:
            payload = json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            raise bad_request(f"Request body is not valid JSON: {exc}") from exc
        if not isinstance(payload, dict):
            raise bad_request("Request body must be a JSON object")
        return payload


Handler = Callable[["EmulatorServer", Request], Reply]
Route = tuple[str, str, Handler]


class Router:
    """Matches (method, path) against templates such as ``/sandbox_sessions/{session_id}``.

    A route table is a plain tuple of (method, template, handler) so a new endpoint (e.g.
    failure injection) is one more line in the table, with no dispatcher to edit.
    """

    def __init__(self, routes: Iterable[Route], prefix: str = "") -> None:
        self._routes = [
            (method.upper(), self._compile(prefix + template), handler)
            for method, template, handler in routes
        ]

    @staticmethod
    def _compile(template: str) -> re.Pattern[str]:
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        return re.compile(pattern)

    def match(self, method: str, path: str) -> tuple[Handler, dict[str, str]] | None:
        for route_method, pattern, handler in self._routes:
            found = pattern.fullmatch(path)
            if found and route_method == method:
                return handler, {name: unquote(value) for name, value in found.groupdict().items()}
        return None
