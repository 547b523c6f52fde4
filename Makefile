# wallet-tracker: `make run` serves the API, `make test` runs every check. Each sets itself up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
# The browser tests drive Debian's Chromium; Playwright never downloads a browser of its own.
CHROMIUM := /usr/bin/chromium
# The GraphQL-over-HTTP audit (graphql-http on Node), pinned by its package-lock.json.
AUDIT := tests/api/graphql_http_audit
BENCH_INSTALLED := $(VENV)/.installed-bench

.PHONY: run demo test lint format typecheck pytest chromium audit-deps migrate worker bench clean

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "wallet-tracker needs Python 3.11 or newer (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

run: $(INSTALLED)
	$(BIN)/python server.py

demo: $(INSTALLED)
	$(BIN)/python -m tools.demo

test: lint typecheck pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(INSTALLED)
	$(BIN)/mypy .

# The suite runs in one process more than the machine has cores (TEST_WORKERS=1 for one
# process): its tests spend much of their time waiting on servers, workers and subprocesses, so
# an extra one keeps the cores busy (2 cores: 11 min 52 s with 2, 9 min 44 s with 3). The few
# tests that measure the machine's headroom (marked `alone`) run first, one at a time, while
# the machine is idle (right after the suite, its databases and browsers are still settling).
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
pytest: $(INSTALLED) chromium audit-deps
	$(BIN)/python -m pytest -m alone
	$(BIN)/python -m pytest -n $(TEST_WORKERS) -m "not alone"

# Without Node the audit test skips (and fails under CI), so a missing npm only warns here.
audit-deps:
	@if [ $(AUDIT)/node_modules/.package-lock.json -nt $(AUDIT)/package-lock.json ]; then :; \
	elif command -v npm >/dev/null; then npm ci --prefix $(AUDIT) --no-audit --no-fund; \
	else echo "npm is not installed: the GraphQL-over-HTTP audit test will be skipped (install Node.js 18+ to run it)" >&2; fi

chromium:
	@test -x $(CHROMIUM) || { \
	  echo "Installing Debian's chromium package for the browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then sudo=; \
	  elif command -v sudo >/dev/null; then sudo=sudo; \
	  else echo "$(CHROMIUM) is missing and I am not root and have no sudo: install Debian's chromium package (apt-get install chromium), then run make again" >&2; exit 1; fi; \
	  { $$sudo apt-get update && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; } || \
	  { echo "Could not install chromium with apt-get: install Debian's chromium package ($(CHROMIUM)), then run make again" >&2; exit 1; }; \
	}

migrate: $(INSTALLED)
	$(BIN)/python -m db.migrate

worker: $(INSTALLED)
	$(BIN)/arq workers.WorkerSettings

$(BENCH_INSTALLED): $(INSTALLED)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_INSTALLED)

# The benchmarks of BENCHMARKS.md, about 25 minutes (18 of them Solana's 10,000 signatures);
# BENCH_RUNS=1 SOLANA_BENCH_SIGNATURES=1000 for a quick look.
bench: $(BENCH_INSTALLED)
	$(BIN)/python -m tools.bench

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
