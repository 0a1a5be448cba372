# securebase: `make run` serves the site, `make test` runs every check. See README.md.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
ECR_DATA ?= ../shared/data/ecr/ecr-calibration.csv

.DEFAULT_GOAL := help
.PHONY: help run setup test check static-checks pytest-fast lint format typecheck migrations-check pytest pytest-postgres \
        system-deps calibrate bench screenshots manual lock clean

help:
	@echo "make run     install (first time), migrate, load content, serve http://127.0.0.1:8000"
	@echo "make test    install (first time) and run every check and test (SQLite and PostgreSQL)"
	@echo "make check   the fast loop: lint, types, migrations, unit tests without browser/fault/slow/research ones"
	@echo "make format  fix lint and formatting;  make lock  re-pin requirements*.txt from *.in"
	@echo "make clean   remove .venv, var/ and tool caches"
	@echo "make calibrate  refit the item bank from $(ECR_DATA)"
	@echo "make bench   run the speed and load benchmarks (benchmarks/README.md)"
	@echo "make manual  rebuild the technical manual docs/manual/ (and its PDF) from the bank and $(ECR_DATA)"
	@echo "make screenshots  regenerate the screenshot gallery in docs/screenshots/"

# --- installation --------------------------------------------------------------------
$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

system-deps:
	@bash scripts/install-system-deps.sh

# --- running -------------------------------------------------------------------------
setup: $(VENV)/.runtime
	$(MANAGE) migrate --noinput
	$(MANAGE) createcachetable
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) load_content
	$(MANAGE) seed_newsletter

run: setup
	$(BIN)/honcho start --no-prefix -f Procfile

# --- checks and tests ------------------------------------------------------------------
test: $(VENV)/.dev system-deps static-checks pytest pytest-postgres

# The fast loop while coding: the static checks, then the unit tests on SQLite in two
# processes, without the browser, fault, research-figure and other slow tests.
check: static-checks pytest-fast

static-checks: lint typecheck migrations-check

pytest-fast: $(VENV)/.dev
	$(BIN)/python -m pytest -q -n 2 -m "not browser and not slow and not faults and not research"

lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(VENV)/.dev
	$(BIN)/mypy securebase

migrations-check: $(VENV)/.dev
	$(MANAGE) makemigrations --check --dry-run

pytest: $(VENV)/.dev
	$(BIN)/python -m pytest

pytest-postgres: $(VENV)/.dev
	$(BIN)/python scripts/throwaway_postgres.py -- $(BIN)/python -m pytest

# --- research and maintenance ----------------------------------------------------------
calibrate: $(VENV)/.runtime
	$(BIN)/python -m securebase.psychometrics.calibrate --data $(ECR_DATA)
	$(BIN)/python -m securebase.reports.group_density --data $(ECR_DATA)

bench: $(VENV)/.dev system-deps
	$(BIN)/pip install --quiet -r requirements-bench.txt
	$(BIN)/python benchmarks/psychometrics_speed.py
	$(BIN)/python benchmarks/report_pdf.py
	$(BIN)/python benchmarks/answer_step_cpu.py
	$(BIN)/python benchmarks/load_test.py --budget --duration 120
	$(BIN)/python benchmarks/panel_launch.py
	$(BIN)/python scripts/throwaway_postgres.py -- $(BIN)/python benchmarks/panel_launch.py --postgres --servers 3

screenshots: $(VENV)/.dev system-deps
	$(BIN)/python scripts/screenshots.py

manual: $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-manual.txt
	$(BIN)/python -m securebase.manual --data $(ECR_DATA)

lock:
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile -q --strip-extras --no-header --no-emit-index-url --no-emit-find-links -o requirements.txt requirements.in
	$(BIN)/pip-compile -q --strip-extras --no-header --no-emit-index-url --no-emit-find-links -o requirements-dev.txt requirements-dev.in
	$(BIN)/pip-compile -q --strip-extras --no-header --no-emit-index-url --no-emit-find-links -o requirements-bench.txt requirements-bench.in
	$(BIN)/pip-compile -q --strip-extras --no-header --no-emit-index-url --no-emit-find-links -o requirements-manual.txt requirements-manual.in

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
