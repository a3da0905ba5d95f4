# Two set-up commands: `make run` and `make test`. Both work on a fresh machine with Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
export FLASK_APP := wsgi

.PHONY: install install-test run test test-fast bench clean browser-deps localstripe reconcile reindex

UV_VERSION := 0.13.8
UV_INSTALL := $(BIN)/uv pip install --quiet --python $(BIN)/python

# uv (from PyPI, pinned) installs the pinned packages in a few seconds where pip took over a
# minute here. Python's own pip puts it in a venv made without pip (making a venv with pip
# cost ~10 s of CPU); a Python without a usable pip gets a venv with pip, which installs uv.
$(BIN)/uv:
	$(PYTHON) -m venv --without-pip $(VENV)
	$(PYTHON) -m pip --python $(BIN)/python install --quiet uv==$(UV_VERSION) \
	  || { $(PYTHON) -m venv $(VENV) && $(BIN)/pip install --quiet uv==$(UV_VERSION); }

# `make run` installs the app and its development tools (.[dev]); the test suite's runners
# and browser packages (.[test], which includes .[dev]) only come with `make test`.
$(VENV)/.installed-dev: pyproject.toml | $(BIN)/uv
	$(UV_INSTALL) -e '.[dev]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/uv
	$(UV_INSTALL) -e '.[test]'
	touch $@ $(VENV)/.installed-dev

install: $(VENV)/.installed-dev

install-test: $(VENV)/.installed-test

# The local Stripe-compatible server (on loopback) and the worker (scheduled jobs, email,
# search index upkeep) run beside the app and stop with it.
# No `flask reindex` here: seed-demo's commit already indexes what it writes (through the
# outbox), and a second full build cost ~5 s; `make reindex` rebuilds by hand.
# Python keeps compiled modules (.pyc) even where the environment says not to
# (PYTHONDONTWRITEBYTECODE=1): otherwise every flask process below compiles the app and its
# libraries again, ~4 s of CPU each.
run: export PYTHONDONTWRITEBYTECODE :=
run: install
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty
	SITE_URL=http://$(HOST):$(PORT) $(BIN)/flask localstripe & LS=$$!; \
	SITE_URL=http://$(HOST):$(PORT) $(BIN)/flask worker & WK=$$!; \
	trap "kill $$LS $$WK 2>/dev/null" EXIT INT TERM; \
	SITE_URL=http://$(HOST):$(PORT) $(BIN)/flask run --host $(HOST) --port $(PORT)

localstripe: install
	$(BIN)/flask localstripe

reindex: install
	$(BIN)/flask reindex

reconcile: install
	$(BIN)/flask reconcile

browser-deps:
	@bash scripts/ensure-chromium.sh

test: export PYTHONDONTWRITEBYTECODE :=
test: install-test browser-deps
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

test-fast: install-test
	$(BIN)/python -m pytest -n auto -m "not browser" $(PYTEST_ARGS)

bench: install
	$(BIN)/python -m bench.search_latency

clean:
	rm -rf $(VENV) instance/search-index
