# Waypoint: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test test-fast check bench load install install-dev browser-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# Translations: the .po files are committed, the .mo files are compiled here (never committed).
PO_FILES := $(wildcard waypoint/locale/*/LC_MESSAGES/django.po)
MO_FILES := $(PO_FILES:.po=.mo)

$(MO_FILES): %.mo: %.po $(VENV)/.installed
	$(BIN)/waypoint compilemessages --ignore=.venv --ignore=node_modules -v 0

install install-dev: $(VENV)/.installed $(MO_FILES)

node_modules/.installed: package.json package-lock.json
	npm ci --silent --no-audit --no-fund
	touch $@

browser-deps: node_modules/.installed
	@test -x /usr/bin/chromium || { echo "Installing Debian's chromium for browser tests"; \
	  (apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || \
	  { echo "could not install chromium: run 'apt-get install chromium' as root"; exit 1; }; }

run: install
	$(BIN)/waypoint migrate --no-input -v 0
	$(BIN)/waypoint demo --if-empty
	@echo ""
	@echo "Waypoint is running at http://127.0.0.1:$(PORT)/ with its background worker  (Ctrl-C to stop)"
	@DEBUG=1 $(BIN)/waypoint worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  DEBUG=1 $(BIN)/waypoint runserver 127.0.0.1:$(PORT)

test: install browser-deps
	$(BIN)/pytest -n 2 --dist loadgroup

test-fast: install
	$(BIN)/pytest -m "not browser and not slow" -q

check: install
	$(BIN)/ruff format --check waypoint tests bench
	$(BIN)/ruff check waypoint tests bench
	WAYPOINT_ENV=test SECRET_KEY=check-only-$$(printf 'x%.0s' $$(seq 60)) $(BIN)/waypoint makemigrations --check --dry-run
	$(BIN)/bandit -q -c pyproject.toml -r waypoint

bench: install
	$(BIN)/python bench/run.py

# 50 simulated people for 60 s against two gunicorn processes on a throw-away PostgreSQL
# database (LOAD_USERS, LOAD_SECONDS, LOAD_POSTGRES); docs/deployment.md, "Load test".
load: install
	$(BIN)/python -m bench.load

clean:
	rm -rf $(VENV) node_modules var
