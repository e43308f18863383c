# The two commands a newcomer needs: `make demo` and `make test`. Both create .venv and
# install the project into it first (only when pyproject.toml changed).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
RG     := $(VENV)/bin/ringgraph
STAMP  := $(VENV)/.installed

DEMO_DIR  ?= data/demo
DEMO_N    ?= 5000
DEMO_SEED ?= 20250501

.PHONY: install demo test lab bench clean system-deps

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --upgrade --progress-bar on pip
	$(PY) -m pip install --progress-bar on -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

demo: install
	@rm -f $(DEMO_DIR)/ringgraph.duckdb $(DEMO_DIR)/ringgraph.duckdb.wal
	$(RG) simulate --complaints $(DEMO_N) --seed $(DEMO_SEED) --out $(DEMO_DIR)/scenario
	$(RG) ingest $(DEMO_DIR)/scenario --db $(DEMO_DIR)/ringgraph.duckdb
	$(RG) detect --db $(DEMO_DIR)/ringgraph.duckdb --out $(DEMO_DIR)/results
	$(RG) evaluate --truth $(DEMO_DIR)/scenario --rings $(DEMO_DIR)/results/rings.csv
	@echo
	@echo "Outputs:"
	@echo "  raw exports + ground truth  $(DEMO_DIR)/scenario/"
	@echo "  graph store (DuckDB)        $(DEMO_DIR)/ringgraph.duckdb"
	@echo "  ingest report               $(DEMO_DIR)/ringgraph_ingest_report.json"
	@echo "  ranked rings                $(DEMO_DIR)/results/rings.csv, rings.json"
	@echo "Explore them in JupyterLab:   make lab   (then open notebooks/00_quickstart.ipynb)"

# Debian packages for the browser tests and the plots' Chinese labels (chromium,
# fonts-noto-cjk), installed only when missing; `make demo` needs neither.
system-deps:
	@scripts/system-deps.sh

test: install system-deps
	$(PY) -m pytest

lab: install
	@scripts/system-deps.sh --fonts-only
	$(PY) -m pip install --progress-bar on -e '.[test,lab]'
	$(VENV)/bin/jupyter lab notebooks/

bench: install
	$(PY) benchmarks/bench_simulate.py --complaints 1000000

clean:
	rm -rf $(VENV) data/demo .pytest_cache
