# phasebook — the two commands a new user needs are `make report` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
STATE_DIR ?= .shopstack
PORTS ?= default
LAB_DIR ?= lab
LAB_PORT ?= 8888
LAB_ARGS ?=
PARAMS ?= params/local.yaml
JOBS ?= 2

.PHONY: help install report test test-fast lint lab up down status notebooks bench clean

help:
	@echo "make report     run the whole notebook suite against the embedded platform -> outputs/<run>/index.html"
	@echo "make test       ruff + the whole pytest suite"
	@echo "make test-fast  unit + integration tiers only: no platform, no kernels (tests/conftest.py)"
	@echo "make lab        JupyterLab on working copies in $(LAB_DIR)/ (never the committed notebooks), platform up"
	@echo "make up / down  the embedded platform alone (state in $(STATE_DIR)/)"
	@echo "make notebooks  re-execute and re-save the committed notebooks (after an intended change)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,load]'
	@touch $(STAMP)

install: $(STAMP)

report: install
	$(BIN)/phasebook run --embedded --jobs $(JOBS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/pytest -n $(JOBS) --dist loadgroup

# The fast loop: tiers are set in tests/conftest.py (e2e = starts a platform, kernels, papermill).
# No unit or integration test uses the notebook, property-testing or load plugins, and each
# process (controller + JOBS workers) spent ~5 CPU s importing them: 45.7 -> 29.4 CPU s in all.
FAST_PLUGINS_OFF := -p no:nbval -p no:nbmake -p no:schemathesis -p no:hypothesispytest -p no:locust
test-fast: install
	$(BIN)/pytest -m "unit or integration" -n $(JOBS) -q $(FAST_PLUGINS_OFF)

# The admin token (generated unless SHOPSTACK_ADMIN_TOKEN is exported) goes to
# $(STATE_DIR)/admin_token, mode 0600, where local kernels find it: nothing to export.
up: install
	$(BIN)/shopstack up --detach --ports $(PORTS) --state-dir $(STATE_DIR)

down:
	@[ -x $(BIN)/shopstack ] || { echo "shopstack: not running (not installed)"; exit 0; }; \
	out=$$($(BIN)/shopstack down --state-dir $(STATE_DIR) 2>&1); rc=$$?; \
	if [ $$rc -eq 0 ]; then echo "$$out"; \
	elif grep -q "no platform" <<<"$$out"; then echo "shopstack: not running (nothing to stop in $(STATE_DIR)/)"; \
	else echo "$$out" >&2; exit $$rc; fi

status: install
	$(BIN)/shopstack status --state-dir $(STATE_DIR)

# JupyterLab on working copies in $(LAB_DIR)/ (git-ignored), refreshed from notebooks/ without
# clobbering your edits (REFRESH=1 replaces them): Lab never rewrites the committed notebooks.
# A fresh platform, stopped with Lab; one already up (`make up`) is used as it is and left up.
# Lab does not start when the platform cannot.
lab: install
	@$(BIN)/python -m phasebook.workcopies notebooks $(LAB_DIR) $(if $(REFRESH),--refresh)
	@export SHOPSTACK_STATE_DIR=$(abspath $(STATE_DIR)) PHASEBOOK_PARAMS=$(abspath $(PARAMS)); \
	out=$$($(BIN)/shopstack up --detach --fresh --ports $(PORTS) --state-dir $(STATE_DIR) 2>&1); rc=$$?; \
	if [ $$rc -eq 0 ]; then echo "$$out"; trap '$(BIN)/shopstack down --state-dir $(STATE_DIR)' EXIT; \
	elif grep -q "already running" <<<"$$out"; then \
	  echo "shopstack: already running in $(STATE_DIR)/ (make up): Lab uses it as it is, not fresh; make down stops it"; \
	else echo "$$out" >&2; exit $$rc; fi; \
	$(BIN)/jupyter lab --notebook-dir=$(LAB_DIR) --port=$(LAB_PORT) $(LAB_ARGS) \
	  $$([ "$$(id -u)" = 0 ] && echo --allow-root)

# Sequential on a fresh platform, as nbval replays them, so created ids come out the same.
notebooks: install
	@out=$$(mktemp -d) && $(BIN)/phasebook run --embedded --jobs 1 -k '[013][0-9]_*' -k '4[0-5]_*' --out $$out && \
	cp $$out/[0134][0-9]_*.ipynb notebooks/ && rm -rf $$out && echo "notebooks/ re-saved"

bench: install
	bash bench/reads.sh

clean: down
	rm -rf $(STATE_DIR) .pytest_cache .ruff_cache
