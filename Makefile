# Two commands do everything on a fresh machine with python3 and make:
#   make lab    JupyterLab on notebooks/00_start_here.ipynb
#   make slides the workshop deck as live slides; make app: the Explorer as a page
#   make test   the whole test suite (lint included)
# Both create or reuse .venv and install only when pyproject/constraints change.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.alviz-installed

.PHONY: lab slides app test lint fmt bench clean-venv

$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-c constraints.txt -e ".[test,browser,dask,export,app,slides]"
	@touch $@

lab: $(STAMP)
	$(BIN)/alviz lab

slides: $(STAMP)
	$(BIN)/alviz slides

app: $(STAMP)
	$(BIN)/alviz app explorer

lint: $(STAMP)
	$(BIN)/ruff check alviz tests benchmarks
	$(BIN)/ruff format --check alviz tests benchmarks

test: lint
	@bash tools/ensure_chromium.sh
	$(BIN)/python -m pytest -n 2 --dist loadfile

fmt: $(STAMP)
	$(BIN)/ruff format alviz tests benchmarks
	$(BIN)/ruff check --fix alviz tests benchmarks

clean-venv:
	rm -rf $(VENV)
