"""Settings for the Kapso sandbox dashboard.

Every value comes from the environment (or a `.env` file beside manage.py) through
django-environ. `.env.example` and the README's configuration table list them all.
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.management.utils import get_random_secret_key

from kapso_dashboard import sso

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# Optional: real deployments set real environment variables, which win over the file.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# A random fallback is safe (logins just do not survive a restart); `make run` keeps a
# stable key in var/secret_key so they do.
SECRET_KEY = env.str("SECRET_KEY", default="") or get_random_secret_key()
# Where links in e-mails point (no request to take it from in a job): https://dash.example.com
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
SITE_URL_IS_HTTPS = SITE_URL.startswith("https://")
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
    # Accounts (sign-in, password reset, second factor, single sign-on, sessions): allauth.
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.microsoft",
    "allauth.socialaccount.providers.github",
    "allauth.usersessions",
    "sandbox",
    "sandbox.api",  # the JSON API for CI (/api/v1/) and its tokens
    "sandbox.team",
    "sandbox.accounts",  # invitations, roles, the members page, the second-factor gate
]

MIDDLEWARE = [
    # First, so every log line of a request (Kapso calls included) carries its id.
    "sandbox.web.request_id.RequestIdMiddleware",
    # Counts every answer, the ones the middleware below refuses included (/metrics).
    "sandbox.metrics.middleware.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "sandbox.web.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a login unless its view opts out (login page, /healthz).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Records each signed-in browser so a person can see and end their other sessions.
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    # Someone who must have a second factor sets one up before anything else.
    "sandbox.web.mfa_gate.SecondFactorGateMiddleware",
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
                "sandbox.web.context_processors.kapso_mode",
            ],
            # Every template's {% url %}, remembering what it reversed.
            "builtins": ["sandbox.templatetags.remembered_urls"],
        },
    },
]

# postgres://user:password@host:5432/name uses psycopg 3; SQLite is the local default.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Seconds a worker keeps its database connection between requests (0: a new one each time).
# `make serve` sets 60 for gunicorn; runserver starts a thread per request, so 0 there.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
# On, a kept connection is tested (one `SELECT 1`) before each request reuses it, so a
# database restart costs no failed request; off (Django's default) saves that round trip.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Writers queue for the lock instead of failing: IMMEDIATE takes it at BEGIN, so two
    # requests cannot deadlock upgrading read locks, and they wait up to 20 s for it.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].setdefault("transaction_mode", "IMMEDIATE")
    DATABASES["default"]["OPTIONS"].setdefault("timeout", 20)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Shared by every worker when it is Redis (redis://host:6379/1, Django's RedisCache below);
# local memory, private to each process, when unset.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
# History's whole-history figures (counts, statuses) are cached only in a cache every
# process shares: in a per-process one, the worker's writes would not invalidate the web
# server's copy, and History would show a stale count (sandbox/history.py).
HISTORY_FIGURES_CACHED = env.bool(
    "HISTORY_FIGURES_CACHED",
    default=not CACHES["default"]["BACKEND"].endswith(("LocMemCache", "DummyCache")),
)
# Whole pages (a session's page, a history page) kept in that shared cache, sealed and
# never stale (sandbox/page_cache.py); never in a per-process one, where an erasure made
# by another process could not reach them.
PAGES_CACHED = env.bool("PAGES_CACHED", default=HISTORY_FIGURES_CACHED)
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    # Django's, sharing one redis-py client per pool rather than building one per call.
    CACHES["default"]["BACKEND"] = "sandbox.web.redis_cache.RedisCache"
    # A Redis that stops answering fails a request (and /healthz) in seconds, not minutes.
    CACHES["default"].setdefault("OPTIONS", {})
    CACHES["default"]["OPTIONS"].setdefault("socket_connect_timeout", 2)
    CACHES["default"]["OPTIONS"].setdefault("socket_timeout", 2)
    # Logins are read from the shared cache, written to both it and the database. Only with
    # a shared cache: a per-process copy would keep a session alive in one worker after a
    # logout in another.
    # (sandbox/web/session_store.py: Django's cached_db, still readable while Redis is down.)
    SESSION_ENGINE = "sandbox.web.session_store"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins allowed per account and per client address in LOGIN_THROTTLE_WINDOW
# seconds before further tries are refused (counted in the shared cache).
LOGIN_THROTTLE_PER_ACCOUNT = env.int("LOGIN_THROTTLE_PER_ACCOUNT", default=5)
LOGIN_THROTTLE_PER_ADDRESS = env.int("LOGIN_THROTTLE_PER_ADDRESS", default=20)
LOGIN_THROTTLE_WINDOW = env.int("LOGIN_THROTTLE_WINDOW", default=15 * 60)
# Behind a proxy every client has the proxy's address; name the header that carries the
# real one (e.g. HTTP_X_FORWARDED_FOR) only if the proxy sets it and clients cannot.
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "sandbox:create"
LOGOUT_REDIRECT_URL = "account_login"

# --- Accounts (django-allauth; our rules in sandbox/accounts/) ---------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "sandbox.accounts.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "sandbox.accounts.adapter.SocialAccountAdapter"
ACCOUNT_FORMS = {"login": "sandbox.web.login_throttle.ThrottledLoginForm"}
# Existing accounts have usernames; invited ones sign in with their e-mail address too.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
# An address is trusted (for linking a single sign-on) only once it is verified.
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL_IS_HTTPS else "http"
# Open sign-up (anyone who finds the page makes an account) stays off unless asked for.
ACCOUNT_OPEN_SIGNUP = env.bool("ACCOUNT_OPEN_SIGNUP", default=False)
# Our own throttle (sandbox/web/login_throttle.py) counts password failures; allauth's
# "login_failed" limit still guards second-factor codes (see docs/decisions.md).
ACCOUNT_RATE_LIMITS = {
    "login_failed": f"{LOGIN_THROTTLE_PER_ADDRESS}/{LOGIN_THROTTLE_WINDOW}s/ip,"
    f"{LOGIN_THROTTLE_PER_ACCOUNT}/{LOGIN_THROTTLE_WINDOW}s/key",
}
# allauth's own limits (second-factor codes, reset mails) count per address too: behind N
# proxies that append to X-Forwarded-For, set N so the client's address is used.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
# Invitations: how long a link works (days).
INVITATION_DAYS = env.int("INVITATION_DAYS", default=7)
# Single sign-on (kapso_dashboard/sso.py reads the OIDC_* / GOOGLE_* / ... variables).
SOCIALACCOUNT_PROVIDERS = sso.providers_from_env(env)
# The CSP's form-action names each provider's origin (the issuer's, or the named provider's
# sign-in page); add here an authorization endpoint on another host than its issuer.
SSO_FORM_ACTION_EXTRA = env.list("SSO_FORM_ACTION_EXTRA", default=[])
SOCIALACCOUNT_ONLY = False
SOCIALACCOUNT_LOGIN_ON_GET = False
# The provider's e-mail counts as verified only when the provider says so
# (OpenID Connect's email_verified); then it may sign in to the account with that
# verified address.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True
# Anyone with a verified address at one of these domains may join without an invitation,
# with this role (teammate, manager, staff).
SSO_ALLOWED_DOMAINS = [d.lower() for d in env.list("SSO_ALLOWED_DOMAINS", default=[])]
SSO_DEFAULT_ROLE = env.str("SSO_DEFAULT_ROLE", default="teammate")
# Second factor: TOTP with recovery codes, and passkeys.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="Kapso sandbox")
# Passkeys need https, except on localhost (`make run`, tests).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=DEBUG)
# Staff and team managers must set up a second factor before anything else
# (sandbox/web/mfa_gate.py). `make run`'s demo turns it off: one command, one login.
MFA_REQUIRED_FOR_MANAGERS = env.bool("MFA_REQUIRED_FOR_MANAGERS", default=True)
USERSESSIONS_TRACK_ACTIVITY = False

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
# The dashboard speaks English only (no LocaleMiddleware, no translations of its own), so
# Django's translation machinery would only ever pick English; off, as Django's docs advise
# for speed, every URL reversal and translated string skips its per-thread language lookup
# (about 35 of 85 us per reversal here; docs/decisions.md).
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Unset, whitenoise serves static/ straight from the source tree (run, test); production
# sets it and runs collectstatic for compressed, cache-busting file names.
STATIC_ROOT = env.str("STATIC_ROOT", default="") or None
WHITENOISE_USE_FINDERS = STATIC_ROOT is None
if STATIC_ROOT:
    # collectstatic writes hashed, compressed copies; pages link the hashed names, which
    # whitenoise serves with far-future cache headers.
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# --- Security ----------------------------------------------------------------------------
# Production (DEBUG off) is HTTPS-only by default; each can be turned off for a plain-HTTP
# setup on purpose. `python manage.py check --deploy` passes with these defaults.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
# Behind a TLS-terminating proxy: SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
_proxy_ssl_header = env.list("SECURE_PROXY_SSL_HEADER", default=[])
if len(_proxy_ssl_header) == 2:
    SECURE_PROXY_SSL_HEADER = tuple(_proxy_ssl_header)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
DEFAULT_EXCEPTION_REPORTER_FILTER = "sandbox.web.security.AlwaysSafeExceptionReporterFilter"
# No inline script or style anywhere, the admin included, so the policy can say 'self'.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

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
# One budget for every call to Kapso from every process on this key (sandbox/kapso/quota.py):
# Kapso allows 100 calls a minute per key on its smallest plan (500, 1,000, 2,000 on others).
# 0 turns the budget off. The reserve is kept for people at the form: background work
# (sync, refresh, bulk jobs) never touches it, pages watching a session only half of it.
KAPSO_RATE_LIMIT_PER_MINUTE = env.int("KAPSO_RATE_LIMIT_PER_MINUTE", default=100)
KAPSO_RATE_LIMIT_RESERVE = env.int("KAPSO_RATE_LIMIT_RESERVE", default=20)
# Each person's fair share of the minute for the creates and renews they ask for directly.
KAPSO_CREATES_PER_USER_PER_MINUTE = env.int("KAPSO_CREATES_PER_USER_PER_MINUTE", default=10)
# Status checks one person's open pages may cause per minute; beyond it pages back off.
KAPSO_REFRESHES_PER_USER_PER_MINUTE = env.int("KAPSO_REFRESHES_PER_USER_PER_MINUTE", default=30)
# All joins through tester groups' public links together, a minute (below the reserve).
KAPSO_JOINS_PER_MINUTE = env.int("KAPSO_JOINS_PER_MINUTE", default=30)
# A forced reload of the agent list asks Kapso at most once per this many seconds.
KAPSO_AGENT_RELOAD_SECONDS = env.int("KAPSO_AGENT_RELOAD_SECONDS", default=10)
# A pending session counts as "live" (reused by bulk onboarding, the team matrix and the
# API's ensure, instead of making a new one) while at least this many seconds are left.
SANDBOX_LIVE_MIN_REMAINING = env.int("SANDBOX_LIVE_MIN_REMAINING", default=3600)
# The API's long poll (GET /api/v1/sessions/<id>/wait) holds a worker at most this long:
# below gunicorn's 30 s worker timeout, and below what a proxy in front allows.
API_WAIT_MAX_SECONDS = env.float("API_WAIT_MAX_SECONDS", default=25.0)
# --- Team onboarding (sandbox/team/) -----------------------------------------------------
# The job queue (Huey): sqlite:///path (embedded, no service; `make run`) or redis://host/db
# (workers on several machines). The worker is `manage.py team_worker`.
# /metrics (Prometheus): off unless a bearer token or allowed addresses (IPs or networks,
# comma-separated) are set. Several processes of one machine add up when each has
# PROMETHEUS_MULTIPROC_DIR (the client library's own variable) set to one shared directory.
METRICS_BEARER_TOKEN = env.str("METRICS_BEARER_TOKEN", default="")
METRICS_ALLOWED_ADDRESSES = env.list("METRICS_ALLOWED_ADDRESSES", default=[])

TEAM_QUEUE_URL = env.str("TEAM_QUEUE_URL", default="sqlite:///var/queue.sqlite3")
# A reminder (or an automatic renewal) is sent this many seconds before a session expires.
SANDBOX_REMINDER_BEFORE = env.int("SANDBOX_REMINDER_BEFORE", default=2 * 3600)
# --- Personal data (sandbox/privacy/; what is kept and for how long: /privacy/) ----------
# Sessions that ended more than this many days ago lose their phone, code and Kapso payload
# (the row stays, so counts stay true); failed attempts older than this are deleted. Daily
# job; 0 turns it off. On by default since issue 19 (it was off before).
SANDBOX_RETENTION_DAYS = env.int("SANDBOX_RETENTION_DAYS", default=90)
# The key of the keyed hashes (HMAC-SHA256) that recognise an erased phone number and
# fingerprint requests, so no unkeyed digest of a number is kept. `make run` writes one
# into .env. Rotating it forgets which numbers were erased (Kapso's old sessions of an
# erased number could be imported again by a sync) and voids pending idempotency keys.
# Unset: derived from SECRET_KEY (check privacy.W001 warns).
PRIVACY_HASH_KEY = env.str("PRIVACY_HASH_KEY", default="")
# E-mail (reminders): smtp://user:password@host:587, smtp+tls://..., consolemail:// (printed).
# consolemail:// (`make run`) is the demo's mailbox: the message is printed to the terminal
# so it can be read; it is not a log line and does not go through LOGGING's filters.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Kapso sandbox <sandbox@localhost>")
KAPSO_EMULATOR_STATE_FILE = env.str(
    "KAPSO_EMULATOR_STATE_FILE", default=str(BASE_DIR / "var" / "kapso_emulator.json")
)
KAPSO_EMULATOR_SANDBOX_NUMBER = env.str("KAPSO_EMULATOR_SANDBOX_NUMBER", default="15551234567")

# Region used to read phone numbers typed without a leading + or 00 (ISO 3166 code, e.g. US).
PHONE_DEFAULT_REGION = env.str("PHONE_DEFAULT_REGION", default="") or None
# A tester group's public join link (sandbox/team/joining.py): posts one address may make on
# one link in a day (a fair's visitors share one Wi-Fi address), the seconds a person needs
# at least to fill the form, how long a loaded join page stays good, and where a joiner
# writes to be removed (empty: the e-mail of whoever made the group).
TEAM_JOINS_PER_ADDRESS = env.int("TEAM_JOINS_PER_ADDRESS", default=200)
TEAM_JOIN_MIN_FILL_SECONDS = env.float("TEAM_JOIN_MIN_FILL_SECONDS", default=2.0)
TEAM_JOIN_PAGE_MAX_AGE = env.int("TEAM_JOIN_PAGE_MAX_AGE", default=2 * 3600)
TEAM_JOIN_CONTACT_EMAIL = env.str("TEAM_JOIN_CONTACT_EMAIL", default="")

# LOG_FORMAT=json writes one JSON object per line (for a log collector); plain otherwise.
# Every line names the request it belongs to ("-" outside a request).
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_kapso_key": {"()": "sandbox.web.log_filters.RedactKapsoKey"},
        "redact_personal_data": {"()": "sandbox.web.log_filters.RedactPersonalData"},
        "request_id": {"()": "sandbox.web.request_id.RequestIdFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s %(message)s"},
        "json": {"()": "sandbox.web.request_id.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
            "filters": ["redact_kapso_key", "redact_personal_data", "request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own default handler would print each of its lines a second time.
    # django.server is the development server's request line (`make run`): through the same
    # handler, so its query strings are redacted like every other line.
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
