"""The learned scorer against the hand-weighted one, on scenarios it was not trained on.

    python benchmarks/bench_learned.py --complaints 5000 --train-seeds 201 202 203 \\
        --test-seeds 101 102 103 --camouflage 0.2 0.5 0.9 [--markdown] [--scorer-out F]

Training: one scenario per (train seed, camouflage level), each ingested and detected
(leiden, seed 0) as ``ringgraph train --truth`` does; a community is a ring when it overlaps
a true ring with Jaccard ≥ 0.5. Testing: every (test seed, camouflage) scenario is detected
once and scored both ways (the learned scorer rescoring the same communities), and ring
P / R / F1 and top-10 precision are compared; calibration error (ECE, 10 bins) is measured
on the held-out communities (of ≥ 2 borrowers, as in training).
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from etl.ingest import ingest
from simulator import ScenarioConfig, simulate
from ringgraph.analysis.evaluate import load_truth
from ringgraph.analysis.learned import expected_calibration_error
from ringgraph.analysis.learned_fit import fit_scorer, label_communities, training_params
from ringgraph.analysis.pipeline import detect_rings
from ringgraph.store import DuckDBStore


def scenario(complaints: int, seed: int, camouflage: float, work: Path):
    """(hand-weighted result, result with every community of ≥ 2 borrowers, truth) of one
    simulated scenario."""
    scen = work / f"s{seed}-c{camouflage}"
    simulate(ScenarioConfig(complaints=complaints, seed=seed, camouflage=camouflage), scen)
    with DuckDBStore(":memory:") as store:
        ingest([scen / "exports"], store)
        result = detect_rings(store, "leiden", seed=0)
        # Same communities (same detector and seed), more of them kept: the examples.
        wide = detect_rings(store, "leiden", seed=0, score_params=training_params())
    return result, wide, load_truth(scen)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--complaints", type=int, default=5000)
    ap.add_argument("--train-seeds", type=int, nargs="+", default=[201, 202, 203])
    ap.add_argument("--test-seeds", type=int, nargs="+", default=[101, 102, 103])
    ap.add_argument("--camouflage", type=float, nargs="+", default=[0.2, 0.5, 0.9])
    ap.add_argument("--scorer-out", type=Path, default=None)
    ap.add_argument("--markdown", action="store_true")
    a = ap.parse_args()
    if set(a.train_seeds) & set(a.test_seeds):
        raise SystemExit("train and test seeds overlap")
    work = Path(tempfile.mkdtemp(prefix="bench_learned_"))
    try:
        parts = [label_communities(*scenario(a.complaints, s, c, work)[1:])
                 for s in a.train_seeds for c in a.camouflage]
        scorer = fit_scorer(pd.concat(parts, ignore_index=True), seed=0,
                            sources=[f"s{s}-c{c}" for s in a.train_seeds for c in a.camouflage])
        if a.scorer_out:
            scorer.save(a.scorer_out)
        rows, probs, labels = [], [], []
        for s in a.test_seeds:
            for c in a.camouflage:
                hand, wide, truth = scenario(a.complaints, s, c, work)
                learned = scorer.rescore(copy.deepcopy(hand))
                ex = label_communities(wide, truth)
                probs += list(scorer.predict(ex))
                labels += list(ex["label"])
                for name, res in (("hand", hand), ("learned", learned)):
                    m = res.evaluate(truth)
                    row = {"seed": s, "camouflage": c, "scorer": name,
                           **{k: m[k] for k in ("precision", "recall", "f1",
                                                "top_k_precision", "predicted_rings",
                                                "true_rings")}}
                    rows.append(row)
                    print(json.dumps(row), flush=True)
        ece = expected_calibration_error(probs, labels)
        print(json.dumps({"training": scorer.training, "heldout_communities": len(labels),
                          "heldout_rings": int(np.sum(labels)), "heldout_ece": ece}))
        if a.markdown:
            print(summary(pd.DataFrame(rows), ece, len(labels)))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def summary(df: pd.DataFrame, ece: float, n: int) -> str:
    g = df.groupby(["camouflage", "scorer"])[["precision", "recall", "f1",
                                               "top_k_precision"]].mean().round(3)
    lines = ["| camouflage | scorer | P | R | F1 | top-10 P |",
             "| --- | --- | --- | --- | --- | --- |"]
    for (c, s), r in g.iterrows():
        lines.append(f"| {c} | {s} | {r.precision:.3f} | {r.recall:.3f} | {r.f1:.3f} | "
                     f"{r.top_k_precision:.2f} |")
    lines.append(f"\nHeld-out calibration error (ECE, 10 bins) over {n} communities: {ece:.3f}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
