"""The verdict loop on the Neo4j store (real server, tests/neo4j_fixtures.py): stable ids,
a dismissed ring kept quiet until new evidence, verdicts and ids in bookkeeping nodes."""

import pytest

from etl.ingest import ingest
from ringgraph.analysis.pipeline import detect_rings
from ringgraph.analysis.verdicts import record_verdict
from ringgraph.store import DuckDBStore
from simulator import ScenarioConfig, simulate
from verdict_fixtures import clone_members, copy_store


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    root = tmp_path_factory.mktemp("neo4j-verdicts")
    simulate(ScenarioConfig(complaints=1500, seed=3), root / "scenario")
    with DuckDBStore(root / "g.duckdb") as store:
        ingest([root / "scenario" / "exports"], store)
    return root / "g.duckdb"


def test_dismiss_then_new_evidence_on_neo4j(neo4j, reference):
    with neo4j.store() as store:
        copy_store(reference, store)
        first = detect_rings(store, track=True)
        again = detect_rings(store, track=True)
        assert [r.ring_id for r in first.rings] == [r.ring_id for r in again.rings]
        ring = first.flagged()[0]
        record_verdict(store, first, ring.ring_id, "dismissed", note="正常代理", by="王敏",
                       at="2026-12-01T09:00:00+00:00")
        second = detect_rings(store, track=True)
        quiet = second.ring(ring.ring_id)
        assert not quiet.flagged and quiet.reasons[0]["code"] == "verdict_dismissed"
        assert "Dismissed by 王敏" in quiet.reasons[0]["en"]
        clone_members(store, ring)
        third = detect_rings(store, track=True)
        back = third.ring(ring.ring_id)
        assert back.flagged and back.reasons[0]["code"] == "new_since_dismissal"
        assert "3 new complaints" in back.reasons[0]["en"]
        v = store.verdicts()
        ids = store.ring_ids()
    assert list(v["verdict"]) == ["dismissed"] and v.loc[0, "reviewer"] == "王敏"
    assert ids["ring_id"].is_unique and set(ids["ring_id"]) >= {r.ring_id for r in third.rings}
    # Bookkeeping nodes are not graph nodes: the projection and node reads never see them.
    with neo4j.store(read_only=True) as store:
        assert "_Verdict" not in set(store.nodes()["label"])
