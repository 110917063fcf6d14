"""Keyed hashes (HMAC-SHA256) under the dashboard's own key, `PRIVACY_HASH_KEY`.

What the dashboard keeps to recognise a phone number after erasing it, and the fingerprints
that mix a phone with guessable fields (the create form's double-submit key, the API's request
fingerprint), are keyed: an unkeyed SHA-256 of a phone number is as good as the number (there
are few enough numbers to try them all), a keyed one is not without the key.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.core import checks

# Used only to derive a key when PRIVACY_HASH_KEY is unset; kept apart from Django's salts.
_DERIVED_FROM_SECRET_KEY = b"sandbox.privacy.keys: PRIVACY_HASH_KEY derived from SECRET_KEY"


def _key() -> bytes:
    configured = getattr(settings, "PRIVACY_HASH_KEY", "")
    if configured:
        return configured.encode()
    return hmac.new(settings.SECRET_KEY.encode(), _DERIVED_FROM_SECRET_KEY, hashlib.sha256).digest()


def keyed_hash(*parts: object) -> str:
    """HMAC-SHA256 (hex) of the parts, joined by a separator no typed text contains."""
    message = "\x1f".join(str(part) for part in parts).encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


def phone_hash(e164: str) -> str:
    """How an erased phone number is remembered (`ErasedPhone.digest`)."""
    return keyed_hash("phone", e164)


@checks.register(checks.Tags.security, deploy=True)
def check_key(app_configs=None, **kwargs):
    if getattr(settings, "PRIVACY_HASH_KEY", ""):
        return []
    return [
        checks.Warning(
            "PRIVACY_HASH_KEY is not set: erased phone numbers are recognised by a key derived "
            "from SECRET_KEY, so changing SECRET_KEY forgets them.",
            hint="Set PRIVACY_HASH_KEY to a long random value (`make run` writes one to .env).",
            id="privacy.W001",
        )
    ]
