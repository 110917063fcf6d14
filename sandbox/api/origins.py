"""Which API token made a session, kept beside the session (the history and the admin show it)."""

from __future__ import annotations

from sandbox.api.models import ApiSessionOrigin, ApiToken
from sandbox.models import SandboxSession


def record_origin(session: SandboxSession, token: ApiToken) -> None:
    """Mark `session` as made through the API with `token`; a session keeps its first maker."""
    ApiSessionOrigin.objects.get_or_create(
        session=session, defaults={"token": token, "token_name": token.name}
    )
