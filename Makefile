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

.PHONY: install demo test lab bench clean system-deps neo4j-jars neo4j-start neo4j-stop \
        neo4j-status bench-neo4j

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
	@scripts/system-deps.sh --fonts-only && $(RG) export --ring top --db $(DEMO_DIR)/ringgraph.duckdb --rings $(DEMO_DIR)/results/rings.json --out $(DEMO_DIR)/evidence/top-ring
	@echo
	@echo "Outputs:"
	@echo "  raw exports + ground truth  $(DEMO_DIR)/scenario/"
	@echo "  graph store (DuckDB)        $(DEMO_DIR)/ringgraph.duckdb"
	@echo "  ingest report               $(DEMO_DIR)/ringgraph_ingest_report.json"
	@echo "  ranked rings                $(DEMO_DIR)/results/rings.csv, rings.json"
	@echo "  evidence pack (top ring)    $(DEMO_DIR)/evidence/top-ring/ (report.html, report.pdf, ...) and top-ring.zip"
	@echo "Explore them in JupyterLab:   make lab   (then open notebooks/00_quickstart.ipynb)"

# Debian packages for the browser tests and the plots' Chinese labels (chromium,
# fonts-noto-cjk), installed only when missing; `make demo` needs only the font (the
# evidence pack's PDF embeds it).
system-deps:
	@scripts/system-deps.sh

# The tests start their own local Neo4j (real server, free loopback port, temporary home)
# when NEO4J_URI is not set, and stop it at the end: see tests/neo4j_fixtures.py.
test: install system-deps
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

# Local Neo4j Community 5.26 (+ GDS) from Maven Central; jars stay in ~/.m2.
neo4j-jars:
	mvn -q -B -f neo4j-server/pom.xml package -Pgds

neo4j-start: install
	$(RG) neo4j start

neo4j-stop: install
	$(RG) neo4j stop

neo4j-status: install
	$(RG) neo4j status

BENCH_NEO4J_N ?= 1000000
bench-neo4j: install
	$(PY) benchmarks/bench_neo4j.py --complaints $(BENCH_NEO4J_N)

lab: install
	@scripts/system-deps.sh --fonts-only
	$(PY) -m pip install --progress-bar on -e '.[test,lab]'
	$(VENV)/bin/jupyter lab notebooks/

bench: install
	$(PY) benchmarks/bench_simulate.py --complaints 1000000

clean:
	rm -rf $(VENV) data/demo .pytest_cache
