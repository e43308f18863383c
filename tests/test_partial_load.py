"""A graph loaded only in part (an ingest cut short): every node, few or no relationships.

Projection and scoring must run on it without a crash, on DuckDB as on Neo4j, and both
stores must give the same rings. The partial store is made for real: a full DuckDB ingest
is read back and only its nodes and the first relationships are written to the store
under test, as a load killed during its relationship batches leaves it.
"""

from __future__ import annotations

import pytest

from ringgraph.analysis.detect import get_detector
from ringgraph.analysis.pipeline import find_rings, identifier_names
from ringgraph.analysis.project import project
from ringgraph.cli import main
from ringgraph.store import DuckDBStore


@pytest.fixture(scope="module")
def full(tmp_path_factory):
    root = tmp_path_factory.mktemp("partial")
    assert main(["simulate", "--complaints", "400", "--seed", "5", "--out",
                 str(root / "scen")]) == 0
    assert main(["ingest", str(root / "scen"), "--db", str(root / "full.duckdb")]) == 0
    with DuckDBStore(root / "full.duckdb", read_only=True) as s:
        return s.nodes(), s.edges()


def _open(kind: str, request, tmp_path):
    if kind == "duckdb":
        return DuckDBStore(tmp_path / "partial.duckdb")
    return request.getfixturevalue("neo4j").store()


@pytest.mark.parametrize("kind", ["duckdb", "neo4j"])
@pytest.mark.parametrize("n_edges", [0, 1, 40])
def test_detect_runs_on_a_partial_load(kind, n_edges, full, request, tmp_path):
    nodes, edges = full
    with _open(kind, request, tmp_path) as store:
        store.write(nodes, edges.iloc[:n_edges])
        assert store.counts().get("Complaint") == (nodes["label"] == "Complaint").sum()
        graph = project(store)
        result = find_rings(graph, get_detector("leiden", seed=0), names=identifier_names(store),
                            data_fingerprint=store.fingerprint())
    assert graph.n == (nodes["label"] == "Complaint").sum()
    assert result.n_complaints == graph.n
    # Too few links for any ring: none is flagged, none is invented.
    assert result.flagged() == [] and len(graph.src) <= n_edges * n_edges
