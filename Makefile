# Kindred. `make demo` and `make test` work on a fresh machine with only Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: install install-test install-bench demo test lint bench lock clean

# Runtime dependencies, pinned with hashes by requirements/lock.txt.
$(BIN)/kindred: pyproject.toml requirements/lock.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

install: $(BIN)/kindred

# Test and lint tools, pinned with hashes by requirements/test-lock.txt.
$(VENV)/.test-installed: $(BIN)/kindred requirements/test-lock.txt
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/test-lock.txt
	touch $@

install-test: $(VENV)/.test-installed

demo: install
	$(BIN)/kindred demo --port $(PORT)

test: install-test
	$(BIN)/python -m pytest

lint: install-test
	$(BIN)/ruff check src tests bench tools
	$(BIN)/ruff format --check src tests bench tools
	KINDRED_DEBUG=1 KINDRED_DATA_DIR=var/lint $(BIN)/mypy
	$(BIN)/bandit -q -c pyproject.toml -r src
	$(BIN)/lint-imports

# The bench's reference solver (OR-Tools), pinned with hashes by requirements/bench-lock.txt.
$(VENV)/.bench-installed: $(BIN)/kindred requirements/bench-lock.txt
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/bench-lock.txt
	touch $@

install-bench: $(VENV)/.bench-installed

bench: install-bench
	$(BIN)/python bench/confidential.py
	$(BIN)/python bench/matching.py
	$(BIN)/python bench/matching_pages.py

# Re-pin after changing dependencies in pyproject.toml (needs network to the package index).
lock:
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes --quiet -o requirements/lock.txt
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes --quiet --extra test -o requirements/test-lock.txt
	$(BIN)/uv pip compile pyproject.toml --python-version 3.11 --generate-hashes --quiet --extra bench -o requirements/bench-lock.txt

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
