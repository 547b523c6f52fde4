# wallet-tracker: `make run` serves the API, `make test` runs every check. Each sets itself up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run demo test lint format typecheck pytest migrate worker clean

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "wallet-tracker needs Python 3.11 or newer (found " + sys.version.split()[0] + "); set PYTHON=python3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(INSTALLED)

run: $(INSTALLED)
	$(BIN)/python server.py

demo: $(INSTALLED)
	$(BIN)/python demo.py

test: lint typecheck pytest

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(INSTALLED)
	$(BIN)/mypy .

pytest: $(INSTALLED)
	$(BIN)/python -m pytest

migrate: $(INSTALLED)
	$(BIN)/python -m db.migrate

worker: $(INSTALLED)
	$(BIN)/arq workers.WorkerSettings

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
