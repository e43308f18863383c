"""Shared fixtures of the evidence-pack tests: a simulated scenario whose planted ring has
script-injection payloads in its complaint texts, ingested into a real DuckDB store and
detected once per session, and packs of that ring in each PII mode."""

from __future__ import annotations

import csv
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from etl.ingest import ingest
from simulator import ScenarioConfig, simulate
from ringgraph.core import model as m
from ringgraph.analysis.detect import get_detector
from ringgraph.evidence import export_pack
from ringgraph.analysis.project import project
from ringgraph.analysis.pipeline import find_rings, identifier_names
from ringgraph.store import DuckDBStore

PLANTED = "R0003"  # two_company_fee: two organisations, fees to shared accounts
KEY = "test-pseudonym-key-0123456789"
OTHER_KEY = "another-pseudonym-key-987654"
PAYLOADS = (
    '<script>document.title="pwned-script";window.__pwned="script";alert(1)</script>',
    '<img src=x onerror="document.title=\'pwned-img\';window.__pwned=\'img\';alert(2)">',
    '</script><script>window.__pwned="breakout";alert(3)</script><!--',
    '"><svg onload="window.__pwned=\'svg\';alert(4)">',
    '=HYPERLINK("http://example.invalid/x","点此")',
)


def read_csv(path: Path) -> pd.DataFrame:
    """A pack table (UTF-8 with BOM) as strings."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


@pytest.fixture(scope="session")
def scenario(tmp_path_factory):
    d = tmp_path_factory.mktemp("evidence")
    simulate(ScenarioConfig(complaints=1500, seed=11), d / "s")
    truth = pd.read_csv(d / "s" / "truth" / "complaints.csv", dtype=str, keep_default_na=False)
    planted = set(truth.loc[truth["ring_id"] == PLANTED, "complaint_id"])

    # Hostile complaint texts, written into the raw export the way an attacker would.
    bank = d / "s" / "exports" / "bank_tickets.csv"
    with open(bank, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    head = rows[0]
    cid, text = head.index("工单编号"), head.index("投诉内容")
    hit = 0
    for r in rows[1:]:
        if len(r) == len(head) and r[cid] in planted:
            r[text] = PAYLOADS[hit % len(PAYLOADS)] + r[text]
            hit += 1
    assert hit >= len(PAYLOADS)
    with open(bank, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)

    db = d / "g.duckdb"
    with DuckDBStore(db) as store:
        ingest([d / "s"], store)
        graph = project(store)
        result = find_rings(graph, get_detector("leiden", seed=0),
                            names=identifier_names(store), data_fingerprint=store.fingerprint())
        edges = store.edges()
        nodes = store.nodes()
    result.write(d / "results")
    ring = max(result.rings, key=lambda r: len(planted & set(r.complaint_ids))
               / len(planted | set(r.complaint_ids)))
    members = set(ring.complaint_ids)
    filed = edges[(edges["rel"] == m.FILED) & edges["dst_key"].isin(members)]
    borrowers = set(filed["src_key"])
    agents = set(edges.loc[(edges["rel"] == m.REPRESENTED_BY) & edges["src_key"].isin(members),
                           "dst_key"])
    people = nodes[(nodes["label"] == m.PERSON) & nodes["key"].isin(borrowers)
                   | (nodes["label"] == m.AGENT) & nodes["key"].isin(agents)]
    phones = set(edges.loc[edges["rel"].isin([m.CONTACT, m.HAS_PHONE])
                           & (edges["src_key"].isin(members | borrowers | agents)), "dst_key"])
    orgs = set(edges.loc[(edges["rel"] == m.VIA_ORG) & edges["src_key"].isin(members),
                         "dst_key"])
    org_names = nodes.loc[(nodes["label"] == m.ORG) & nodes["key"].isin(orgs), "name"].tolist()
    return SimpleNamespace(dir=d, db=db, result=result, ring=ring, planted=planted,
                           borrowers=borrowers, people=people, phones=phones,
                           org_names=org_names, payloads_in=hit)


def export(sc, mode: str, name: str, key: str | None = None) -> Path:
    """Export the scenario's ring into ``packs/<name>`` (store opened read-only)."""
    with DuckDBStore(sc.db, read_only=True) as store:
        return export_pack(store, sc.result, sc.ring.ring_id, sc.dir / "packs" / name,
                           pii=mode, key=key)


@pytest.fixture(scope="session")
def packs(scenario):
    return {
        "full": export(scenario, "full", "full"),
        "masked": export(scenario, "masked", "masked"),
        "pseudo": export(scenario, "pseudonymised", "pseudo", key=KEY),
    }


