"""Single sign-on providers from the environment, in the shape allauth's SOCIALACCOUNT_PROVIDERS
wants. Read by settings.py only; nothing here imports Django.

Any OpenID Connect provider (Okta, Keycloak, Entra, Auth0, ...):

    OIDC_PROVIDERS=okta,keycloak
    OIDC_OKTA_NAME=Okta               # the button says "Sign in with Okta"
    OIDC_OKTA_ISSUER=https://example.okta.com
    OIDC_OKTA_CLIENT_ID=...
    OIDC_OKTA_SECRET=...

Conveniences: GOOGLE_CLIENT_ID/GOOGLE_SECRET, MICROSOFT_CLIENT_ID/MICROSOFT_SECRET (and
MICROSOFT_TENANT, default "organizations"), GITHUB_CLIENT_ID/GITHUB_SECRET.
"""

from __future__ import annotations

import re


def _app(provider_id: str, name: str, client_id: str, secret: str, **settings) -> dict:
    return {
        "provider_id": provider_id,
        "name": name,
        "client_id": client_id,
        "secret": secret,
        "settings": settings,
    }


def openid_connect_apps(env) -> list[dict]:
    """One allauth app per name in OIDC_PROVIDERS; a name without its issuer and client id
    is refused at start-up rather than shown as a button that cannot work."""
    apps = []
    for provider_id in env.list("OIDC_PROVIDERS", default=[]):
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", provider_id):
            raise ValueError(
                f"OIDC_PROVIDERS: {provider_id!r} must be lower-case letters, digits, dashes"
            )
        prefix = "OIDC_" + provider_id.upper().replace("-", "_") + "_"
        issuer = env.str(prefix + "ISSUER", default="")
        client_id = env.str(prefix + "CLIENT_ID", default="")
        if not issuer or not client_id:
            raise ValueError(f"{prefix}ISSUER and {prefix}CLIENT_ID are both needed")
        apps.append(
            _app(
                provider_id,
                env.str(prefix + "NAME", default=provider_id.title()),
                client_id,
                env.str(prefix + "SECRET", default=""),
                server_url=issuer,
            )
        )
    return apps


def providers_from_env(env) -> dict:
    providers: dict = {
        # PKCE on every authorization-code flow: a stolen code is useless without the verifier.
        "openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": openid_connect_apps(env)},
    }
    named = {
        "google": ("Google", {}),
        "microsoft": (
            "Microsoft",
            {"tenant": env.str("MICROSOFT_TENANT", default="organizations")},
        ),
        "github": ("GitHub", {}),
    }
    for provider, (name, extra) in named.items():
        client_id = env.str(f"{provider.upper()}_CLIENT_ID", default="")
        if client_id:
            secret = env.str(f"{provider.upper()}_SECRET", default="")
            providers[provider] = {
                "OAUTH_PKCE_ENABLED": True,
                "APPS": [_app(provider, name, client_id, secret, **extra)],
            }
    return providers
