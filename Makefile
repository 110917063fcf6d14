# Two commands matter: `make run` and `make test`. Both set everything up first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed
# axe-core for the browser tests' accessibility checks, from package-lock.json (npm ci).
AXE := node_modules/axe-core/axe.min.js
# The second test pass: the machine's PostgreSQL and Redis (scripts/services.sh starts them).
PG_TEST_DATABASE_URL ?= postgres://kapso@127.0.0.1:5432/kapso_dashboard
REDIS_TEST_CACHE_URL ?= redis://127.0.0.1:6379/15

.PHONY: run test lint format setup clean serve test-postgres bench

run: $(STAMP)
	@bash scripts/run.sh

test: $(STAMP) $(AXE)
	@bash scripts/ensure_debian_package.sh chromium /usr/bin/chromium "browser tests will skip"
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

# Production-style: gunicorn (WEB_CONCURRENCY workers), DEBUG off, collectstatic, migrate.
serve: $(STAMP)
	@bash scripts/serve.sh

# The whole suite on PostgreSQL + Redis instead of SQLite + local memory. Redis database 15
# is the tests' own: it is emptied first so no key survives from an earlier run.
test-postgres: $(STAMP) $(AXE)
	$(PY) -c "import redis, sys; redis.Redis.from_url(sys.argv[1]).flushdb()" $(REDIS_TEST_CACHE_URL)
	DATABASE_URL=$(PG_TEST_DATABASE_URL) CACHE_URL=$(REDIS_TEST_CACHE_URL) $(PY) -m pytest

# A few minutes: gunicorn + PostgreSQL (100,000 sessions) + Redis on loopback; writes
# docs/benchmarks.md, then the team's figures to docs/benchmark-team.md and, at 20,000
# testers, docs/benchmark-team-scale.md, then the activity page's (1,000,000 sessions) to
# docs/benchmark-activity.md. Never part of `make test`.
bench: $(BENCH_STAMP)
	bash scripts/services.sh kapso_bench
	@bash scripts/ensure_debian_package.sh wrk wrk "the bench uses Python threads"
	$(PY) -m bench.run
	$(PY) -m bench.team
	$(PY) -m bench.team_scale
	$(PY) -m bench.activity

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

setup: $(STAMP)

# Reinstall whenever a requirements file changes.
$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

$(BENCH_STAMP): requirements-bench.txt $(STAMP)
	$(PY) -m pip install --quiet -r requirements-bench.txt
	touch $(BENCH_STAMP)

# Installed by the project itself (never from a CDN, never at test time); needs npm.
$(AXE): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(AXE)

clean:
	rm -rf node_modules $(VENV) .pytest_cache .ruff_cache staticfiles
