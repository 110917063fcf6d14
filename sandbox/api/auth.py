"""`Authorization: Bearer <token>` for every API operation: who is asking, and may they write.

The request then acts as the token's owner: `request.user` is the owner, so the services,
`sandbox.access` and the Kapso budget (`gateway.person(user)`) treat it as that person at the
form. A refused token raises `TokenRefused`, answered as a 401 problem (handlers.py).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables
from ninja.security import HttpBearer

from sandbox.api.models import ApiToken
from sandbox.api.problems import ApiProblem
from sandbox.api.tokens import TokenRefused, token_authenticate


class BearerToken(HttpBearer):
    """django-ninja's HttpBearer, reading the header itself: ninja's own logs a malformed
    header, token included, when DEBUG is on."""

    @sensitive_variables("header", "secret")
    def __call__(self, request: HttpRequest) -> ApiToken:
        header = request.headers.get("Authorization", "")
        scheme, _, secret = header.strip().partition(" ")
        if not header:
            return self.authenticate(request, "")
        if scheme.lower() != "bearer":
            raise TokenRefused(
                "token_missing",
                "Send the API token as `Authorization: Bearer <token>` (the word Bearer, a "
                "space, then the token).",
            )
        return self.authenticate(request, secret.strip())

    @sensitive_variables("token")
    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = token_authenticate(token)
        request.user = found.user  # the owner, for the services, the log and the admin
        return found


def require_write(request: HttpRequest) -> ApiToken:
    """The request's token, if it may create and renew sessions; else a 403 problem."""
    token: ApiToken = request.auth  # type: ignore[attr-defined]
    if not token.can_create:
        raise ApiProblem(
            "read_only_token",
            f"The API token “{token.name}” is read-only: creating and renewing sessions needs "
            "a token made with “read and create sessions” (/settings/tokens/).",
        )
    return token
