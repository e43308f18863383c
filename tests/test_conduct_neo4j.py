"""The Neo4j store keeps calls as aggregated relationships and triages like DuckDB."""

from __future__ import annotations

import pandas as pd

from call_fixtures import MOTHER, OTHER, call, complaint, write_calls
from conftest import write_tickets
from etl.ingest import ingest
from ringgraph.analysis.conduct.triage import conduct
from ringgraph.store import DuckDBStore


def _exports(tmp_path):
    calls = [call(1, "2025-03-01 23:10", number=MOTHER), call(2, "2025-03-01 10:00"),
             call(3, "2025-03-01 11:00"), call(4, "2025-03-01 12:00", duration=""),
             call(5, "2025-03-01T05:00:00Z", relation="本人"),
             call(6, "2025-03-02 10:00", agency="乙公司", collector="B1", relation="同事"),
             call(7, "2025-03-02 10:00", account="6222000000001111", debtor=OTHER)]
    d = tmp_path / "exports"
    d.mkdir()
    write_calls(d / "calls.csv", calls)
    write_tickets(d / "tickets.csv", [
        complaint(text="一天打了十几个电话，半夜还打给我妈"),
        complaint(2, id_number=OTHER, loan_account="", text="爆通讯录"),
        complaint(3, id_number="", loan_account="", text="半夜打电话")])
    return d


def test_neo4j_triage_equals_duckdb(tmp_path, neo4j):
    d = _exports(tmp_path)
    with DuckDBStore(tmp_path / "s.duckdb") as duck:
        ingest([d], duck)
        want = conduct(duck)
        want_calls = duck.calls()
    with neo4j.store() as store:
        ingest([d], store)
        again = ingest([d], store)            # idempotent: nothing new
        got = conduct(store)
        got_calls = store.calls()
        rels = store._read("MATCH (:`%s`)-[e:COLLECTION_CALLS]->(a) RETURN a.key, e.day, "
                           "e.calls, e.night, e.third_party ORDER BY a.key, e.day, e.calls"
                           % store.cypher.key("_Debtor"))
        counts = store.counts()
    assert again.files[0].loaded + again.files[1].loaded == 0
    pd.testing.assert_frame_equal(got_calls, want_calls)
    pd.testing.assert_frame_equal(got.triage, want.triage)
    pd.testing.assert_frame_equal(got.agencies, want.agencies)
    assert set(want.triage["status"]) == {"supported", "unsupported", "no_logs"}
    # One relationship per debtor, agency, loan and Shanghai day, with its counts.
    assert sorted(map(tuple, rels)) == [("乙公司", "2025-03-02", 1, 0, 1),
                                        ("甲催收公司", "2025-03-01", 5, 1, 0),
                                        ("甲催收公司", "2025-03-02", 1, 0, 0)]
    assert "Debtor" not in str(counts) and "COLLECTION_CALLS" not in counts


def test_neo4j_detect_scores_scripted_grievances_like_duckdb(tmp_path, neo4j):
    """Detection on Neo4j reads the call logs too: same rings, points and reasons."""
    from ringgraph.analysis.pipeline import detect_rings
    from ringgraph.cli import main

    scen = tmp_path / "scen"
    assert main(["simulate", "-n", "600", "-s", "223", "--call-logs", "-o", str(scen)]) == 0
    with DuckDBStore(tmp_path / "s.duckdb") as duck:
        ingest([scen / "exports"], duck)
        want = detect_rings(duck, "leiden")
        n_calls = duck.call_count()
    with neo4j.store() as store:
        ingest([scen / "exports"], store)
        got = detect_rings(store, "leiden")
        assert store.call_count() == n_calls > 0
    assert "scripted" in got.scoring and got.scoring == want.scoring
    assert [(r.complaint_ids, r.score, r.points, r.reasons) for r in got.rings] == \
        [(r.complaint_ids, r.score, r.points, r.reasons) for r in want.rings]
    assert any("scripted_borrowers" in r.features for r in got.rings)
