#!/usr/bin/env bash
# A live WhatsApp sandbox session for a CI run, through the dashboard's JSON API: ensure it,
# print the link and a QR code for a person to scan, wait until the phone has sent the code.
# Fails (exit 1) when the phone has not sent it within ACTIVATION_TIMEOUT seconds, or when
# the dashboard says no. Needs bash, curl, jq and sha256sum (all on GitHub's runners).
#
#   KAPSO_SANDBOX_URL    the dashboard, e.g. https://sandbox.example.com
#   KAPSO_SANDBOX_TOKEN  an API token from the dashboard's API tokens page (a CI secret)
#   TEST_PHONE           the test phone, in any format with its country code
#   AGENT_ID             the Kapso agent under test (GET /api/v1/agents lists them)
#   ACTIVATION_TIMEOUT   seconds to wait for the phone (default 600)
#
# Prints the active session as JSON on stdout; what a person must read goes to stderr.
set -euo pipefail
api="${KAPSO_SANDBOX_URL%/}/api/v1"
timeout=${ACTIVATION_TIMEOUT:-600}
deadline=$((SECONDS + timeout))
# One key per run, phone and agent: a retried step gets the same answer, not a new session.
key="${GITHUB_RUN_ID:-$(date +%s)}-${GITHUB_RUN_ATTEMPT:-1}-$(printf '%s %s' "$TEST_PHONE" "$AGENT_ID" | sha256sum | cut -c1-16)"

call() { # METHOD PATH [JSON]: the answer's body; waits out 429/503 (Retry-After), else fails
  local args=(-sS -X "$1" -w '\n%{http_code}' -H "Authorization: Bearer $KAPSO_SANDBOX_TOKEN")
  [ -z "${3:-}" ] || args+=(-H "Content-Type: application/json" -H "Idempotency-Key: $key" --data "$3")
  local out status
  while :; do
    out=$(curl "${args[@]}" "$api$2") || true
    status=${out##*$'\n'} out=${out%$'\n'*}
    case $status in
      2??) printf '%s\n' "$out"; return 0 ;;
      429 | 503) sleep "$(jq -r '.retry_after // 5' <<<"$out")" ;;
      *) echo "Kapso sandbox: HTTP $status: $(jq -r '.detail // .' <<<"$out" 2>/dev/null || echo "$out")" >&2; return 1 ;;
    esac
    [ "$SECONDS" -lt "$deadline" ] || { echo "Kapso sandbox: still refused after $timeout s" >&2; return 1; }
  done
}

body=$(jq -n --arg phone "$TEST_PHONE" --arg agent "$AGENT_ID" '{phone_number: $phone, agent_id: $agent}')
session=$(call POST /sessions/ensure "$body")
id=$(jq -r .id <<<"$session")
if [ "$(jq -r .status <<<"$session")" != active ]; then
  {
    echo "Activate the WhatsApp sandbox for $(jq -r .phone_number <<<"$session") (session $id):"
    echo "scan this code with the phone's camera, or open $(jq -r .activation_link <<<"$session")"
    call GET "/sessions/$id/qr.txt"
  } >&2
  while :; do
    left=$((deadline - SECONDS))
    [ "$left" -gt 0 ] || { echo "The phone did not send the code within $timeout s." >&2; exit 1; }
    waited=$(call GET "/sessions/$id/wait?timeout=$((left < 20 ? left : 20))")
    [ "$(jq -r .done <<<"$waited")" != true ] || break
  done
  echo "Activated." >&2
fi
call GET "/sessions/$id"
