# Two entry points for a fresh machine: `make run` serves the shipped corpus on
# http://127.0.0.1:8000, `make test` installs everything and runs the whole test suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup setup-test chromium engines services run test test-fast eval bench bench-scale

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first, from the local CPU wheel, so that sentence-transformers never pulls a CUDA build.
setup: $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e .

setup-test: setup
	$(BIN)/pip install --quiet -e ".[test]"

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# PostgreSQL's server binaries for the scale tests and `make services` (Debian's postgresql-15).
engines:
	@test -x /usr/lib/postgresql/15/bin/initdb || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq postgresql-15 >/dev/null; }

# A local PostgreSQL and Milvus Lite for development; prints the settings that point at them.
services: setup-test engines
	$(BIN)/policy-assistant services

run: setup
	$(BIN)/policy-assistant serve --host $(HOST) --port $(PORT)

test: setup-test chromium engines
	$(BIN)/python -m pytest -q

test-fast: setup-test
	$(BIN)/python -m pytest -q -m "not slow and not browser"

eval: setup
	$(BIN)/policy-assistant eval

bench: setup
	$(BIN)/python -m bench.bench_ask
	$(BIN)/python -m bench.bench_search
	$(BIN)/python -m bench.bench_hybrid
	$(BIN)/python -m bench.bench_corpus
	$(BIN)/python -m bench.bench_stores
	$(BIN)/python -m bench.bench_load --clients 1,8 --seconds 60
	$(BIN)/python -m bench.bench_load --clients 32 --seconds 180

# LawRefBook (153,971 clauses): a full USE build takes ~30 minutes on 2 cores, so apart.
bench-scale: setup-test
	$(BIN)/python -m bench.bench_scale
