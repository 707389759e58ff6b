# minxin — developer entry points. `make run` and `make test` are all a newcomer needs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_SEED ?= 1
DEMO_CASES ?= 3000
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=
SCREENSHOT_CASES ?= 800

# The first interpreter that is Python 3.12 or newer: on PATH, then pyenv's installs.
PYTHON ?= $(shell for p in python3.13 python3.12 python3 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -r); do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then command -v $$p; break; fi; done)

.PHONY: help venv run migrate demo test test-pg screenshots bench bench-intel bench-risk bench-search bench-scale bench-exchange worker clean

help:
	@echo "make run       – install, migrate, create the demo city once, run web + worker + sweeps on http://$(HOST):$(PORT)"
	@echo "make test      – the whole test suite on SQLite"
	@echo "make test-pg   – the whole test suite on PostgreSQL ($(PG_URL))"
	@echo "make screenshots – refresh docs/screenshots from the newcomer's walk (browser test, needs chromium)"
	@echo "make worker    – run the background job worker"
	@echo "make bench     – every benchmark; bench-intel and bench-risk run one family"
	@echo "make bench-scale – load SCALE_CASES (default 1000000) demo cases into PostgreSQL, then p50/p95/p99 of the hot pages through gunicorn, the deadline sweeps through a worker and a 5-minute load of 50 staff + 10 portal users"
	@echo "make bench-search – search relevance (recall@10) and bigram tsvector vs pg_trgm on PostgreSQL (SEARCH_CASES, default 20000)"
	@echo "make bench-exchange – Excel import of 100,000 cases vs raw COPY on PostgreSQL ($(PG_URL); BENCH_CASES=…)"

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
		echo "minxin needs Python 3.12 or newer and none was found."; \
		echo "Install one, e.g.: sudo apt-get install python3.12 python3.12-venv   (Ubuntu 24.04+)"; \
		echo "               or: pyenv install 3.12 && make PYTHON=\$$(pyenv root)/versions/3.12.*/bin/python3.12"; \
		exit 1; fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

venv: $(STAMP)

migrate: venv
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py demo --seed $(DEMO_SEED) --cases $(DEMO_CASES) --if-empty

run: demo
	$(BIN)/python manage.py demo_logins
	MINXIN_DEBUG=1 $(BIN)/python manage.py serve $(HOST):$(PORT)

worker: migrate
	$(BIN)/python manage.py worker

test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-pg: venv
	MINXIN_DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest $(PYTEST_ARGS)

# The README's screenshots, taken by the newcomer's walk (minxin/demo/tests/test_browser_walk.py) on a
# freshly built demo of SCREENSHOT_CASES cases, and by the browser tests of the coordination apps (meetings,
# 稳评, 舆情, …), each saving its own screenshots;
# the folder is emptied first, so none is left over.
screenshots: venv
	rm -f docs/screenshots/*.png
	MINXIN_SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots MINXIN_WALK_CASES=$(SCREENSHOT_CASES) MINXIN_REQUIRE_BROWSER=1 \
		$(BIN)/python -m pytest minxin/demo/tests/test_browser_walk.py -q -p no:cacheprovider
	MINXIN_SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots MINXIN_REQUIRE_BROWSER=1 \
		$(BIN)/python -m pytest minxin/meetings/tests/test_browser.py minxin/opinion/tests/test_browser.py minxin/upward/tests/test_browser_report.py \
			minxin/grid/tests/test_browser_grid.py -q -p no:cacheprovider
	# The 稳评 walk loads two fragments at once, which needs PostgreSQL (see the test).
	MINXIN_DATABASE_URL=$(PG_URL) MINXIN_SCREENSHOTS_DIR=$(CURDIR)/docs/screenshots MINXIN_REQUIRE_BROWSER=1 \
		$(BIN)/python -m pytest minxin/stability/tests/test_browser.py -q -p no:cacheprovider
	@ls docs/screenshots

bench: venv
	$(BIN)/python -m benchmarks

bench-intel: venv
	$(BIN)/python -m benchmarks bench_classify bench_same_matter bench_duplicates bench_topics

SEARCH_CASES ?= 20000
SEARCH_DB := $(patsubst %/test,%/minxin_bench_search,$(PG_URL))

bench-search: venv
	psql "$(patsubst %/test,%/postgres,$(PG_URL))" -c 'DROP DATABASE IF EXISTS minxin_bench_search' -c 'CREATE DATABASE minxin_bench_search'
	MINXIN_DATABASE_URL=$(SEARCH_DB) $(BIN)/python manage.py migrate --noinput -v 0
	MINXIN_DATABASE_URL=$(SEARCH_DB) $(BIN)/python manage.py demo --cases $(SEARCH_CASES) --cases-only --no-index --seed 3
	MINXIN_DATABASE_URL=$(SEARCH_DB) $(BIN)/python -m benchmarks.bench_search

SCALE_CASES ?= 1000000

bench-scale: venv
	SCALE_CASES=$(SCALE_CASES) $(BIN)/python -m benchmarks.bench_scale --prepare --sweep --load-seconds 300

bench-risk: venv
	$(BIN)/python -m benchmarks bench_warning bench_hotspots

BENCH_CASES ?= 100000
bench-exchange: venv
	MINXIN_DATABASE_URL=$(PG_URL) $(BIN)/python -m benchmarks.bench_exchange --cases $(BENCH_CASES)

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis
