"""The verdict loop on a real DuckDB store: stable ring ids across runs, verdicts that
survive re-ingest and change the next detection, the review CLI."""

import json

import pandas as pd
import pytest

from etl.ingest import ingest
from ringgraph.analysis.lineage import ID_PATTERN
from ringgraph.analysis.pipeline import detect_rings
from ringgraph.analysis.verdicts import record_verdict
from ringgraph.cli import main
from ringgraph.store import DuckDBStore
from simulator import ScenarioConfig, simulate
from verdict_fixtures import clone_members, copy_store

N_COMPLAINTS = 2000


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    root = tmp_path_factory.mktemp("verdicts")
    simulate(ScenarioConfig(complaints=N_COMPLAINTS, seed=31), root / "scenario")
    full = root / "full.duckdb"
    with DuckDBStore(full) as store:
        ingest([root / "scenario" / "exports"], store)
    return root, full


def ids(result):
    return {r.ring_id: set(r.complaint_ids) for r in result.rings}


def test_unchanged_data_keeps_every_ring_id(scenario, tmp_path):
    _, full = scenario
    copy_store(full, tmp_path / "g.duckdb")
    with DuckDBStore(tmp_path / "g.duckdb") as store:
        first = detect_rings(store, track=True)
        second = detect_rings(store, track=True)
        registry = store.ring_ids()
    assert len(first.rings) >= 3
    assert all(ID_PATTERN.match(r.ring_id) for r in first.rings)
    assert ids(first) == ids(second)
    assert {r.lineage["status"] for r in first.rings} == {"new"}
    # Unchanged rings keep the lineage of their last change: same data, same output.
    assert [r.lineage for r in second.rings] == [r.lineage for r in first.rings]
    assert [r.ring_id for r in first.rings] == [r.ring_id for r in second.rings]
    assert registry["active"].all() and len(registry) == len(first.rings)


def test_ten_percent_new_complaints_keep_ids_of_rings_that_changed_little(scenario, tmp_path):
    _, full = scenario
    db = tmp_path / "g.duckdb"
    later_nodes, later_edges = copy_store(full, db, drop_share=0.10, seed=3)
    assert 0.07 * N_COMPLAINTS < len(later_nodes) < 0.13 * N_COMPLAINTS
    with DuckDBStore(db) as store:
        before = detect_rings(store, track=True)
        store.write(later_nodes, later_edges)
        after = detect_rings(store, track=True)
        registry = store.ring_ids()
    b, a = ids(before), ids(after)
    grown = [r for r in after.rings if r.ring_id in b and set(r.complaint_ids) != b[r.ring_id]]
    assert grown and all(r.lineage["status"] in ("continued", "merged")
                         and r.lineage["previous"] == r.ring_id for r in grown)
    assert all(r.lineage["added"] == len(set(r.complaint_ids) - b[r.ring_id]) for r in grown)
    kept = 0
    for old_id, old in b.items():
        for new_id, new in a.items():
            if len(old & new) / len(old | new) > 0.5:
                assert new_id == old_id, (old_id, new_id, len(old), len(new))
                kept += 1
    assert kept >= 0.8 * len(b)
    # Ids are never reissued: every id ever given is in the registry exactly once.
    assert registry["ring_id"].is_unique
    assert set(a) | set(b) <= set(registry["ring_id"])
    gone = registry[~registry["active"]]
    assert set(gone["ring_id"]) == set(b) - set(a)


def test_dismissed_ring_stays_quiet_until_new_evidence(scenario, tmp_path):
    _, full = scenario
    db = tmp_path / "g.duckdb"
    copy_store(full, db)
    with DuckDBStore(db) as store:
        first = detect_rings(store, track=True)
        ring = first.flagged()[0]
        record_verdict(store, first, ring.ring_id, "dismissed", note="律所正常代理",
                       by="王敏", at="2026-12-01T09:00:00+00:00")
        second = detect_rings(store, track=True)
        again = second.ring(ring.ring_id)
        assert set(again.complaint_ids) == set(ring.complaint_ids)
        assert not again.flagged and again not in second.flagged()
        assert again.reasons[0]["code"] == "verdict_dismissed"
        assert "Dismissed by 王敏 on 2026-12-01" in again.reasons[0]["en"]
        assert "排除" in again.reasons[0]["zh"]
        assert again.verdict["suppressed"] is True
        # Other flagged rings are untouched.
        assert len(second.flagged()) == len(first.flagged()) - 1

        clone_members(store, ring)
        third = detect_rings(store, track=True)
    back = third.ring(ring.ring_id)
    assert back.flagged
    assert back.reasons[0]["code"] == "new_since_dismissal"
    assert back.verdict["new_complaints"] == ["NEW-0", "NEW-1", "NEW-2"]
    assert "3 new complaints" in back.reasons[0]["en"] and "新增 3 起投诉" in back.reasons[0]["zh"]


def test_confirmed_ring_stays_flagged_and_marks_new_complaints(scenario, tmp_path):
    _, full = scenario
    db = tmp_path / "g.duckdb"
    copy_store(full, db)
    with DuckDBStore(db) as store:
        first = detect_rings(store, track=True)
        ring = first.flagged()[-1]
        record_verdict(store, first, ring.ring_id, "confirmed", by="李强")
        clone_members(store, ring, n=2, tag="JOIN")
        second = detect_rings(store, track=True)
    r = second.ring(ring.ring_id)
    assert r.flagged and r.reasons[0]["code"] == "verdict_confirmed"
    assert r.verdict["new_complaints"] == ["JOIN-0", "JOIN-1"]
    assert "2 complaints joined since" in r.reasons[0]["en"]


def test_verdicts_survive_reingest_and_review_cli(scenario, tmp_path, capsys):
    root, full = scenario
    db = tmp_path / "g.duckdb"
    copy_store(full, db)
    res = tmp_path / "res"
    assert main(["detect", "--db", str(db), "--out", str(res)]) == 0
    rings = json.loads((res / "rings.json").read_text(encoding="utf-8"))["rings"]
    flagged = [r for r in rings if r["flagged"]]
    target = flagged[0]["ring_id"]
    assert ID_PATTERN.match(target) and flagged[0]["lineage"]["status"] == "new"
    assert main(["review", target, "--verdict", "dismissed", "--note", "家族代办",
                 "--by", "王敏", "--db", str(db), "--rings", str(res / "rings.json")]) == 0
    assert main(["review", "RG-1999-0001", "--verdict", "confirmed", "--db", str(db),
                 "--rings", str(res / "rings.json")]) == 1
    assert main(["review", target, "--verdict", "maybe", "--db", str(db)]) == 2
    # Re-ingesting the same exports never touches the verdicts.
    with DuckDBStore(db) as store:
        ingest([root / "scenario" / "exports"], store)
    capsys.readouterr()
    assert main(["review", "--list", "--db", str(db)]) == 0
    listed = capsys.readouterr().out
    assert target in listed and "dismissed" in listed and "王敏" in listed
    assert main(["detect", "--db", str(db), "--out", str(res)]) == 0
    again = {r["ring_id"]: r for r in json.loads(
        (res / "rings.json").read_text(encoding="utf-8"))["rings"]}
    assert not again[target]["flagged"]
    assert again[target]["reasons"][0]["code"] == "verdict_dismissed"
    assert target not in set(pd.read_csv(res / "rings.csv")["ring_id"])
