# The two commands a newcomer needs: `make demo` (install, demo data, a full run, outputs shown) and
# `make test` (install, the test suite). Everything installs into .venv from PyPI.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
PEILDATUM ?= 2026-10-31
SCHAAL ?= gemeente
DEMO ?= demo

.PHONY: demo test ui bench clean

$(VENV)/.geinstalleerd: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.geinstalleerd

demo: $(VENV)/.geinstalleerd
	$(BIN)/systeemanalyse demo-data --uit $(DEMO)/landing --schaal $(SCHAAL) --peildatum $(PEILDATUM) > $(DEMO)-data.log
	@tail -n 3 $(DEMO)-data.log
	$(BIN)/systeemanalyse run --landing $(DEMO)/landing --werkmap $(DEMO)/werkmap --peildatum $(PEILDATUM); \
	  code=$$?; echo "exit code $$code"; test $$code -eq 0 -o $$code -eq 3
	@echo; echo "Uitvoer in $(DEMO)/werkmap/output/$(PEILDATUM):"; find $(DEMO)/werkmap/output/$(PEILDATUM) -type f | sort
	@echo; echo "Dagster UI op dezelfde werkmap: make ui   (http://localhost:3000)"

test: $(VENV)/.geinstalleerd
	$(BIN)/python -m pytest

ui: $(VENV)/.geinstalleerd
	mkdir -p $(DEMO)/werkmap/dagster_home
	test -f $(DEMO)/werkmap/dagster_home/dagster.yaml || cp dagster.yaml $(DEMO)/werkmap/dagster_home/
	DAGSTER_HOME=$(abspath $(DEMO)/werkmap/dagster_home) SYSTEEMANALYSE_LANDING=$(abspath $(DEMO)/landing) \
	  SYSTEEMANALYSE_WERKMAP=$(abspath $(DEMO)/werkmap) $(BIN)/dagster dev -w workspace.yaml -h 0.0.0.0 -p 3000

bench: $(VENV)/.geinstalleerd
	$(BIN)/python benchmarks/bench_pipeline.py --schaal gemeente

clean:
	rm -rf $(DEMO) $(DEMO)-data.log
