# Two set-up commands: `make run` and `make test`. Both work on a fresh machine with Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: install install-test run test test-fast bench clean browser-deps localstripe reconcile

# The pip that comes with Python 3.11 installs everything here; upgrading it first cost ~10 s.
$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# `make run` installs the app and its development tools (.[dev]); the test suite's runners
# and browser packages (.[test], which includes .[dev]) only come with `make test`.
$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-dev

install: $(VENV)/.installed-dev

install-test: $(VENV)/.installed-test

# The local Stripe-compatible server runs beside the app on loopback and stops with it.
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	$(BIN)/flask reindex
	SITE_URL=http://$(HOST):$(PORT) $(BIN)/flask localstripe & LS=$$!; \
	trap "kill $$LS 2>/dev/null" EXIT INT TERM; \
	SITE_URL=http://$(HOST):$(PORT) $(BIN)/flask run --host $(HOST) --port $(PORT)

localstripe: install
	$(BIN)/flask localstripe

reconcile: install
	$(BIN)/flask reconcile

browser-deps:
	@bash scripts/ensure-chromium.sh

test: install-test browser-deps
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

test-fast: install-test
	$(BIN)/python -m pytest -n auto -m "not browser" $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench.search_latency

clean:
	rm -rf $(VENV) instance/search-index
