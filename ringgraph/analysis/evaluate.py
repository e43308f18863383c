"""Metrics against labelled ground truth: ring-level precision, recall, F1, and ARI.

A predicted ring *matches* a true ring when the Jaccard overlap of their complaint sets is
at least ``min_jaccard`` (0.5 by default); matching is one-to-one, best overlaps first.
Ring precision = matched predicted rings / predicted rings; ring recall = matched true
rings / true rings. ARI is computed over every complaint of the ground truth, each
complaint outside a ring being its own singleton (so only ring co-membership counts).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd


def load_truth(truth_dir: str | Path) -> pd.DataFrame:
    """``truth/complaints.csv`` of a simulated scenario (folder or its ``truth/`` folder)."""
    p = Path(truth_dir)
    if (p / "truth" / "complaints.csv").is_file():
        p = p / "truth"
    f = p / "complaints.csv"
    if not f.is_file():
        raise FileNotFoundError(f"{truth_dir}: no ground truth (expected truth/complaints.csv)")
    return pd.read_csv(f, dtype=str, keep_default_na=False)


def _comb2(x: np.ndarray) -> float:
    x = x.astype(np.float64)
    return float((x * (x - 1) / 2).sum())


def adjusted_rand_index(a: np.ndarray, b: np.ndarray) -> float:
    """Adjusted Rand index of two labelings of the same items (Hubert & Arabie 1985).

    >>> adjusted_rand_index(np.array([0, 0, 1, 1]), np.array([1, 1, 0, 0]))
    1.0
    >>> round(adjusted_rand_index(np.array([0, 0, 0, 1, 1, 1]),
    ...                           np.array([0, 0, 1, 1, 2, 2])), 4)
    0.2424
    """
    _, ai = np.unique(a, return_inverse=True)
    _, bi = np.unique(b, return_inverse=True)
    n = len(ai)
    if n < 2:
        return 1.0
    pairs = ai.astype(np.int64) * (bi.max() + 1) + bi
    _, cont = np.unique(pairs, return_counts=True)
    sum_ij = _comb2(cont)
    sum_a = _comb2(np.bincount(ai))
    sum_b = _comb2(np.bincount(bi))
    expected = sum_a * sum_b / (n * (n - 1) / 2)
    max_index = (sum_a + sum_b) / 2
    if max_index == expected:
        return 1.0
    return float((sum_ij - expected) / (max_index - expected))


def _singletons(ids: pd.Series, labels: pd.Series) -> np.ndarray:
    """Ring labels with every unlabelled item in its own cluster."""
    lab = labels.fillna("").astype(str).to_numpy(dtype=object)
    empty = lab == ""
    lab[empty] = "__single__" + ids.to_numpy(dtype=object)[empty]
    return lab


def ring_metrics(predicted: pd.DataFrame, truth: pd.DataFrame,
                 min_jaccard: float = 0.5, top_k: int = 10) -> dict:
    """Compare predicted rings with ground truth.

    Parameters
    ----------
    predicted : DataFrame
        ``complaint_id, ring_id`` for complaints in flagged rings.
    truth : DataFrame
        ``complaint_id, ring_id`` (empty for genuine), optionally ``style``,
        ``group_type``.
    min_jaccard : float
        Overlap needed for a predicted ring to count as finding a true ring.
    top_k : int
        Rank cut-off for ``top_k_precision``. Rings are ranked by their id's order
        (``RG0001`` is the best-scored ring), as :class:`ringgraph.result.RingResult`
        numbers them.

    Returns
    -------
    dict
        ``precision, recall, f1, ari, top_k_precision, predicted_rings, true_rings,
        matched, recall_by_style, false_rings_by_negative_type``.
    """
    truth = truth.drop_duplicates("complaint_id")
    pred = predicted.drop_duplicates("complaint_id")
    pred = pred[pred["complaint_id"].isin(truth["complaint_id"])]
    t_sets = {r: set(g) for r, g in truth[truth["ring_id"] != ""].groupby("ring_id")[
        "complaint_id"]}
    p_sets = {r: set(g) for r, g in pred.groupby("ring_id")["complaint_id"]}
    cands = []
    for pr, ps in p_sets.items():
        for tr, ts in t_sets.items():
            inter = len(ps & ts)
            if inter:
                cands.append((inter / len(ps | ts), pr, tr))
    cands.sort(key=lambda x: (-x[0], str(x[1]), str(x[2])))
    used_p, used_t, matches = set(), set(), {}
    for j, pr, tr in cands:
        if j < min_jaccard:
            break
        if pr not in used_p and tr not in used_t:
            used_p.add(pr)
            used_t.add(tr)
            matches[tr] = pr
    n_pred, n_true = len(p_sets), len(t_sets)
    # A top-ranked ring is right when it overlaps some true ring enough (many-to-one is
    # fine here: the question is whether an analyst's first k cases are real).
    best_j = {pr: 0.0 for pr in p_sets}
    for j, pr, _ in cands:
        best_j[pr] = max(best_j[pr], j)
    ranked = sorted(p_sets)[:top_k]
    top_k_precision = (sum(best_j[pr] >= min_jaccard for pr in ranked) / len(ranked)
                       if ranked else 1.0)
    precision = len(matches) / n_pred if n_pred else 1.0
    recall = len(matches) / n_true if n_true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    merged = truth[["complaint_id", "ring_id"]].merge(
        pred[["complaint_id", "ring_id"]].rename(columns={"ring_id": "pred"}),
        on="complaint_id", how="left")
    ari = adjusted_rand_index(_singletons(merged["complaint_id"], merged["ring_id"]),
                              _singletons(merged["complaint_id"], merged["pred"]))

    by_style = {}
    if "style" in truth.columns:
        styles = truth[truth["ring_id"] != ""].drop_duplicates("ring_id").set_index(
            "ring_id")["style"]
        for style, rings in styles.groupby(styles):
            by_style[style] = round(sum(r in matches for r in rings.index) / len(rings), 4)

    false_by_neg: dict[str, int] = {}
    if "group_type" in truth.columns:
        gt = truth.set_index("complaint_id")["group_type"]
        for pr, ps in p_sets.items():
            if pr in used_p:
                continue
            kinds = gt.reindex(list(ps)).fillna("")
            ring_share = truth.set_index("complaint_id")["ring_id"].reindex(list(ps)).ne("").mean()
            top = kinds[kinds != ""].value_counts()
            if len(top) and top.iloc[0] > len(ps) / 2:
                false_by_neg[top.index[0]] = false_by_neg.get(top.index[0], 0) + 1
            elif ring_share <= 0.5:
                false_by_neg["genuine"] = false_by_neg.get("genuine", 0) + 1
    return {
        "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
        "ari": round(ari, 4), "top_k_precision": round(top_k_precision, 4), "top_k": top_k,
        "predicted_rings": n_pred, "true_rings": n_true,
        "matched": len(matches), "min_jaccard": min_jaccard,
        "recall_by_style": by_style, "false_rings_by_negative_type": false_by_neg,
    }
