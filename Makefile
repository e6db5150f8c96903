# Customer Service Online — the two commands a new machine needs: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY      = $(VENV)/bin/python
PIP     = $(VENV)/bin/pip
STAMP   = $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install setup bench lint typecheck worker beat e2e clean faults load cluster

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PY) -c "import tomllib; d=tomllib.load(open('pyproject.toml','rb'))['project']; print('\n'.join(d['dependencies']+d['optional-dependencies']['dev']))" > $(VENV)/requirements.txt
	$(PIP) install --quiet -c constraints.txt -r $(VENV)/requirements.txt
	touch $(STAMP)

install: $(STAMP)

setup: install
	$(PY) manage.py compile_translations
	$(PY) manage.py migrate --noinput

# E-mail links point at the address served (make run PORT=8001) unless PORTAL_BASE_URL is set.
run: setup
	$(PY) manage.py seed_demo
	DEBUG=1 PORTAL_BASE_URL="$${PORTAL_BASE_URL:-http://$(HOST):$(PORT)}" \
	  $(PY) manage.py runserver $(HOST):$(PORT)

# Browser tests need Debian's Chromium; without it they are skipped (said plainly),
# unless PORTAL_REQUIRE_BROWSER=1 (CI), where a missing browser is a failure.
CHROMIUM ?= /usr/bin/chromium
# Parallel test processes (pytest-xdist); PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= auto

# Type checking (mypy + django-stubs, settings in pyproject.toml): the shared platform,
# every application's services, selectors and home figures, and the modules split from them.
TYPED = portal $(filter-out portal/%,$(wildcard */services.py */selectors.py */figures.py)) \
	invoices/issuing.py invoices/approval.py invoices/disputes.py invoices/copies.py \
	invoices/zip_jobs.py invoices/overdue.py invoices/history.py

# PORTAL_TESTING=1: the suite's settings (no SECRET_KEY needed) also when DATABASE_URL is set.
test: export PORTAL_TESTING = 1
test: install
	$(PY) manage.py compile_translations
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m ruff check .
	$(PY) -m mypy $(TYPED)
	@if [ ! -x "$(CHROMIUM)" ]; then \
	  if [ "$${PORTAL_REQUIRE_BROWSER:-0}" = "1" ]; then \
	    echo "ERROR: $(CHROMIUM) is missing and PORTAL_REQUIRE_BROWSER=1: browser tests cannot run." >&2; exit 1; \
	  fi; \
	  echo "NOTE: $(CHROMIUM) is missing: the browser tests (tests/e2e) will be SKIPPED."; \
	  echo "      Install it with: apt-get install chromium"; \
	fi
	@rc=0; PORTAL_CHROMIUM=$(CHROMIUM) $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup --maxprocesses=4 -rs $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "ERROR: pytest collected no tests." >&2; fi; \
	if [ ! -x "$(CHROMIUM)" ]; then echo "NOTE: browser tests were SKIPPED: $(CHROMIUM) is missing."; fi; \
	exit $$rc

lint: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	PORTAL_TESTING=1 $(PY) -m mypy $(TYPED)

typecheck: install
	PORTAL_TESTING=1 $(PY) -m mypy $(TYPED)

worker: setup
	$(VENV)/bin/celery -A portal worker -l info

beat: setup
	$(VENV)/bin/celery -A portal beat -l info

# PostgreSQL benchmark (not part of `make test`); the runner migrates the bench database
# itself and makes up a throw-away SECRET_KEY when none is set.
bench: install
	$(PY) -m bench $(BENCH_ARGS)

# Fault tests on PostgreSQL + Redis db 8 (FAULT_SCALE=full: the issue's sizes); see README.
FAULTS_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_faults
faults: install
	DATABASE_URL=$${DATABASE_URL:-$(FAULTS_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/8} \
	  PORTAL_TESTING=1 $(PY) -m pytest tests/faults -q -rs

# The multi-node run (tests/cluster, see README): two gunicorn nodes, two workers, beat, an
# S3 server and a streaming replica on loopback; CLUSTER_SCALE=full sends 1,000 notifications.
CLUSTER_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_cluster
cluster: install
	DATABASE_URL=$${DATABASE_URL:-$(CLUSTER_DATABASE_URL)} REDIS_URL=$${REDIS_URL:-redis://127.0.0.1:6379/7} \
	  CLUSTER_SCALE=$${CLUSTER_SCALE:-full} PORTAL_TESTING=1 $(PY) -m pytest tests/cluster -n 0 -q -rs -s

# Paced load, 10 MB uploads and soak against gunicorn + PostgreSQL (not in CI); see README.
load: install
	$(PY) -m bench.runner_load

clean:
	rm -rf var $(VENV)
