"""The API app's columns for the personal-data declaration (sandbox/privacy/): none holds a
phone number; a session made through the API is erased with the session itself."""

from __future__ import annotations

from sandbox import privacy

EXEMPT = {
    "api.ApiToken.name": "a label a teammate gives a token (the script using it)",
    "api.ApiToken.digest": "SHA-256 of a random secret, not of anything personal",
    "api.ApiToken.hint": "the first characters of a random secret",
    "api.ApiToken.access": "a fixed list",
    "api.ApiSessionOrigin.token_name": "the token's label, copied",
}


def declare() -> None:
    for column, reason in EXEMPT.items():
        privacy.exempt(column, reason)
