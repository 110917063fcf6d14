"""kapso_dashboard/sso.py: single sign-on providers from the environment."""

from __future__ import annotations

import environ
import pytest

from kapso_dashboard.sso import providers_from_env


def env_of(**values) -> environ.Env:
    env = environ.Env()
    env.ENVIRON = values
    return env


def test_nothing_configured_means_no_provider():
    assert providers_from_env(env_of()) == {
        "openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": []}
    }


def test_several_openid_connect_providers():
    providers = providers_from_env(
        env_of(
            OIDC_PROVIDERS="keycloak,okta-eu",
            OIDC_KEYCLOAK_ISSUER="https://id.example.com/realms/co",
            OIDC_KEYCLOAK_CLIENT_ID="kc",
            OIDC_KEYCLOAK_SECRET="s1",
            OIDC_KEYCLOAK_NAME="Company sign-in",
            OIDC_OKTA_EU_ISSUER="https://co.okta.com",
            OIDC_OKTA_EU_CLIENT_ID="ok",
        )
    )
    apps = providers["openid_connect"]["APPS"]
    assert [(a["provider_id"], a["name"], a["client_id"]) for a in apps] == [
        ("keycloak", "Company sign-in", "kc"),
        ("okta-eu", "Okta-Eu", "ok"),
    ]
    assert apps[0]["settings"] == {"server_url": "https://id.example.com/realms/co"}
    assert providers["openid_connect"]["OAUTH_PKCE_ENABLED"] is True


def test_a_provider_without_its_issuer_is_refused_at_start():
    with pytest.raises(ValueError, match="OIDC_CORP_ISSUER"):
        providers_from_env(env_of(OIDC_PROVIDERS="corp", OIDC_CORP_CLIENT_ID="x"))


def test_a_provider_id_that_cannot_be_a_url_part_is_refused():
    with pytest.raises(ValueError, match="lower-case"):
        providers_from_env(env_of(OIDC_PROVIDERS="Corp SSO"))


def test_the_named_conveniences():
    providers = providers_from_env(
        env_of(GOOGLE_CLIENT_ID="g", GOOGLE_SECRET="gs", MICROSOFT_CLIENT_ID="m")
    )
    assert providers["google"]["APPS"][0]["client_id"] == "g"
    assert providers["microsoft"]["APPS"][0]["settings"] == {"tenant": "organizations"}
    assert "github" not in providers
    assert all(p["OAUTH_PKCE_ENABLED"] for p in providers.values())
