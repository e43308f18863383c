"""Store contract: every test runs against each store backend (DuckDB today)."""

import pandas as pd
import pytest

from ringgraph import model as m
from ringgraph.store import DuckDBStore, StoreError

BACKENDS = ["duckdb"]


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    if request.param == "duckdb":
        s = DuckDBStore(tmp_path / "s.duckdb")
    yield s
    s.close()


def _frames():
    nodes = pd.DataFrame([
        (m.COMPLAINT, "C1", "C1", "{}", "a.csv", 1, "2025-01-01 00:00:00"),
        (m.COMPLAINT, "C2", "C2", "{}", "a.csv", 2, None),
        (m.PHONE, "+8613800000001", "+8613800000001", '{"kind":"mobile"}', "a.csv", 1, None),
        (m.DEVICE, "dev", "dev", "{}", "a.csv", 2, None),
        (m.PERSON, "P1", "张三", "{}", "a.csv", 1, None),
    ], columns=list(m.NODE_COLUMNS))
    edges = pd.DataFrame([
        (m.CONTACT, m.COMPLAINT, "C1", m.PHONE, "+8613800000001", "", "{}", "a.csv", 1, None),
        (m.CONTACT, m.COMPLAINT, "C2", m.PHONE, "+8613800000001", "", "{}", "a.csv", 2, None),
        (m.SUBMITTED_FROM, m.COMPLAINT, "C2", m.DEVICE, "dev", "", "{}", "a.csv", 2, None),
        (m.FILED, m.PERSON, "P1", m.COMPLAINT, "C1", "", "{}", "a.csv", 1, None),
    ], columns=list(m.EDGE_COLUMNS))
    return nodes, edges


def test_write_is_idempotent_and_first_provenance_wins(store):
    nodes, edges = _frames()
    s1 = store.write(nodes, edges)
    assert (s1.nodes_added, s1.edges_added) == (5, 4)
    later = nodes.assign(source="b.csv", row=99)
    s2 = store.write(later, edges.assign(source="b.csv"))
    assert (s2.nodes_added, s2.edges_added) == (0, 0)
    assert set(store.nodes()["source"]) == {"a.csv"}
    assert store.counts() == {m.COMPLAINT: 2, m.DEVICE: 1, m.PERSON: 1, m.PHONE: 1,
                              m.CONTACT: 2, m.FILED: 1, m.SUBMITTED_FROM: 1}


def test_neighbourhood_hops(store):
    store.write(*_frames())
    n1, e1 = store.neighbourhood(m.COMPLAINT, "C1", 1)
    assert set(n1["key"]) == {"C1", "+8613800000001", "P1"} and len(e1) == 2
    n2, _ = store.neighbourhood(m.COMPLAINT, "C1", 2)
    assert set(n2["key"]) == {"C1", "C2", "+8613800000001", "P1"}
    n3, e3 = store.neighbourhood(m.COMPLAINT, "C1", 3)
    assert "dev" in set(n3["key"]) and len(e3) == 4


def test_lookup_and_property(store):
    store.write(*_frames())
    assert store.lookup("张三")["key"].tolist() == ["P1"]
    assert store.node_property(m.PHONE, "kind").to_dict() == {"+8613800000001": "mobile"}


def test_labels_and_types_only_from_model(store):
    nodes, edges = _frames()
    with pytest.raises(ValueError, match="unknown node label"):
        store.write(nodes.assign(label="Evil`) DETACH DELETE n"), edges.iloc[:0])
    with pytest.raises(ValueError, match="outside the model"):
        store.write(nodes, edges.assign(rel="PAID"))
    with pytest.raises(ValueError):
        store.nodes("Nope")


def test_crash_between_nodes_and_edges_leaves_store_unchanged(store, monkeypatch):
    if not isinstance(store, DuckDBStore):
        pytest.skip("fault injection written for DuckDB")
    nodes, edges = _frames()
    real = store._insert
    calls = []

    def crash_on_edges(sql, frame, task=None):
        calls.append(sql)
        if "INTO edges" in sql:
            raise RuntimeError("simulated crash")
        return real(sql, frame, task)

    monkeypatch.setattr(store, "_insert", crash_on_edges)
    with pytest.raises(RuntimeError):
        store.write(nodes, edges)
    monkeypatch.undo()
    assert len(calls) == 2 and store.counts() == {}
    assert store.write(nodes, edges).nodes_added == 5


def test_fingerprint_tracks_content(store):
    f0 = store.fingerprint()
    store.write(*_frames())
    f1 = store.fingerprint()
    store.write(*_frames())
    assert f0 != f1 and store.fingerprint() == f1


def test_duckdb_missing_store_and_foreign_file(tmp_path):
    with pytest.raises(StoreError, match="ringgraph ingest"):
        DuckDBStore(tmp_path / "none.duckdb", read_only=True)
    import duckdb

    con = duckdb.connect(str(tmp_path / "other.duckdb"))
    con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")
    con.execute("INSERT INTO meta VALUES ('schema_version', '999')")
    con.close()
    with pytest.raises(StoreError, match="schema"):
        DuckDBStore(tmp_path / "other.duckdb")
