"""The slice end to end on a small simulated scenario: simulate → ingest → detect → evaluate."""

import json

import pandas as pd
import pytest

from ringgraph.cli import main


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory):
    root = tmp_path_factory.mktemp("e2e")
    scen, db, res = root / "scenario", root / "g.duckdb", root / "results"
    assert main(["simulate", "--complaints", "3000", "--seed", "101", "--out", str(scen)]) == 0
    assert main(["ingest", str(scen), "--db", str(db)]) == 0
    assert main(["detect", "--db", str(db), "--out", str(res)]) == 0
    return root, scen, db, res


def test_every_record_accounted_for(pipeline):
    root, scen, db, _ = pipeline
    report = json.loads((root / "g_ingest_report.json").read_text(encoding="utf-8"))
    for f in report["files"]:
        assert f["error"] == ""
        assert f["records"] == f["loaded"] + f["duplicates"] + f["quarantined"], f["source"]
    truth = pd.read_csv(scen / "truth" / "complaints.csv", dtype=str, keep_default_na=False)
    bad = pd.read_csv(scen / "truth" / "bad_rows.csv", dtype=str, keep_default_na=False)
    must_quarantine = bad[bad["expected"] == "quarantine"]
    assert report["totals"]["quarantined"] >= len(must_quarantine)
    from ringgraph.store import DuckDBStore

    with DuckDBStore(db, read_only=True) as store:
        loaded = set(store.nodes("Complaint")["key"])
        q = store.table("quarantine")
    # Every genuine complaint id of the ground truth is in the graph unless its only copy
    # was quarantined.
    quarantined_ids = set(must_quarantine["complaint_id"])
    missing = set(truth["complaint_id"]) - loaded - quarantined_ids
    assert not missing, sorted(missing)[:5]
    got = set(zip(q["source"], q["row"].astype(str)))
    want = set(zip(must_quarantine["file"].str.removeprefix("exports/"), must_quarantine["row"]))
    assert want <= got, sorted(want - got)[:5]


def test_rings_csv_and_reasons(pipeline):
    _, _, _, res = pipeline
    rings = pd.read_csv(res / "rings.csv", dtype=str)
    assert list(rings.columns) == ["complaint_id", "ring_id", "score"]
    assert rings["ring_id"].nunique() >= 3
    result = json.loads((res / "rings.json").read_text(encoding="utf-8"))
    flagged = [r for r in result["rings"] if r["flagged"]]
    assert flagged and all(r["reasons"] for r in flagged)
    for r in flagged:
        for reason in r["reasons"]:
            assert reason["zh"] and reason["en"]
    assert result["versions"]["ringgraph"] and result["graph_fingerprint"]
    assert result["params"]["seed"] == 0


def test_evaluate_reports_metrics(pipeline, capsys):
    _, scen, _, res = pipeline
    capsys.readouterr()
    assert main(["evaluate", "--truth", str(scen), "--rings", str(res / "rings.csv"),
                 "--json"]) == 0
    metrics = json.loads(capsys.readouterr().out)
    assert set(metrics) >= {"precision", "recall", "f1", "ari"}
    # A first slice, but it must find most planted rings and few false ones.
    assert metrics["recall"] >= 0.6 and metrics["precision"] >= 0.6, metrics


def test_same_input_same_rings_byte_identical(pipeline, tmp_path):
    _, _, db, res = pipeline
    assert main(["detect", "--db", str(db), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "rings.csv").read_bytes() == (res / "rings.csv").read_bytes()
    assert (tmp_path / "rings.json").read_bytes() == (res / "rings.json").read_bytes()


def test_reingest_is_idempotent(pipeline, tmp_path):
    _, scen, db, _ = pipeline
    from ringgraph.store import DuckDBStore

    with DuckDBStore(db, read_only=True) as s:
        before = s.fingerprint()
    assert main(["ingest", str(scen), "--db", str(db), "--report",
                 str(tmp_path / "r.json")]) == 0
    rep = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert rep["totals"]["loaded"] == 0 and rep["nodes_added"] == 0
    with DuckDBStore(db, read_only=True) as s:
        assert s.fingerprint() == before


EXPECTED_REASON = {
    "empty_name": "NAME_MISSING", "future_date": "DATE_FUTURE", "id_checksum": "ID_CHECKSUM",
    "impossible_date": "DATE_INVALID", "invalid_phone": "PHONE_INVALID",
    "non_numeric_amount": "AMOUNT_INVALID", "unparseable_date": "DATE_UNPARSEABLE",
    "empty_id": "ID_MISSING", "id_conflict": "DUPLICATE_ID_CONFLICT",
    "too_many_columns": "ROW_FIELD_COUNT", "empty_account": "REQUIRED_MISSING",
}


def test_planted_defects_found_exactly(pipeline):
    """Each planted bad row gets exactly the expected outcome, and no clean row is touched."""
    _, scen, db, _ = pipeline
    from ringgraph.store import DuckDBStore

    bad = pd.read_csv(scen / "truth" / "bad_rows.csv", dtype=str, keep_default_na=False)
    bad["file"] = bad["file"].str.removeprefix("exports/")
    bad["row"] = bad["row"].astype(int)
    with DuckDBStore(db, read_only=True) as store:
        issues = store.table("field_issues")
        quarantine = store.table("quarantine")
    want_issues = {(r.file, r.row, r.field, EXPECTED_REASON[r.kind])
                   for r in bad[bad["expected"] == "field"].itertuples()}
    got_issues = set(zip(issues["source"], issues["row"], issues["field"], issues["reason"]))
    assert got_issues == want_issues
    want_q = {(r.file, r.row, EXPECTED_REASON[r.kind])
              for r in bad[bad["expected"] == "quarantine"].itertuples()}
    got_q = set(zip(quarantine["source"], quarantine["row"], quarantine["reason"]))
    assert got_q == want_q
