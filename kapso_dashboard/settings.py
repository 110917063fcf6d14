"""Settings for the Kapso sandbox dashboard.

Every value comes from the environment (or a `.env` file beside manage.py) through
django-environ. `.env.example` and the README's configuration table list them all.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.management.utils import get_random_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Optional: real deployments set real environment variables, which win over the file.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# A random fallback is safe (logins just do not survive a restart); `make run` keeps a
# stable key in var/secret_key so they do.
SECRET_KEY = env.str("SECRET_KEY", default="") or get_random_secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "sandbox",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view opts out (login page, /healthz).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kapso_dashboard.urls"
WSGI_APPLICATION = "kapso_dashboard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "sandbox.context_processors.kapso_mode",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "sandbox:create"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Unset, whitenoise serves static/ straight from the source tree (run, test); production
# sets it and runs collectstatic for compressed, cache-busting file names.
STATIC_ROOT = env.str("STATIC_ROOT", default="") or None
WHITENOISE_USE_FINDERS = True

# --- Kapso -------------------------------------------------------------------------------
KAPSO_API_KEY = env.str("KAPSO_API_KEY", default="")
KAPSO_API_BASE_URL = env.str("KAPSO_API_BASE_URL", default="https://app.kapso.ai/api/v1")
# Seconds one Kapso call may take in all, connecting and reading the body included.
KAPSO_TIMEOUT = env.float("KAPSO_TIMEOUT", default=10.0)
# Set by `make run` when no KAPSO_API_KEY is given: the dashboard talks to the bundled
# emulator and every page says so.
KAPSO_DEMO_MODE = env.bool("KAPSO_DEMO_MODE", default=False)
# How long the agent dropdown trusts its cached copy of Kapso's agent list.
KAPSO_AGENT_CACHE_SECONDS = env.int("KAPSO_AGENT_CACHE_SECONDS", default=300)
# A watched pending session is refreshed from Kapso at most once per this many seconds,
# however many pages poll it: 20 tabs on one session cost Kapso 12 calls a minute.
KAPSO_REFRESH_SECONDS = env.int("KAPSO_REFRESH_SECONDS", default=5)
KAPSO_EMULATOR_STATE_FILE = env.str(
    "KAPSO_EMULATOR_STATE_FILE", default=str(BASE_DIR / "var" / "kapso_emulator.json")
)
KAPSO_EMULATOR_SANDBOX_NUMBER = env.str("KAPSO_EMULATOR_SANDBOX_NUMBER", default="15551234567")

# Region used to read phone numbers typed without a leading + or 00 (ISO 3166 code, e.g. US).
PHONE_DEFAULT_REGION = env.str("PHONE_DEFAULT_REGION", default="") or None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_kapso_key": {"()": "sandbox.log_filters.RedactKapsoKey"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_kapso_key"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own default handler would print each of its lines a second time.
    "loggers": {"django": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
