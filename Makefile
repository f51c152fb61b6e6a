# The one place that knows how to install, test and serve the atlas; CI calls these targets too.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-test lint format check-deploy bench throughput clean ci postgres redis test-postgres messages

$(BIN)/python:
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the declared dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test,postgres]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# `make run HOST=0.0.0.0` serves the room's network: phones reach this machine by its
# address, so that address is allowed (the machine's own, unless ALLOWED_HOSTS is given) and
# the banner prints it. See "Teaching on the room's network" in the README.
ifneq ($(HOST),127.0.0.1)
RUN_ENV = ALLOWED_HOSTS="$${ALLOWED_HOSTS:-$$($(BIN)/python -m atlas.lib.lan --hosts $(HOST))}"
endif

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@$(BIN)/python -m atlas.lib.lan $(HOST) $(PORT)
	$(RUN_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install-test
	@$(BIN)/python -m tests.browser_check
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check-deploy: install
	DEBUG=false SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=atlas.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

# The PostgreSQL 15 that CI tests against: a local cluster with an `atlas` role and database.
# Needs root (it runs the cluster's tools as the postgres user); a developer can run it once.
PG_URL ?= postgres://atlas:atlas@127.0.0.1:5432/atlas
postgres:
	pg_lsclusters -h | grep -q '^15 *main' || pg_createcluster 15 main >/dev/null
	pg_ctlcluster 15 main start 2>/dev/null || true
	for _ in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
	su postgres -c "psql -q -tc \"SELECT 1 FROM pg_roles WHERE rolname='atlas'\" | grep -q 1 \
	  || psql -q -c \"CREATE ROLE atlas LOGIN PASSWORD 'atlas' CREATEDB\""
	su postgres -c "psql -q -tc \"SELECT 1 FROM pg_database WHERE datname='atlas'\" | grep -q 1 \
	  || createdb -O atlas atlas"

# The Redis that CI tests the page cache against (Debian's redis-server, no persistence).
REDIS_PORT ?= 6379
REDIS_URL ?= redis://127.0.0.1:$(REDIS_PORT)/0
redis:
	redis-cli -p $(REDIS_PORT) ping >/dev/null 2>&1 \
	  || redis-server --daemonize yes --port $(REDIS_PORT) --save "" --appendonly no --dir /tmp
	for _ in $$(seq 1 30); do redis-cli -p $(REDIS_PORT) ping >/dev/null 2>&1 && break; sleep 1; done

# The several-machine set-up: PostgreSQL for the data, Redis for the page cache.
test-postgres: postgres redis install-test
	DATABASE_URL=$(PG_URL) CACHE_URL=$(REDIS_URL) $(MAKE) --no-print-directory test

# Everything CI runs, in the order it runs it; `.ci/run` only installs system packages first.
ci: install-test
	$(MAKE) --no-print-directory lint
	@echo "== Test suite on SQLite =="
	$(MAKE) --no-print-directory test
	@echo "== Test suite on PostgreSQL 15, with the page cache in Redis =="
	$(MAKE) --no-print-directory test-postgres
	@echo "== Deployment checks =="
	$(MAKE) --no-print-directory check-deploy

bench: install-test
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python bench/page_timings.py
	$(BIN)/python bench/ddx_bench.py
	$(BIN)/python bench/wizard_bench.py
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/load_test.py
	$(BIN)/python bench/throughput.py

# Anonymous pages against a framework floor, both under gunicorn, measured with wrk.
throughput: install
	$(BIN)/python bench/throughput.py

clean:
	rm -rf $(VENV) staticfiles

# Gather the interface strings into the Spanish catalogue, then compile it; translate what
# this leaves empty in locale/es/LC_MESSAGES/django.po and run it again.
messages: install
	$(BIN)/python -c 'from atlas.messages import MAKEMESSAGES_IGNORE as i; print(" ".join("--ignore=" + p for p in i))' \
	  | xargs $(BIN)/python manage.py makemessages -l es --no-obsolete
	$(BIN)/python manage.py compilemessages -l es --ignore=.venv
