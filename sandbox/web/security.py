"""Security headers Django 5.2 does not set by itself, and deploy checks of our own."""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Warning, register
from django.views.debug import SafeExceptionReporterFilter

# Where the named single sign-on providers ask people to sign in.
NAMED_SIGN_ON_ORIGINS = {
    "google": "https://accounts.google.com",
    "microsoft": "https://login.microsoftonline.com",
    "github": "https://github.com",
}


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def sign_on_origins(providers: dict, extra: list[str]) -> list[str]:
    """The identity providers a sign-in form may send the browser to (the form's answer is
    a redirect there, which `form-action` governs too)."""
    origins = []
    for name, config in providers.items():
        for app in config.get("APPS", []):
            url = app.get("settings", {}).get("server_url") or NAMED_SIGN_ON_ORIGINS.get(name)
            if url:
                origins.append(_origin(url))
    origins += [_origin(url) for url in extra]
    return list(dict.fromkeys(origins))


def content_security_policy() -> str:
    origins = sign_on_origins(settings.SOCIALACCOUNT_PROVIDERS, settings.SSO_FORM_ACTION_EXTRA)
    policy = settings.CONTENT_SECURITY_POLICY
    if not origins:
        return policy
    return policy.replace("form-action 'self'", "form-action 'self' " + " ".join(origins))


class ContentSecurityPolicyMiddleware:
    """Adds the strict CONTENT_SECURITY_POLICY to every response that has none; with single
    sign-on configured, its providers' sign-in pages join `form-action`, nothing else."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy())
        return response


@register(deploy=True)
def secret_key_is_configured(app_configs, **kwargs):
    # Django's own check cannot tell a configured key from our random fallback.
    if not os.environ.get("SECRET_KEY") and not _dotenv_has("SECRET_KEY"):
        return [
            Warning(
                "SECRET_KEY is not configured, so a random one is made per process: logins "
                "do not survive restarts and are not shared between workers.",
                hint="Set SECRET_KEY in the environment or .env.",
                id="sandbox.W001",
            )
        ]
    return []


def _dotenv_has(name: str) -> bool:
    path = settings.BASE_DIR / ".env"
    if not path.exists():
        return False
    return any(
        line.strip().startswith(f"{name}=") and line.split("=", 1)[1].strip()
        for line in path.read_text().splitlines()
    )


class AlwaysSafeExceptionReporterFilter(SafeExceptionReporterFilter):
    """Hide @sensitive_variables locals and sensitive settings on the debug page too.

    Django's filter switches itself off when DEBUG is on; with a real KAPSO_API_KEY and a
    DEBUG left on by mistake, the debug page would otherwise show the key in a frame.
    """

    def is_active(self, request) -> bool:
        return True

    def get_traceback_frame_variables(self, request, tb_frame):
        # The Kapso client knows nothing of Django, so it cannot mark its frames with
        # @sensitive_variables; any local that holds the key is hidden here instead.
        variables = super().get_traceback_frame_variables(request, tb_frame)
        key = getattr(settings, "KAPSO_API_KEY", "")
        if not key:
            return variables
        return [
            (name, self.cleansed_substitute if _holds(value, key) else value)
            for name, value in variables
        ]


def _holds(value: object, secret: str) -> bool:
    try:
        return secret in repr(value)
    except Exception:  # a broken __repr__ must not break the error page itself
        return True
