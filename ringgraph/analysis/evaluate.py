"""Metrics against labelled ground truth: ring-level precision, recall, F1, and ARI.

A predicted ring *matches* a true ring when the Jaccard overlap of their complaint sets is
at least ``min_jaccard`` (0.5 by default); matching is one-to-one, maximising the total
overlap (Hungarian algorithm, scipy).
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


def adjusted_rand_index(a: np.ndarray, b: np.ndarray) -> float:
    """Adjusted Rand index of two labelings of the same items (igraph's implementation).

    >>> adjusted_rand_index(np.array([0, 0, 1, 1]), np.array([1, 1, 0, 0]))
    1.0
    >>> round(adjusted_rand_index(np.array([0, 0, 0, 1, 1, 1]),
    ...                           np.array([0, 0, 1, 1, 2, 2])), 4)
    0.2424
    """
    import igraph

    _, ai = np.unique(a, return_inverse=True)
    _, bi = np.unique(b, return_inverse=True)
    if len(ai) < 2:
        return 1.0
    return float(igraph.compare_communities(ai.tolist(), bi.tolist(), method="ari"))


def _singletons(ids: pd.Series, labels: pd.Series) -> np.ndarray:
    """Ring labels with every unlabelled item in its own cluster."""
    lab = labels.fillna("").astype(str).to_numpy(dtype=object)
    empty = lab == ""
    lab[empty] = "__single__" + ids.to_numpy(dtype=object)[empty]
    return lab


def match_rings(p_sets: dict, t_sets: dict, min_jaccard: float
                ) -> tuple[dict, dict]:
    """One-to-one matching of predicted to true rings maximising total Jaccard overlap
    (Hungarian algorithm); only pairs with Jaccard ≥ ``min_jaccard`` count.

    Returns ``matches`` (true ring → predicted ring) and ``best_j`` (predicted ring → its
    best Jaccard with any true ring).
    """
    from scipy.optimize import linear_sum_assignment

    p_ids, t_ids = sorted(p_sets), sorted(t_sets)
    owner = {c: j for j, tr in enumerate(t_ids) for c in t_sets[tr]}
    jac = np.zeros((len(p_ids), len(t_ids)))
    for i, pr in enumerate(p_ids):
        ps = p_sets[pr]
        hits = pd.Series([owner[c] for c in ps if c in owner], dtype=np.int64).value_counts()
        for j, inter in hits.items():
            jac[i, j] = inter / (len(ps) + len(t_sets[t_ids[j]]) - inter)
    best_j = {pr: float(jac[i].max()) if len(t_ids) else 0.0 for i, pr in enumerate(p_ids)}
    eligible = np.where(jac >= min_jaccard, jac, 0.0)
    rows, cols = linear_sum_assignment(eligible, maximize=True) if jac.size else ([], [])
    matches = {t_ids[j]: p_ids[i] for i, j in zip(rows, cols) if eligible[i, j] > 0}
    return matches, best_j


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
        Rank cut-off for ``top_k_precision``. Rings are ranked by ``score`` when
        ``predicted`` has one (stable ids say nothing of rank), else by their id's order
        (``RG0001`` is the best-scored ring of a rank-numbered result).

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
    matches, best_j = match_rings(p_sets, t_sets, min_jaccard)
    n_pred, n_true = len(p_sets), len(t_sets)
    # A top-ranked ring is right when it overlaps some true ring enough (many-to-one is
    # fine here: the question is whether an analyst's first k cases are real).
    ranked = _ranked(predicted, p_sets)[:top_k]
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
    unmatched = {pr: ps for pr, ps in p_sets.items() if pr not in set(matches.values())}
    return {
        "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
        "ari": round(ari, 4), "top_k_precision": round(top_k_precision, 4), "top_k": top_k,
        "predicted_rings": n_pred, "true_rings": n_true,
        "matched": len(matches), "min_jaccard": min_jaccard,
        "recall_by_style": _recall_by_style(truth, matches),
        "false_rings_by_negative_type": _false_rings(truth, unmatched),
    }


def _ranked(predicted: pd.DataFrame, p_sets: dict) -> list:
    """Predicted ring ids best first: by score (ties by id) when scores are given."""
    if "score" not in predicted.columns:
        return sorted(p_sets)
    best = predicted.groupby("ring_id")["score"].max().reindex(sorted(p_sets))
    return sorted(p_sets, key=lambda r: (-float(best[r]), r))


def _recall_by_style(truth: pd.DataFrame, matches: dict) -> dict[str, float]:
    if "style" not in truth.columns:
        return {}
    styles = truth[truth["ring_id"] != ""].drop_duplicates("ring_id").set_index(
        "ring_id")["style"]
    return {style: round(sum(r in matches for r in rings.index) / len(rings), 4)
            for style, rings in styles.groupby(styles)}


def _false_rings(truth: pd.DataFrame, unmatched: dict) -> dict[str, int]:
    """Unmatched predicted rings by what they are mostly made of: a negative type (law
    firm, family …) when one makes up more than half, else ``genuine`` when at most half
    of the ring's complaints belong to some true ring."""
    if "group_type" not in truth.columns:
        return {}
    gt = truth.set_index("complaint_id")["group_type"]
    ring_of = truth.set_index("complaint_id")["ring_id"]
    out: dict[str, int] = {}
    for ps in unmatched.values():
        kinds = gt.reindex(list(ps)).fillna("")
        top = kinds[kinds != ""].value_counts()
        if len(top) and top.iloc[0] > len(ps) / 2:
            out[top.index[0]] = out.get(top.index[0], 0) + 1
        elif ring_of.reindex(list(ps)).ne("").mean() <= 0.5:
            out["genuine"] = out.get("genuine", 0) + 1
    return out
