#!/usr/bin/env bash
# Make sure the local PostgreSQL and Redis are up, with the role and databases the
# PostgreSQL test pass and the benchmarks use. Idempotent: safe to run again and again.
# For `.ci/run` and `make bench` on this project's machines (PostgreSQL 15 with trust auth
# on 127.0.0.1:5432, Redis on 127.0.0.1:6379); `make test` needs neither.
#   scripts/services.sh [database ...]     (default: kapso_dashboard)
set -euo pipefail
PGHOST=${PGHOST:-127.0.0.1}
PGPORT=${PGPORT:-5432}
PG_ADMIN=${PG_ADMIN:-postgres}
ROLE=${PG_ROLE:-kapso}
REDIS_PORT=${REDIS_PORT:-6379}
databases=("$@")
[ ${#databases[@]} -gt 0 ] || databases=(kapso_dashboard)

wait_for() {  # wait_for WHAT COMMAND...: up to 30 s
  for _ in $(seq 60); do "${@:2}" >/dev/null 2>&1 && return 0; sleep 0.5; done
  echo "services.sh: $1 did not come up" >&2
  return 1
}

if ! pg_isready -q -h "$PGHOST" -p "$PGPORT"; then
  echo "Starting PostgreSQL..."
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
  wait_for PostgreSQL pg_isready -q -h "$PGHOST" -p "$PGPORT"
fi

psql_admin() { psql -X -q -v ON_ERROR_STOP=1 -h "$PGHOST" -p "$PGPORT" -U "$PG_ADMIN" -d postgres "$@"; }
# CREATEDB: the test runner makes (and drops) test_<name> databases itself.
if [ -z "$(psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" ]; then
  psql_admin -c "CREATE ROLE $ROLE LOGIN CREATEDB"
fi
for db in "${databases[@]}"; do
  if [ -z "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
    psql_admin -c "CREATE DATABASE $db OWNER $ROLE"
  fi
done

if ! redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1; then
  echo "Starting Redis..."
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for Redis redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping
fi
echo "PostgreSQL ($PGHOST:$PGPORT, role $ROLE, ${databases[*]}) and Redis (127.0.0.1:$REDIS_PORT) are up."
