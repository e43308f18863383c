"""Detector tuning from a notebook: precision and recall as the flag threshold moves."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ringgraph.analysis.evaluate import ring_metrics
from ringgraph.analysis.result import RingResult
from ringgraph.analysis.score import evidence_kinds


def pr_curve(result: RingResult, truth: pd.DataFrame, thresholds=None,
             min_jaccard: float = 0.5) -> pd.DataFrame:
    """Ring precision and recall as the flag threshold on the score varies.

    Every ring of ``result`` with at least ``scoring["min_borrowers"]`` borrowers and
    ``min_evidence_kinds`` kinds of evidence is a candidate; at threshold ``t`` the
    candidates scoring ≥ ``t`` are the predicted rings, scored against ``truth`` with
    :func:`ringgraph.evaluate.ring_metrics`.

    Returns ``detector, threshold, precision, recall, f1, predicted_rings``.
    """
    sc = result.scoring
    cands = [r for r in result.rings
             if r.features.get("borrowers", 0) >= sc.get("min_borrowers", 0)
             and len(r.features.get("evidence_kinds") or evidence_kinds(r.features))
             >= sc.get("min_evidence_kinds", 0)]
    if thresholds is None:
        thresholds = np.round(np.arange(0.1, 0.96, 0.05), 2)
    rows = []
    for t in thresholds:
        pred = pd.DataFrame([(c, r.ring_id) for r in cands if r.score >= t
                             for c in r.complaint_ids], columns=["complaint_id", "ring_id"])
        met = ring_metrics(pred, truth, min_jaccard)
        rows.append({"detector": result.detector, "threshold": float(t),
                     "precision": met["precision"], "recall": met["recall"], "f1": met["f1"],
                     "predicted_rings": met["predicted_rings"]})
    return pd.DataFrame(rows)
