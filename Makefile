# Two commands do everything on a fresh machine with Python 3.10+:
#   make serve   create .venv, install, build dist/kb.db, serve Datasette on 127.0.0.1:8001
#   make test    create .venv, install, run the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8001

.PHONY: serve test build check stats clean bench bench-build

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed; try: make PYTHON=python3.12")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

serve: $(STAMP)
	$(BIN)/kb serve --port $(PORT)

test: $(STAMP)
	$(BIN)/python -m pytest

build: $(STAMP)
	$(BIN)/kb build

check: $(STAMP)
	$(BIN)/kb check

stats: build
	$(BIN)/kb stats

bench: $(STAMP)
	$(BIN)/python benchmarks/pages.py

bench-build: $(STAMP)
	$(BIN)/python benchmarks/build_stages.py

clean:
	rm -rf dist $(VENV) *.egg-info .pytest_cache
