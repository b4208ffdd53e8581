# The two commands a newcomer needs: `make demo` (install, demo data, a full run, outputs shown) and
# `make test` (install, the full test suite: what CI runs). `make test-snel` is the fast subset to run before
# every commit (everything but the end-to-end tests marked `traag`). Everything installs into .venv from PyPI,
# at exactly the versions in requirements.lock (made from pyproject.toml by `make lock`, with uv).
PYTHON ?= python3
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
# A machine's pip configuration may name package folders that do not exist (pip then warns once per package, a wall
# of text before the demo's first line); those lines are left out, pip's exit code and every other line stay.
PIP_STIL = 2>&1 | { grep -v "is ignored: it is neither a file nor a directory" || true; }
VENV ?= .venv
BIN = $(VENV)/bin
PEILDATUM ?= 2026-10-31
SCHAAL ?= gemeente
DEMO ?= demo

.PHONY: demo test test-snel lock ui bench clean

$(VENV)/.geinstalleerd: pyproject.toml requirements.lock
	@echo "Installing into $(VENV): the versions of requirements.lock, from PyPI (about a minute)"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip $(PIP_STIL)
	@$(BIN)/python -m pip install --quiet -r requirements.lock $(PIP_STIL)
	@# setuptools warns about every editable install (a wall of text on a newcomer's screen); errors still show
	@PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet --no-deps -e . $(PIP_STIL)
	@touch $@

# Re-resolve the pinned dependencies of pyproject.toml (incl. the test extra) after changing them.
lock: $(VENV)/.geinstalleerd
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra test --universal --no-header -o requirements.lock

install: $(VENV)/.geinstalleerd

demo: $(VENV)/.geinstalleerd
	$(BIN)/systeemanalyse demo-data --uit $(DEMO)/landing --schaal $(SCHAAL) --peildatum $(PEILDATUM) > $(DEMO)-data.log
	@tail -n 3 $(DEMO)-data.log
	$(BIN)/systeemanalyse run --landing $(DEMO)/landing --werkmap $(DEMO)/werkmap --peildatum $(PEILDATUM); \
	  code=$$?; echo "exit code $$code"; test $$code -eq 0 -o $$code -eq 3
	@echo; echo "Uitvoer in $(DEMO)/werkmap/output/$(PEILDATUM)/ (one line per folder):"; \
	  cd $(DEMO)/werkmap/output/$(PEILDATUM)/ && for d in run.json signalen steekproef verrekening bias monitoring \
	    kwaliteit register lineage.html; do [ -d $$d ] && echo "  $$d/: $$(ls $$d | tr '\n' ' ')" || \
	    { [ -e $$d ] && echo "  $$d"; }; done; true
	@echo; echo "Dagster UI op dezelfde werkmap: make ui   (http://localhost:3000)"

# Both run in parallel on every core (pytest-xdist): one test module per unit of work, heaviest first (see
# tests/conftest.py). PARALLEL= runs in one process; `make test HYPOTHESIS=nacht` is the long nightly fuzz.
PARALLEL ?= -n auto --dist loadgroup --no-loadscope-reorder
HYPOTHESIS ?= ci

test: $(VENV)/.geinstalleerd
	SYSTEEMANALYSE_HYPOTHESIS_PROFIEL=$(HYPOTHESIS) $(BIN)/python -m pytest $(PARALLEL)

test-snel: $(VENV)/.geinstalleerd
	SYSTEEMANALYSE_HYPOTHESIS_PROFIEL=$(HYPOTHESIS) $(BIN)/python -m pytest $(PARALLEL) -m "not traag"

ui: $(VENV)/.geinstalleerd
	mkdir -p $(DEMO)/werkmap/dagster_home
	test -f $(DEMO)/werkmap/dagster_home/dagster.yaml || cp dagster.yaml $(DEMO)/werkmap/dagster_home/
	DAGSTER_HOME=$(abspath $(DEMO)/werkmap/dagster_home) SYSTEEMANALYSE_LANDING=$(abspath $(DEMO)/landing) \
	  SYSTEEMANALYSE_WERKMAP=$(abspath $(DEMO)/werkmap) $(BIN)/dagster dev -w workspace.yaml -h 0.0.0.0 -p 3000

bench: $(VENV)/.geinstalleerd
	$(BIN)/python benchmarks/bench_pipeline.py --schaal gemeente

clean:
	rm -rf $(DEMO) $(DEMO)-data.log
