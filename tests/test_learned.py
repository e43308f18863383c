"""The learned scorer on real simulated scenarios: `ringgraph train` (scenarios, verdicts),
`ringgraph detect --scorer`, monotonicity, calibration, and the comparison with the
hand-weighted scorer on a held-out seed."""

import copy
import json

import numpy as np
import pandas as pd
import pytest

from etl.ingest import ingest
from ringgraph.analysis.evaluate import load_truth
from ringgraph.analysis.learned import MONOTONE, LearnedScorer, expected_calibration_error
from ringgraph.analysis.learned_fit import label_communities, training_params
from ringgraph.analysis.pipeline import detect_rings
from ringgraph.cli import main
from ringgraph.store import DuckDBStore
from simulator import ScenarioConfig, simulate

TRAIN = ((211, 0.3), (212, 0.8))
HELD_OUT = (111, 0.6)


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory):
    root = tmp_path_factory.mktemp("learned")
    out = {}
    for seed, camo in TRAIN + (HELD_OUT,):
        d = root / f"s{seed}"
        simulate(ScenarioConfig(complaints=2500, seed=seed, camouflage=camo), d)
        out[seed] = d
    scorer = root / "scorer.json"
    assert main(["train", "--truth", str(out[211]), str(out[212]), "--out", str(scorer)]) == 0
    return root, out, scorer


def test_trained_scorer_is_monotone_json_and_calibrated(scenarios):
    _, _, path = scenarios
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["format"] == "ringgraph-learned-scorer/1"
    scorer = LearnedScorer.load(path)
    coef = dict(zip(scorer.features, scorer.coef))
    assert all(coef[f] >= 0 for f in MONOTONE)
    assert scorer.cal_a < 0
    assert scorer.training["examples"] >= 15 and 0 < scorer.training["rings"]
    # More misconduct evidence never lowers the probability.
    base = pd.DataFrame([{f: 1.0 for f in scorer.features}] * 5)
    base["pressure_demand_share"] = base["burst_share"] = 0.3
    p0 = scorer.predict(base)
    for f in MONOTONE:
        more = base.copy()
        more[f] = more[f] * 3 + 1
        assert (scorer.predict(more) >= p0 - 1e-12).all(), f
    assert ((p0 > 0) & (p0 < 1)).all()


def test_learned_scorer_at_least_as_good_as_hand_weighted_on_held_out(scenarios):
    _, dirs, path = scenarios
    scorer = LearnedScorer.load(path)
    truth = load_truth(dirs[HELD_OUT[0]])
    with DuckDBStore(":memory:") as store:
        ingest([dirs[HELD_OUT[0]] / "exports"], store)
        hand = detect_rings(store)
        wide = detect_rings(store, score_params=training_params())
    learned = scorer.rescore(copy.deepcopy(hand))
    h, m = hand.evaluate(truth), learned.evaluate(truth)
    assert m["f1"] >= h["f1"] and m["top_k_precision"] >= h["top_k_precision"], (h, m)
    assert m["f1"] >= 0.8
    ex = label_communities(wide, truth)
    assert expected_calibration_error(scorer.predict(ex), ex["label"]) < 0.25


def test_detect_with_scorer_gives_probabilities_and_contributions(scenarios, tmp_path):
    _, dirs, path = scenarios
    db, res = tmp_path / "g.duckdb", tmp_path / "res"
    assert main(["ingest", str(dirs[HELD_OUT[0]]), "--db", str(db)]) == 0
    assert main(["detect", "--db", str(db), "--scorer", str(path), "--out", str(res)]) == 0
    out = json.loads((res / "rings.json").read_text(encoding="utf-8"))
    assert out["scoring"]["learned"]["format"] == "ringgraph-learned-scorer/1"
    rings = out["rings"]
    assert [r["rank"] for r in rings] == list(range(1, len(rings) + 1))
    assert all(0 <= r["score"] <= 1 for r in rings)
    assert rings == sorted(rings, key=lambda r: -r["score"])
    top = rings[0]
    assert top["flagged"] and top["reasons"][0]["code"] == "learned_score"
    assert "of communities like this in the training data" in top["reasons"][0]["en"]
    contribs = top["reasons"][0]["evidence"]["contributions"]
    assert set(contribs) == set(LearnedScorer.load(path).features)
    # The other reasons carry their features' share of the log-odds.
    assert any(isinstance(r.get("contribution"), float) and r["contribution"] > 0
               for r in top["reasons"][1:])
    assert main(["detect", "--db", str(db), "--scorer", str(tmp_path / "none.json")]) == 2


def write_verdicts(store, examples: pd.DataFrame) -> None:
    for i, row in enumerate(examples.to_dict("records")):
        label = row.pop("label")
        store.write_verdict({"ring_id": f"RG-2026-{i + 1:04d}",
                             "verdict": "confirmed" if label else "dismissed", "note": "",
                             "reviewer": "test", "at": "2026-12-01T09:00:00+00:00",
                             "complaint_ids": "[]", "features": json.dumps(row),
                             "points": "{}"})


def test_training_on_a_few_dozen_verdicts_alone(scenarios, tmp_path, capsys):
    _, dirs, _ = scenarios
    parts = []
    for seed in (211, 212, HELD_OUT[0]):
        with DuckDBStore(":memory:") as store:
            ingest([dirs[seed] / "exports"], store)
            wide = detect_rings(store, score_params=training_params())
        parts.append(label_communities(wide, load_truth(dirs[seed])))
    examples = pd.concat(parts, ignore_index=True).head(36)
    assert len(examples) >= 24 and 4 <= examples["label"].sum() <= len(examples) - 4
    db = tmp_path / "v.duckdb"
    with DuckDBStore(db) as store:
        write_verdicts(store, examples.head(3).assign(label=1))
    assert main(["train", "--verdicts", "--db", str(db), "--out", str(tmp_path / "x.json")]) == 1
    assert "need at least 2 rings and 2 non-rings" in capsys.readouterr().err
    db = tmp_path / "v2.duckdb"
    with DuckDBStore(db) as store:
        write_verdicts(store, examples)
    out = tmp_path / "verdict_scorer.json"
    assert main(["train", "--verdicts", "--db", str(db), "--out", str(out)]) == 0
    scorer = LearnedScorer.load(out)
    assert scorer.training["examples"] == len(examples)
    p = scorer.predict(examples)
    y = examples["label"].to_numpy()
    # Rank quality on its own labels: nearly every ring above nearly every non-ring.
    auc = (p[y == 1][:, None] > p[y == 0][None, :]).mean()
    assert auc >= 0.9
    assert np.mean((p >= 0.5) == (y == 1)) >= 0.85
