"""Case linking: held-out complaints of planted rings link to the right known ring."""

import csv
import json

import pandas as pd
import pytest

from ringgraph.cli import main


@pytest.fixture(scope="module")
def split_scenario(tmp_path_factory):
    root = tmp_path_factory.mktemp("link")
    scen = root / "scenario"
    assert main(["simulate", "--complaints", "3000", "--seed", "202", "--out", str(scen)]) == 0
    truth = pd.read_csv(scen / "truth" / "complaints.csv", dtype=str, keep_default_na=False)
    src = scen / "exports" / "bank_tickets.csv"
    with open(src, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    header, body = rows[0], rows[1:]
    ring_ids = set(truth.loc[truth["ring_id"] != "", "complaint_id"])
    # Hold out every 4th ring complaint and every 20th genuine one of the bank export.
    held, kept, n_ring, n_gen = [], [], 0, 0
    for r in body:
        if r[0] in ring_ids:
            n_ring += 1
            (held if n_ring % 4 == 0 else kept).append(r)
        else:
            n_gen += 1
            (held if n_gen % 20 == 0 else kept).append(r)
    for path, part in ((src, kept), (root / "new" / "later_tickets.csv", held)):
        path.parent.mkdir(exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh).writerows([header] + part)
    db = root / "g.duckdb"
    assert main(["ingest", str(scen), "--db", str(db)]) == 0
    assert main(["detect", "--db", str(db), "--out", str(root / "res")]) == 0
    assert main(["link", str(root / "new"), "--db", str(db), "--rings",
                 str(root / "res" / "rings.json")]) == 0
    links = pd.read_csv(root / "res" / "links.csv", dtype=str, keep_default_na=False)
    return root, truth, links, {r[0] for r in held}


def test_every_held_out_complaint_reported(split_scenario):
    _, _, links, held = split_scenario
    assert set(links["complaint_id"]) == {h for h in held if h}


def test_held_out_ring_complaints_link_to_their_ring(split_scenario):
    root, truth, links, _ = split_scenario
    result = json.loads((root / "res" / "rings.json").read_text(encoding="utf-8"))
    t = truth.set_index("complaint_id")["ring_id"]
    # Which true ring each predicted ring stands for (its majority).
    predicted_true = {r["ring_id"]: t.reindex(r["complaint_ids"]).value_counts().idxmax()
                      for r in result["rings"] if r["flagged"]}
    linked = links[links["status"] == "linked"]
    ring_rows = links[links["complaint_id"].map(t).fillna("") != ""]
    assert len(ring_rows) >= 10
    hits = ring_rows[(ring_rows["status"] == "linked") & (
        ring_rows["ring_id"].map(predicted_true) == ring_rows["complaint_id"].map(t))]
    assert len(hits) / len(ring_rows) >= 0.8, ring_rows[["complaint_id", "status", "ring_id"]]
    wrong = linked[linked["ring_id"].map(predicted_true) != linked["complaint_id"].map(t)]
    assert len(wrong) <= max(1, len(linked) // 20), wrong
    assert (linked["reason_zh"].str.len() > 0).all() and (linked["shared_identifiers"] != "").all()


def test_genuine_held_out_complaints_stay_unlinked(split_scenario):
    _, truth, links, _ = split_scenario
    t = truth.set_index("complaint_id")["ring_id"]
    genuine = links[links["complaint_id"].map(t).fillna("") == ""]
    assert len(genuine) >= 10
    assert (genuine["status"] == "linked").mean() <= 0.05


def test_link_rebuilds_the_graph_with_the_settings_the_rings_were_detected_with(
        split_scenario, tmp_path):
    """A result detected with zero trust in every identifier type links nothing: no shared
    identifier earns a point under those settings. Linking with default settings instead
    (the old behaviour) would link the held-out ring complaints again."""
    import shutil

    root, _, _, _ = split_scenario
    db = tmp_path / "g.duckdb"
    shutil.copy(root / "g.duckdb", db)
    result = json.loads((root / "res" / "rings.json").read_text(encoding="utf-8"))
    result["projection"]["trust"] = {k: 0.0 for k in result["projection"]["trust"]}
    rings = tmp_path / "rings.json"
    rings.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    # The held-out exports are already in the copied store: linking re-ingests nothing new
    # and only re-projects, with the result's settings.
    assert main(["link", str(root / "new"), "--db", str(db), "--rings", str(rings)]) == 0
    links = pd.read_csv(tmp_path / "links.csv", dtype=str, keep_default_na=False)
    assert len(links) and not (links["status"] == "linked").any()
