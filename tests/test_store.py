"""Store contract: every test taking ``store`` runs against each backend.

``duckdb`` is a fresh file per test; ``neo4j`` is the test session's real Neo4j server
(started by ``tests/neo4j_fixtures.py`` unless ``NEO4J_URI`` points at one) with its
database emptied before each test.
"""

import pandas as pd
import pytest

from ringgraph.core import model as m
from ringgraph.store import DuckDBStore, StoreError

BACKENDS = ["duckdb", "neo4j"]


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    """A clean store of each backend (the one fixture the whole contract suite uses)."""
    if request.param == "duckdb":
        s = DuckDBStore(tmp_path / "s.duckdb")
    else:
        # Looked up lazily so a DuckDB-only selection (-k duckdb) starts no server.
        server = request.getfixturevalue("neo4j")
        s = server.store()
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


def test_crash_between_nodes_and_edges_then_rerun_completes(store, monkeypatch):
    """A write that dies after the nodes: DuckDB rolls the whole write back (one
    transaction); Neo4j keeps the committed node batches. Either way, running the write
    again ends with exactly the graph of an uninterrupted write."""
    nodes, edges = _frames()
    name = "_insert" if store.name == "duckdb" else "_write_batches"
    real = getattr(store, name)
    calls = []

    def crash_on_edges(sql, frame, *args, **kw):
        calls.append(sql)
        if "INTO edges" in sql or "MERGE (a)-" in sql:
            raise RuntimeError("simulated crash")
        return real(sql, frame, *args, **kw)

    monkeypatch.setattr(store, name, crash_on_edges)
    with pytest.raises(RuntimeError):
        store.write(nodes, edges)
    monkeypatch.undo()
    if store.name == "duckdb":
        assert len(calls) == 2 and store.counts() == {}
        assert store.write(nodes, edges).nodes_added == 5
    else:
        assert store.counts() == {m.COMPLAINT: 2, m.DEVICE: 1, m.PERSON: 1, m.PHONE: 1}
        assert store.write(nodes, edges).edges_added == 4
    assert store.counts() == {m.COMPLAINT: 2, m.DEVICE: 1, m.PERSON: 1, m.PHONE: 1,
                              m.CONTACT: 2, m.FILED: 1, m.SUBMITTED_FROM: 1}


def test_fingerprint_tracks_content(store):
    f0 = store.fingerprint()
    store.write(*_frames())
    f1 = store.fingerprint()
    store.write(*_frames())
    assert f0 != f1 and store.fingerprint() == f1


def _bookkeeping(source="a.csv"):
    q = pd.DataFrame([(source, 3, "ID_MISSING", "complaint_id", "complaint_id is empty",
                       '{"name": "王五"}')], columns=["source", "row", "reason", "field",
                                                     "message", "raw"])
    fi = pd.DataFrame([(source, 2, "phone", "PHONE_INVALID", "bad phone"),
                       (source, 2, "at", "DATE_INVALID", "bad date")],
                      columns=["source", "row", "field", "reason", "message"])
    d = pd.DataFrame([(source, 7, "C1", "a.csv", 1)],
                     columns=["source", "row", "record_id", "kept_source", "kept_row"])
    r = pd.DataFrame([("complaint", "C2", "ff00", source, 2), ("complaint", "C1", "ee11", source, 1)],
                     columns=["kind", "record_id", "content_hash", "source", "row"])
    return q, fi, d, r


def test_bookkeeping_is_idempotent_sorted_and_first_wins(store):
    store.write_bookkeeping(*_bookkeeping())
    store.write_bookkeeping(*_bookkeeping())
    later = [f.assign(**{c: "changed" for c in ("message", "content_hash", "record_id")
                        if c in f.columns and c != "record_id"}) for f in _bookkeeping()]
    store.write_bookkeeping(*later)
    assert store.table("quarantine")[["source", "row", "message"]].values.tolist() == [
        ["a.csv", 3, "complaint_id is empty"]]
    assert store.table("field_issues")["field"].tolist() == ["at", "phone"]
    assert store.table("duplicates")["kept_row"].tolist() == [1]
    recs = store.table("records")
    assert recs["record_id"].tolist() == ["C1", "C2"] and recs["content_hash"].tolist() == [
        "ee11", "ff00"]
    assert store.table("runs").empty
    store.record_run('{"run": "first"}')
    store.record_run('{"run": "second"}')
    runs = store.table("runs")
    assert runs["run"].tolist() == [1, 2] and runs["report"].tolist()[1] == '{"run": "second"}'
    with pytest.raises(ValueError, match="unknown table"):
        store.table("nodes")


def test_empty_store_reads(store):
    assert store.counts() == {} and store.nodes().empty and store.edges().empty
    assert list(store.nodes().columns) == list(m.NODE_COLUMNS)
    assert list(store.edges().columns) == list(m.EDGE_COLUMNS)
    assert store.lookup("x").empty
    n, e = store.neighbourhood(m.COMPLAINT, "nope", 2)
    assert n.empty and e.empty


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


# ------------------------------------------------------------ same values in both stores
def _gappy_frames():
    """Frames as pandas hands them over: missing values as None, NaN, NaT and pd.NA."""
    nodes, edges = _frames()
    nodes = nodes.astype(object)
    nodes.loc[0, "at"], nodes.loc[1, "at"], nodes.loc[2, "at"] = float("nan"), pd.NaT, pd.NA
    nodes.loc[3, "name"], nodes.loc[4, "source"] = float("nan"), None
    edges = edges.astype(object)
    edges.loc[0, "at"], edges.loc[1, "at"], edges.loc[2, "eid"] = pd.NaT, float("nan"), ""
    edges.loc[3, "source"] = float("nan")
    # And as a pandas 3 text column: None becomes NaN on construction.
    edges["at"] = pd.array(list(edges["at"].where(edges["at"].notna(), None)), dtype="str")
    return nodes, edges


NULLS_NEO4J = """
CALL { MATCH (n:`{ns}`) WHERE NOT n:`_Meta`
       RETURN count(CASE WHEN n.at IS NULL THEN 1 END) AS node_at,
       count(CASE WHEN n.name IS NULL THEN 1 END) AS node_name,
       count(CASE WHEN n.source IS NULL THEN 1 END) AS node_source }
CALL { MATCH (:`{ns}`)-[e]->(:`{ns}`) RETURN count(CASE WHEN e.at IS NULL THEN 1 END) AS edge_at,
       count(CASE WHEN e.source IS NULL THEN 1 END) AS edge_source }
RETURN node_at, node_name, node_source, edge_at, edge_source
"""
NULLS_DUCKDB = """
SELECT (SELECT count(*) FILTER (WHERE "at" IS NULL) FROM nodes),
       (SELECT count(*) FILTER (WHERE name IS NULL) FROM nodes),
       (SELECT count(*) FILTER (WHERE source IS NULL) FROM nodes),
       (SELECT count(*) FILTER (WHERE "at" IS NULL) FROM edges),
       (SELECT count(*) FILTER (WHERE source IS NULL) FROM edges)
"""
NAN_NEO4J = ("MATCH (n:`{ns}`) OPTIONAL MATCH (n)-[e]->() "
             "WITH [x IN [n.at, n.name, n.source, n.row, e.at, e.source, e.row] "
             "WHERE x <> x OR toString(x) IN ['NaN', 'nan', 'NaT', '<NA>', 'None']] AS bad "
             "RETURN sum(size(bad))")


def test_same_values_in_both_stores_missing_is_null(neo4j, tmp_path):
    """Property values, not only counts: the same frames give the same values read back and
    the same NULLs inside each database (Cypher ``IS NULL`` as SQL ``IS NULL``), no NaN."""
    nodes, edges = _gappy_frames()
    with neo4j.store() as neo, DuckDBStore(tmp_path / "d.duckdb") as duck:
        neo.write(nodes, edges)
        duck.write(nodes, edges)
        for a, b in ((neo.nodes(), duck.nodes()), (neo.edges(), duck.edges())):
            pd.testing.assert_frame_equal(a.astype(object).where(a.notna(), None),
                                          b.astype(object).where(b.notna(), None))
        ns = neo.conn.namespace
        in_neo = neo._read(NULLS_NEO4J.replace("{ns}", ns))[0]
        in_duck = list(duck.con.execute(NULLS_DUCKDB).fetchall()[0])
        assert in_neo == in_duck and in_duck == [5, 1, 1, 4, 1]
        assert neo._read(NAN_NEO4J.replace("{ns}", ns))[0][0] == 0
        for label in (m.COMPLAINT, m.PHONE):
            a, b = neo.node_property(label, "kind"), duck.node_property(label, "kind")
            assert a.where(a.notna(), None).to_dict() == b.where(b.notna(), None).to_dict()
