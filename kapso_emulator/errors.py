"""Errors carrying the HTTP status and the JSON body Kapso documents for them."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """Raised anywhere below the HTTP handler; the handler turns it into a JSON response."""

    def __init__(
        self,
        status: int,
        error: str,
        message: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(f"{status} {error}")
        self.status = status
        self.error = error
        self.message = message
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error": self.error}
        if self.message is not None:
            body["message"] = self.message
        body.update(self.extra)
        return body


def bad_request(message: str) -> ApiError:
    return ApiError(400, "Bad request", message)


def not_found(error: str) -> ApiError:
    return ApiError(404, error)


def validation_failed(errors: dict[str, list[str]], message: str) -> ApiError:
    # Rails-style body: Kapso's own CLI reads `errors` as {field: [messages]}.
    return ApiError(422, "Validation failed", message, errors=errors)


def not_implemented(method: str, path: str) -> ApiError:
    return ApiError(501, "Not implemented by the Kapso emulator", f"{method} {path}")
