# Volaris Workstation: `make run` (demo workspace) and `make test` (whole suite).
# Both bootstrap .venv from pyproject.toml on first use; nothing else is needed
# but Python 3.11+.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test check lint typecheck layers unit bench snapshot dist clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required, found " + sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/workstation --demo

test: check unit

check: lint typecheck layers

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: $(STAMP)
	$(BIN)/mypy

layers: $(STAMP)
	$(BIN)/lint-imports

unit: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q

BENCH_VENV := .venv-bench
BENCH_STAMP := $(BENCH_VENV)/.installed

$(BENCH_STAMP): tests/benchmarks/compare/requirements-vollib.txt tests/benchmarks/compare/requirements-smc.txt
	test -x $(BENCH_VENV)/bin/python || $(PYTHON) -m venv $(BENCH_VENV)
	$(BENCH_VENV)/bin/python -m pip install --quiet -r tests/benchmarks/compare/requirements-vollib.txt
	$(BENCH_VENV)/bin/python -m pip install --quiet --no-deps -r tests/benchmarks/compare/requirements-smc.txt
	touch $(BENCH_STAMP)

bench: $(STAMP) $(BENCH_STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest -q -s -m benchmark tests/benchmarks

snapshot: $(STAMP)
	rm -rf build/readme-demo
	QT_QPA_PLATFORM=offscreen $(BIN)/workstation --demo --data-dir build/readme-demo workspace >/dev/null
	QT_QPA_PLATFORM=offscreen $(BIN)/workstation --demo --data-dir build/readme-demo snapshot \
		--out resources/screenshot.png --size 1600x900 --palette '/plan SPY bull 30'

dist: $(STAMP)
	$(BIN)/pyinstaller --noconfirm build.spec

clean:
	rm -rf $(VENV) $(BENCH_VENV) build dist .mypy_cache .ruff_cache
