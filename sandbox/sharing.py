"""Share links: a signed URL that shows one session's QR code and message without login.

The signature covers the session's id and a random nonce stored on the session, so a
link cannot be forged, and making a new link or revoking clears the old one. A link
also stops working once its session has expired.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from django.core import signing

from sandbox.models import SandboxSession

SALT = "sandbox.share-link"
# A backstop for sessions Kapso gives no expiry: no link lives longer than this.
MAX_AGE = timedelta(days=7)


def share_link_create(session: SandboxSession) -> str:
    """Start sharing (or replace the link); returns the token for the URL.

    Callers check `session.is_expired()` first: a link to an expired session opens nothing.
    """
    session.share_nonce = secrets.token_urlsafe(16)
    session.save(update_fields=["share_nonce", "updated_at"])
    return share_token(session)


def share_link_revoke(session: SandboxSession) -> None:
    session.share_nonce = ""
    session.save(update_fields=["share_nonce", "updated_at"])


def share_token(session: SandboxSession) -> str | None:
    if not session.share_nonce:
        return None
    return signing.dumps({"s": session.pk, "n": session.share_nonce}, salt=SALT)


def shared_session(token: str) -> SandboxSession | None:
    """The session a token opens, or None: forged, revoked, replaced or expired."""
    try:
        claims = signing.loads(token, salt=SALT, max_age=MAX_AGE)
        pk, nonce = int(claims["s"]), str(claims["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    session = SandboxSession.objects.select_related("agent").filter(pk=pk).first()
    if session is None or not session.share_nonce:
        return None
    if not hmac.compare_digest(session.share_nonce, nonce) or session.is_expired():
        return None
    return session
