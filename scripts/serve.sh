#!/usr/bin/env bash
# `make serve`: the dashboard as production runs it. gunicorn with WEB_CONCURRENCY workers
# (default 2), DEBUG off, static files collected into STATIC_ROOT with hashed names,
# migrations applied. Configure it through the environment or .env (README, "Production"):
# SECRET_KEY and ALLOWED_HOSTS above all, DATABASE_URL (PostgreSQL), CACHE_URL (Redis, which
# several workers need to share throttles and caches) and KAPSO_API_KEY.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WORKERS=${WEB_CONCURRENCY:-2}
# Threads per worker (gunicorn's gthread worker): the API's long poll holds a request slot
# for up to 25 s, so one-thread workers would let two waiting CI jobs stall every page.
THREADS=${WEB_THREADS:-8}
mkdir -p var

# A value counts whether it comes from the environment or from .env (settings read both).
has_env_or_dotenv() { [ -n "${!1:-}" ] || { [ -f .env ] && grep -Eq "^[[:space:]]*$1=." .env; }; }

export DEBUG=false  # whatever .env says: debug pages leak settings and tracebacks
# gunicorn's workers live long, so each keeps its database connection (60 s unless set).
has_env_or_dotenv CONN_MAX_AGE || export CONN_MAX_AGE=60
has_env_or_dotenv STATIC_ROOT || export STATIC_ROOT="$PWD/staticfiles"

if ! has_env_or_dotenv SECRET_KEY; then
  [ -s var/secret_key ] || "$PY" -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
  SECRET_KEY=$(cat var/secret_key)
  export SECRET_KEY
  echo "WARNING: SECRET_KEY is not set; using the generated one kept in var/secret_key." >&2
  echo "         Set SECRET_KEY in the environment or .env for a real deployment." >&2
fi
if ! has_env_or_dotenv ALLOWED_HOSTS; then
  echo "WARNING: ALLOWED_HOSTS is not set, so only 127.0.0.1 and localhost are answered." >&2
  echo "         Set ALLOWED_HOSTS=your.host.name (and CSRF_TRUSTED_ORIGINS behind TLS)." >&2
fi
# What Django ended up with: database and cache backends, and whether a Kapso key is set.
"$PY" - <<'PYTHON'
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kapso_dashboard.settings")
django.setup()
from django.conf import settings  # noqa: E402

engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
print(f"Database: {engine}, cache: {cache}, workers: {os.environ.get('WEB_CONCURRENCY', '2')}")
if engine == "sqlite3" or cache == "LocMemCache":
    print("NOTE: production wants DATABASE_URL=postgres://... and CACHE_URL=redis://...")
if getattr(settings, "SECURE_SSL_REDIRECT", False):
    print("NOTE: HTTPS only (SECURE_SSL_REDIRECT): plain-HTTP requests are redirected to https://.")
    print("      Put a TLS proxy in front (SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https);")
    print("      to try it over plain HTTP on a trusted network set SECURE_SSL_REDIRECT=false,")
    print("      SESSION_COOKIE_SECURE=false and CSRF_COOKIE_SECURE=false.")
if not settings.KAPSO_API_KEY:
    print("WARNING: KAPSO_API_KEY is not set, so creating sessions will fail; for a demo with")
    print("         the bundled Kapso emulator use `make run` instead.")
PYTHON

# /metrics adds up every process that counts into PROMETHEUS_MULTIPROC_DIR; what the last
# run's processes left there would be counted again, so it starts empty.
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
  mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
  find "$PROMETHEUS_MULTIPROC_DIR" -maxdepth 1 -name '*.db' -delete
fi
"$PY" manage.py migrate --noinput
"$PY" manage.py collectstatic --noinput --verbosity 0
"$PY" manage.py ensure_superuser
# Its own key for the keyed hashes of erased phone numbers, written once into .env.
"$PY" manage.py ensure_privacy_key
echo
echo "  Dashboard: http://${HOST}:${PORT}/   (health: http://${HOST}:${PORT}/healthz)"
echo
# exec: gunicorn becomes this process, so Ctrl-C and a process manager's SIGTERM reach it.
# More gunicorn options go in GUNICORN_CMD_ARGS (e.g. "--access-logfile -").
# The logger class redacts phone numbers and e-mail addresses from access lines (query
# strings included) when the access log is on.
exec .venv/bin/gunicorn kapso_dashboard.wsgi:application \
  --bind "${HOST}:${PORT}" --workers "$WORKERS" --threads "$THREADS" \
  --logger-class sandbox.web.gunicorn_logging.RedactingLogger
