# Two set-up commands: `make run` and `make test`. Both work on a fresh machine with Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: install run test test-fast bench clean browser-deps localstripe reconcile

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

# The local Stripe-compatible server and the worker (scheduled jobs, email) run beside the
# app and stop with it.
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	$(BIN)/flask reindex
	SITE_URL=http://$(HOST):$(PORT) $(BIN)/flask localstripe & LS=$$!; \
	SITE_URL=http://$(HOST):$(PORT) $(BIN)/flask worker & WK=$$!; \
	trap "kill $$LS $$WK 2>/dev/null" EXIT INT TERM; \
	SITE_URL=http://$(HOST):$(PORT) $(BIN)/flask run --host $(HOST) --port $(PORT)

localstripe: install
	$(BIN)/flask localstripe

reconcile: install
	$(BIN)/flask reconcile

browser-deps:
	@bash scripts/ensure-chromium.sh

test: install browser-deps
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -n auto -m "not browser" $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench.search_latency

clean:
	rm -rf $(VENV) instance/search-index
