#!/usr/bin/env bash
# `make run`: the dashboard on SQLite, with the bundled Kapso emulator unless a real
# KAPSO_API_KEY is configured (environment or .env). Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
EMULATOR_PORT=${KAPSO_EMULATOR_PORT:-8765}
mkdir -p var
# Links in e-mails (reminders' renew links) point at this dashboard unless SITE_URL is set.
source scripts/site_url.sh

# A stable secret key so logins survive restarts; made once, kept out of git.
if [ -z "${SECRET_KEY:-}" ]; then
  [ -s var/secret_key ] || "$PY" -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
  SECRET_KEY=$(cat var/secret_key)
  export SECRET_KEY
fi

# The key of the keyed hashes that recognise erased phone numbers (PRIVACY_HASH_KEY) is
# generated once into the local .env, as the first admin's password is generated: see
# `ensure_privacy_key` below. Rotating it forgets which numbers were erased (README).

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

if [ "$("$PY" manage.py kapso_mode)" = "emulator" ]; then
  export KAPSO_API_KEY=local-emulator-key
  export KAPSO_API_BASE_URL="http://127.0.0.1:${EMULATOR_PORT}/api/v1"
  export KAPSO_DEMO_MODE=1
  export DEBUG=${DEBUG:-1}
  # Reminder e-mails are printed here instead of sent (set EMAIL_URL to send them): this
  # console is the demo's mailbox, where a tester's address and the renew link are shown on
  # purpose; it is not a log (log lines go through LOGGING's redacting filters).
  export EMAIL_URL=${EMAIL_URL:-consolemail://}
  # The demo stays one command and one login: the printed admin password, no second factor.
  export MFA_REQUIRED_FOR_MANAGERS=${MFA_REQUIRED_FOR_MANAGERS:-false}
  "$PY" manage.py kapso_emulator --host 127.0.0.1 --port "$EMULATOR_PORT" &
  pids+=($!)
  for _ in $(seq 50); do
    "$PY" -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:${EMULATOR_PORT}/_emulator/health', timeout=1)" 2>/dev/null && break
    sleep 0.2
  done
  echo "Demo mode: no KAPSO_API_KEY set, using the Kapso emulator on port ${EMULATOR_PORT}."
else
  echo "Using real Kapso at ${KAPSO_API_BASE_URL:-the configured KAPSO_API_BASE_URL}."
  # runserver speaks plain http on this machine: production's https-only defaults would
  # redirect every page to an https that is not there. DEBUG stays off (no debug pages).
  export SECURE_SSL_REDIRECT=false SESSION_COOKIE_SECURE=false CSRF_COOKIE_SECURE=false
fi

"$PY" manage.py migrate --noinput
"$PY" manage.py ensure_superuser
"$PY" manage.py ensure_privacy_key
# The job worker (bulk onboarding, reminders, refresh, sync): the queue is a SQLite file in
# var/ unless TEAM_QUEUE_URL says otherwise. Supervised: a worker that dies is started again
# and the dashboard keeps serving (only the supervisor's own exit stops everything).
"$PY" manage.py team_worker --supervised &
pids+=($!)
echo
echo "  Dashboard: http://${HOST}:${PORT}/   (admin: http://${HOST}:${PORT}/admin/)"
echo "  Links in e-mails: ${SITE_URL:-SITE_URL from .env}"
echo "  Press Ctrl-C to stop."
echo
"$PY" manage.py runserver "${HOST}:${PORT}" &
pids+=($!)
# Whichever stops first (Ctrl-C, or one of them failing) stops the rest via the trap.
wait -n "${pids[@]}"
