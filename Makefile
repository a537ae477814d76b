# Two commands: `make run` serves the app, `make test` runs every test. Both set up what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 5000
HOST ?= 127.0.0.1
FLASK := $(BIN)/flask --app tracker
CHROMIUM ?= /usr/bin/chromium
# The PostgreSQL pass of `make test` runs against this database (CI: trust auth on 127.0.0.1).
TEST_POSTGRES_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test test-sqlite test-postgres test-e2e lint bench setup setup-dev db chromium clean help

help:
	@echo "make run      set up and serve the app at http://$(HOST):$(PORT) (PORT=5050 picks another port)"
	@echo "make test     set up and run every test (SQLite, PostgreSQL when reachable, browser)"
	@echo "make lint     ruff and mypy"
	@echo "make bench    benchmarks (ratios against a baseline measured in the same run)"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime: $(BIN)/python requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

setup: $(VENV)/.runtime
setup-dev: $(VENV)/.dev

db/.secret_key:
	@mkdir -p db
	@$(PYTHON) -c 'import secrets; print(secrets.token_hex(32))' > $@
	@chmod 600 $@

# Create or upgrade the database, then load the seeds if it holds no events yet.
db: setup db/.secret_key
	$(FLASK) db-upgrade
	$(FLASK) seed --if-empty

run: db
	@echo "Serving on http://$(HOST):$(PORT)  (Ctrl-C stops)"
	@echo "To change the record, log in; create the first admin once with: $(BIN)/flask --app tracker create-user NAME --role admin"
	FLASK_SECRET_KEY=$${FLASK_SECRET_KEY:-$$(cat db/.secret_key)} $(BIN)/gunicorn --bind $(HOST):$(PORT) --workers 2 --timeout 120 --access-logfile - 'tracker:create_app()'

chromium:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium package for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  elif command -v sudo >/dev/null && command -v apt-get >/dev/null; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  fi; \
	fi
	@[ -x $(CHROMIUM) ] || { echo "Browser tests need Chromium at $(CHROMIUM): install it with 'sudo apt-get install chromium' (Debian/Ubuntu), or set CHROMIUM=/path/to/chromium."; exit 1; }

# Every test on SQLite (browser tests included), then the suite again on PostgreSQL.
test: test-sqlite test-postgres

test-sqlite: setup-dev chromium
	TRACKER_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest

# On PostgreSQL: every test but the browser ones. In CI (CI=true) an unreachable server fails
# the run; elsewhere the pass is skipped with a message that says so.
test-postgres: setup-dev
	@if $(BIN)/python -m tests.postgres_available "$(TEST_POSTGRES_URL)"; then \
	  echo "PostgreSQL pass: $(TEST_POSTGRES_URL)"; \
	  TRACKER_TEST_DATABASE_URL="$(TEST_POSTGRES_URL)" $(BIN)/python -m pytest -m "not e2e" --ignore=tests/e2e; \
	elif [ -n "$$CI" ]; then \
	  echo "PostgreSQL pass FAILED: no server at $(TEST_POSTGRES_URL) (CI requires it)."; exit 1; \
	else \
	  echo "PostgreSQL pass SKIPPED: no server at $(TEST_POSTGRES_URL). Start one, or set TEST_POSTGRES_URL."; \
	fi

test-e2e: setup-dev chromium
	TRACKER_CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest tests/e2e

lint: setup-dev
	$(BIN)/ruff check tracker tests
	$(BIN)/ruff format --check tracker tests
	$(BIN)/mypy tracker

bench: setup-dev
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts
