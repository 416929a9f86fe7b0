# The whole contributor workflow: `make run`, `make test`, `make lint`, `make bench`.
# Each target creates .venv and installs what it needs on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench format clean system-deps screenshots

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The team server on SQLite (./pm-data) with demo data; prints the URL and the demo account.
run: $(STAMP)
	$(BIN)/pm serve --demo --data-dir pm-data

# Browser tests drive Debian's Chromium through Playwright (never a downloaded browser).
# Alert ingestion is tested with the real Alertmanager (Debian's prometheus-alertmanager);
# the server tests run on PostgreSQL too (Debian's postgresql, at 127.0.0.1:5432).
SYSTEM_PACKAGES := chromium prometheus-alertmanager postgresql
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	test -x /usr/bin/prometheus-alertmanager || missing="$$missing prometheus-alertmanager"; \
	command -v psql >/dev/null || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update && apt-get install -y $$missing; \
	  else echo "The tests need Debian's$$missing: run 'sudo apt-get install -y$$missing'" >&2; fi; fi

# The server tests run twice: on SQLite (with everything else), and on the PostgreSQL server
# at 127.0.0.1:5432 (user postgres, database test). The two runs go side by side, one a core;
# the PostgreSQL run's report is kept in $(PG_LOG) and printed after the SQLite one. That run
# writes a marker that .ci/run checks, so CI fails if the PostgreSQL run was skipped.
PG_MARKER := .pytest-postgres.json
PG_LOG := .pytest-postgres.log

# Bytecode first, as `pip install` of a wheel leaves it: the tests start `pm` some hundreds of
# times, and a shell with PYTHONDONTWRITEBYTECODE=1 would compile the package on every start.
test: $(STAMP) system-deps
	$(BIN)/python -m compileall -q src >/dev/null
	rm -f $(PG_MARKER) $(PG_LOG)
	@PM_TEST_DB=postgres PM_PG_MARKER=$(PG_MARKER) $(BIN)/python -m pytest tests/server \
	  > $(PG_LOG) 2>&1 & pg=$$!; trap 'kill $$pg 2>/dev/null' INT TERM; \
	echo "make test: the server tests run on PostgreSQL alongside (report: $(PG_LOG))"; \
	$(BIN)/python -m pytest; sqlite=$$?; \
	wait $$pg; postgres=$$?; \
	echo; echo "make test: the server tests on PostgreSQL ($(PG_LOG)):"; cat $(PG_LOG); \
	test $$sqlite = 0 && test $$postgres = 0

# The browser walk of the demo (tests/server/test_walk_browser.py), keeping a screenshot of
# every step, desktop and 390 px phone, light and dark, in screenshots/ (not committed).
screenshots: $(STAMP) system-deps
	PM_SCREENSHOTS=screenshots $(BIN)/python -m pytest -q tests/server/test_walk_browser.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
