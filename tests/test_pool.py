"""Pooling across lenders (issue 17) on a real simulated multi-lender scenario and real
DuckDB stores: tokens, no personal data in packs, keys, per-lender results, pool-view,
reproducibility; one pooled run on the real Neo4j store."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from conftest import ticket, write_tickets
from etl.ingest import ingest
from ringgraph.analysis.evaluate import load_truth, ring_metrics
from ringgraph.analysis.pipeline import detect_rings
from ringgraph.cli import main
from ringgraph.core import model as m
from ringgraph.core.errors import InputError
from ringgraph.pool.pooled import lender_folder, pool_packs
from ringgraph.pool.share import write_share_pack
from ringgraph.pool.tokens import POOL_KEY_ENV
from ringgraph.pool.view import pooled_rings
from ringgraph.store import DuckDBStore
from simulator import ScenarioConfig, simulate

KEY = "pool-test-key-0123456789abcdefghijklmnop"
OTHER_KEY = "another-consortium-key-0123456789abcdefgh"


@pytest.fixture(scope="module")
def lenders(tmp_path_factory):
    """A 10-lender scenario: each lender's own store and share pack, and the pooled run."""
    work = tmp_path_factory.mktemp("pool")
    scen = work / "scenario"
    simulate(ScenarioConfig(complaints=2000, seed=4, lenders=10), scen)
    stores, packs = {}, []
    for folder in sorted(scen.glob("lender-*")):
        db = work / f"{folder.name}.duckdb"
        with DuckDBStore(db) as store:
            ingest([folder], store)
            manifest = write_share_pack(store, work / f"pack-{folder.name}", KEY)
        stores[manifest["lender"]] = db
        packs.append(work / f"pack-{folder.name}")
    with DuckDBStore(work / "pooled.duckdb") as store:
        pool_packs(packs, store, work / "pooled")
    return {"work": work, "scenario": scen, "stores": stores, "packs": packs,
            "out": work / "pooled"}


def test_same_phone_written_differently_gives_one_token(tmp_path):
    tokens = []
    for i, written in enumerate(["138 1234 5678", "+86-138-1234-5678"]):
        d = tmp_path / f"l{i}"
        d.mkdir()
        write_tickets(d / "t.csv", [ticket(i + 1, complaint_id=f"L{i}-1",
                                           contact_phone=written)])
        with DuckDBStore(tmp_path / f"l{i}.duckdb") as store:
            ingest([d], store)
            write_share_pack(store, tmp_path / f"p{i}", KEY)
        nodes = pd.read_csv(tmp_path / f"p{i}" / "nodes.csv", dtype=str)
        tokens.append(set(nodes.loc[nodes["label"] == m.PHONE, "key"]))
    assert len(tokens[0] & tokens[1]) == 1


def _raw_values(db: Path) -> set[str]:
    """Every personal value of a store in the forms it could be written in."""
    with DuckDBStore(db, read_only=True) as store:
        nodes = store.nodes()
        clear = set(nodes.loc[nodes["label"].isin([m.ORG, m.INSTITUTION, m.DOCUMENT]),
                              "name"].fillna(""))
    out = set()
    for label, key, name in zip(nodes["label"], nodes["key"].astype(str),
                                nodes["name"].fillna("").astype(str)):
        if label == m.PHONE and not key.startswith("svc:"):
            out |= {key, key.removeprefix("+86")}
        elif label == m.PERSON:
            out |= {key.split("|")[0].removeprefix("masked:")} | ({name} if name else set())
        elif label in (m.DEVICE, m.IP, m.ACCOUNT):
            out.add(key)
        elif label == m.AGENT and name:
            out.add(name)
    # A surname-and-name pair that is also part of an organisation's name is not a leak.
    return {v for v in out if len(v) >= 2 and not any(v in c for c in clear)}


def test_no_personal_value_in_any_pack(lenders):
    for pack, db in zip(lenders["packs"], lenders["stores"].values()):
        text = "".join(p.read_text(encoding="utf-8") for p in sorted(pack.iterdir()))
        raw = _raw_values(db)
        assert len(raw) > 50
        leaked = sorted(v for v in raw if v in text)
        assert leaked == [], f"{pack.name}: {len(leaked)} personal values in clear"


def test_short_key_and_mismatched_key_refused(lenders, tmp_path, monkeypatch, capsys):
    db = next(iter(lenders["stores"].values()))
    monkeypatch.setenv(POOL_KEY_ENV, "too-short")
    assert main(["share", "--db", str(db), "--out", str(tmp_path / "p")]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "too short" in err and "too-short" not in err
    with DuckDBStore(db, read_only=True) as store:
        write_share_pack(store, tmp_path / "odd", OTHER_KEY)
    with DuckDBStore(tmp_path / "p.duckdb") as store, pytest.raises(InputError) as exc:
        pool_packs([*lenders["packs"][1:3], tmp_path / "odd"], store, tmp_path / "out")
    assert str(tmp_path / "odd") in str(exc.value) and "different keys" in str(exc.value)


def test_changed_pack_refused(lenders, tmp_path):
    import shutil

    pack = tmp_path / "changed"
    shutil.copytree(lenders["packs"][0], pack)
    with open(pack / "nodes.csv", "a", encoding="utf-8") as fh:
        fh.write("Phone,TEL-0000000000000000,,{},x,1,\n")
    with DuckDBStore(tmp_path / "p.duckdb") as store, pytest.raises(InputError, match="SHA-256"):
        pool_packs([pack], store, tmp_path / "out")


def test_lender_results_hold_no_foreign_ticket(lenders):
    owner = pd.read_csv(lenders["scenario"] / "truth" / "lenders.csv", dtype=str)
    seen = 0
    for lender in lenders["stores"]:
        path = lenders["out"] / lender_folder(lender) / "rings.json"
        text = path.read_text(encoding="utf-8")
        foreign = owner.loc[owner["lender"] != lender, "complaint_id"]
        assert not [c for c in foreign if c in text]
        own = [c["complaint_id"] for r in json.loads(text)["rings"] for c in r["own_complaints"]]
        assert set(own) <= set(owner.loc[owner["lender"] == lender, "complaint_id"])
        seen += len(own)
    pooled = pd.read_csv(lenders["out"] / "rings.csv", dtype=str)
    assert seen == len(pooled) > 0


def test_rings_invisible_alone_are_found_pooled(lenders):
    truth = load_truth(lenders["scenario"])
    pooled = ring_metrics(pd.read_csv(lenders["out"] / "rings.csv", dtype=str), truth)
    assert pooled["f1"] >= 0.8, pooled
    alone = []
    for db in lenders["stores"].values():
        with DuckDBStore(db, read_only=True) as store:
            alone.append(ring_metrics(detect_rings(store, "leiden").labels(), truth))
    assert max(a["f1"] for a in alone) < pooled["f1"]
    assert max(a["matched"] for a in alone) < pooled["matched"]


def test_pool_view_reidentifies_own_members(lenders):
    lender, db = max(lenders["stores"].items(), key=lambda kv: len(json.loads(
        (lenders["out"] / lender_folder(kv[0]) / "rings.json").read_text())["rings"]))
    with DuckDBStore(db, read_only=True) as store:
        views = pooled_rings(store, lenders["out"] / lender_folder(lender) / "rings.json", KEY)
        phones = set(store.nodes(m.PHONE)["key"])
        people = set(store.nodes(m.PERSON)["key"])
    assert views
    for v in views:
        assert (v.own["person"].isin(people)).all() and v.own["text"].str.len().min() > 0
        assert lender not in v.others and sum(v.others.values()) > 0
    linked = [k for v in views for row in v.own["linked_by"] for t, k in row]
    assert any(k in phones for k in linked) or any(k in people for k in linked)
    assert not any(re.match(r"^[A-Z]{2,4}-[0-9a-f]{16}$", k) for k in linked)


def test_pool_view_refuses_another_key(lenders):
    lender, db = next(iter(lenders["stores"].items()))
    with DuckDBStore(db, read_only=True) as store, pytest.raises(InputError, match="another key"):
        pooled_rings(store, lenders["out"] / lender_folder(lender) / "rings.json", OTHER_KEY)


def test_rerun_is_byte_identical(lenders, tmp_path, monkeypatch):
    db = next(iter(lenders["stores"].values()))
    with DuckDBStore(db, read_only=True) as store:
        write_share_pack(store, tmp_path / "again", KEY)
    first = lenders["packs"][0]
    for name in ("nodes.csv", "edges.csv", "manifest.json", "SHA256SUMS"):
        assert (tmp_path / "again" / name).read_bytes() == (first / name).read_bytes()
    monkeypatch.setenv(POOL_KEY_ENV, KEY)
    out = tmp_path / "pooled"
    for _ in range(2):   # the second run rebuilds its own pooled store
        assert main(["pool", *map(str, lenders["packs"]), "--out", str(out)]) == 0
    for path in sorted(lenders["out"].rglob("*.json")) + [lenders["out"] / "rings.csv"]:
        rel = path.relative_to(lenders["out"])
        assert (out / rel).read_bytes() == path.read_bytes(), rel


def test_pool_on_neo4j(lenders, neo4j, tmp_path, monkeypatch):
    for k, v in {**neo4j.env(), POOL_KEY_ENV: KEY}.items():
        monkeypatch.setenv(k, v)
    out = tmp_path / "neo"
    assert main(["pool", *map(str, lenders["packs"]), "--out", str(out),
                 "--store", "neo4j"]) == 0
    assert (out / "rings.csv").read_bytes() == (lenders["out"] / "rings.csv").read_bytes()


def test_pool_view_cli_shows_own_members_masked(lenders, monkeypatch, capsys):
    lender, db = next((k, v) for k, v in lenders["stores"].items() if json.loads(
        (lenders["out"] / lender_folder(k) / "rings.json").read_text())["rings"])
    monkeypatch.setenv(POOL_KEY_ENV, KEY)
    assert main(["pool-view", "--db", str(db), "--result",
                 str(lenders["out"] / lender_folder(lender) / "rings.json")]) == 0
    out = capsys.readouterr().out
    owner = pd.read_csv(lenders["scenario"] / "truth" / "lenders.csv", dtype=str)
    mine = owner.loc[owner["lender"] == lender, "complaint_id"]
    assert "others:" in out and any(c in out for c in mine)
    raw = {v for v in _raw_values(db) if "*" not in v}   # masked at the source already
    assert not [v for v in raw if v in out], "pool-view printed personal data unmasked"


def test_export_of_a_pooled_ring_keeps_other_lenders_as_counts(lenders, tmp_path,
                                                              monkeypatch):
    from ringgraph.evidence import verify_pack

    lender, db = next((k, v) for k, v in lenders["stores"].items() if json.loads(
        (lenders["out"] / lender_folder(k) / "rings.json").read_text())["rings"])
    monkeypatch.setenv(POOL_KEY_ENV, KEY)
    result = lenders["out"] / lender_folder(lender) / "rings.json"
    assert main(["export", "--pooled", str(result), "--ring", "top", "--db", str(db),
                 "--out", str(tmp_path / "case")]) == 0
    assert verify_pack(tmp_path / "case.zip").ok
    ring = json.loads((tmp_path / "case" / "ring.json").read_text(encoding="utf-8"))
    assert "pooled" in json.dumps(ring, ensure_ascii=False)
    owner = pd.read_csv(lenders["scenario"] / "truth" / "lenders.csv", dtype=str)
    foreign = owner.loc[owner["lender"] != lender, "complaint_id"].tolist()
    for path in (tmp_path / "case").iterdir():
        if path.suffix in (".csv", ".json", ".html", ".graphml"):
            text = path.read_text(encoding="utf-8")
            assert not [c for c in foreign if c in text], path.name


def test_bad_packs_and_clashing_tickets_are_one_line_errors(lenders, tmp_path, monkeypatch,
                                                           capsys):
    monkeypatch.setenv(POOL_KEY_ENV, KEY)
    (tmp_path / "notapack").mkdir()
    assert main(["pool", str(tmp_path / "notapack"), "--out", str(tmp_path / "o1")]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "not a share pack" in err
    db = next(iter(lenders["stores"].values()))
    assert main(["share", "--db", str(db), "--out", str(tmp_path / "twin"),
                 "--institution", "某某孪生银行"]) == 0
    capsys.readouterr()
    assert main(["pool", str(lenders["packs"][0]), str(tmp_path / "twin"),
                 "--out", str(tmp_path / "o2")]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "ticket ids also shared by" in err
    assert not (tmp_path / "o2" / "pooled.duckdb").exists()   # nothing half-made left
