"""What every API view needs: the session a request may see, and no unknown query parameter."""

from __future__ import annotations

from django.http import HttpRequest

from sandbox.access import sessions_visible_to
from sandbox.api.handlers import not_found
from sandbox.api.problems import ApiProblem
from sandbox.models import SandboxSession


def visible_session(request: HttpRequest, session_id: int) -> SandboxSession:
    """The session `session_id` if the token's owner may see it; a 404 problem otherwise
    (another person's session is not found, as on the pages, so its existence is not told)."""
    session = (
        sessions_visible_to(request.user).select_related("api_origin").filter(pk=session_id).first()
    )
    if session is None:
        raise not_found()
    return session


def only_query(request: HttpRequest, *allowed: str) -> None:
    """Refuse query parameters the operation does not take: `?timout=5` is a typo to point
    out, not a wish to ignore (the 20 s default would be waited instead)."""
    unknown = sorted(set(request.GET) - set(allowed))
    if unknown:
        takes = "takes " + ", ".join(allowed) if allowed else "takes no query parameters"
        raise ApiProblem(
            "invalid_request",
            f"Unknown query parameter “{unknown[0]}”: this call {takes}.",
            errors=[{"field": name, "message": "There is no such parameter."} for name in unknown],
        )
