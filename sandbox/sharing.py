"""Share links: a signed URL that shows one session's QR code and message without login.

The token is a random nonce stored on the session, signed with a timestamp: opaque (it
names no database id), unforgeable, and at most MAX_AGE old. Making a new link or
revoking replaces or clears the nonce, so the old link opens nothing; a link also stops
working once its session has expired.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from django.core import signing
from django.db import transaction

from sandbox.models import SandboxSession
from sandbox.qr import forget_kept_qr_svgs

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
    # The code the revoked link showed is not kept past the revocation either.
    transaction.on_commit(lambda: forget_kept_qr_svgs([session.pk]))


def share_token(session: SandboxSession) -> str | None:
    if not session.share_nonce:
        return None
    return signing.TimestampSigner(salt=SALT).sign(session.share_nonce)


def shared_session(token: str) -> SandboxSession | None:
    """The session a token opens, or None: forged, revoked, replaced or expired."""
    try:
        nonce = signing.TimestampSigner(salt=SALT).unsign(token, max_age=MAX_AGE)
    except signing.BadSignature:  # SignatureExpired included
        return None
    if not nonce:
        return None
    session = SandboxSession.objects.select_related("agent").filter(share_nonce=nonce).first()
    if session is None or not hmac.compare_digest(session.share_nonce, nonce):
        return None
    if session.is_expired():
        return None
    return session
