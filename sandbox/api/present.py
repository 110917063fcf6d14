"""A session as the API shows it: the `SessionOut` schema's fields, with absolute links."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from sandbox.live import is_live
from sandbox.models import SandboxSession

LINKS = {
    "self": "session",
    "qr_svg": "session_qr_svg",
    "qr_png": "session_qr_png",
    "qr_txt": "session_qr_txt",
    "wait": "session_wait",
    "renew": "session_renew",
}


def token_name(session: SandboxSession) -> str | None:
    """The name of the API token that made `session`, if one did (select_related it)."""
    origin = getattr(session, "api_origin", None)  # a miss is an AttributeError too
    return origin.token_name if origin else None


def session_out(request: HttpRequest, session: SandboxSession) -> dict[str, Any]:
    def url(path: str) -> str:
        return request.build_absolute_uri(path)

    links = {key: url(reverse(f"api:{name}", args=[session.pk])) for key, name in LINKS.items()}
    links["page"] = url(session.get_absolute_url())
    return {
        "id": session.pk,
        "kapso_id": session.kapso_id,
        "phone_number": session.phone_number,
        "agent": {"id": session.agent.kapso_id, "name": session.agent.name},
        "status": session.display_status,
        "kapso_status": session.status,
        "live": is_live(session),
        "activation_code": session.activation_code,
        "activation_message": session.activation_message,
        "activation_link": session.activation_link,
        "activated_at": session.activated_at,
        "expires_at": session.expires_at,
        "created_at": session.created_at,
        "created_by": session.created_by.get_username() if session.created_by else None,
        "origin": session.origin,
        "token_name": token_name(session),
        "renewed_from": session.renewed_from_id,
        "last_synced_at": session.last_synced_at,
        "kapso_error": session.last_sync_error or None,
        "links": links,
    }
