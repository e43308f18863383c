import numpy as np
import pandas as pd
import pytest

from ringgraph.analysis.evaluate import adjusted_rand_index, load_truth, ring_metrics


def _ari_bruteforce(a, b):
    from itertools import combinations
    from math import comb

    n = len(a)
    same_a = [a[i] == a[j] for i, j in combinations(range(n), 2)]
    same_b = [b[i] == b[j] for i, j in combinations(range(n), 2)]
    both = sum(x and y for x, y in zip(same_a, same_b))
    sa, sb, tot = sum(same_a), sum(same_b), comb(n, 2)
    exp = sa * sb / tot
    mx = (sa + sb) / 2
    return 1.0 if mx == exp else (both - exp) / (mx - exp)


@pytest.mark.parametrize("seed", range(5))
def test_ari_matches_pair_counting_definition(seed):
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, 4, 30), rng.integers(0, 5, 30)
    assert adjusted_rand_index(a, b) == pytest.approx(_ari_bruteforce(a, b))


def _truth():
    rows = [(f"C{i}", "R1" if i < 10 else ("R2" if i < 15 else ""),
             "jinan_alliance" if i < 10 else ("small_team" if i < 15 else ""),
             "family" if 15 <= i < 19 else "") for i in range(40)]
    return pd.DataFrame(rows, columns=["complaint_id", "ring_id", "style", "group_type"])


def test_perfect_prediction():
    t = _truth()
    pred = t[t["ring_id"] != ""][["complaint_id", "ring_id"]]
    m = ring_metrics(pred, t)
    assert (m["precision"], m["recall"], m["f1"], m["ari"]) == (1.0, 1.0, 1.0, 1.0)
    assert m["recall_by_style"] == {"jinan_alliance": 1.0, "small_team": 1.0}


def test_partial_and_false_rings():
    t = _truth()
    pred = pd.DataFrame({
        "complaint_id": [f"C{i}" for i in range(6)] + ["C15", "C16", "C17", "C18"],
        "ring_id": ["P1"] * 6 + ["P2"] * 4})
    m = ring_metrics(pred, t)
    assert m["matched"] == 1 and m["predicted_rings"] == 2 and m["true_rings"] == 2
    assert (m["precision"], m["recall"], m["f1"]) == (0.5, 0.5, 0.5)
    assert m["recall_by_style"]["small_team"] == 0.0
    assert m["false_rings_by_negative_type"] == {"family": 1}
    assert 0 < m["ari"] < 1


def test_jaccard_threshold():
    t = _truth()
    pred = pd.DataFrame({"complaint_id": [f"C{i}" for i in range(4)], "ring_id": "P"})
    assert ring_metrics(pred, t, min_jaccard=0.5)["matched"] == 0
    assert ring_metrics(pred, t, min_jaccard=0.4)["matched"] == 1


def test_load_truth_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="truth"):
        load_truth(tmp_path)


def test_top_k_precision_uses_rank_order():
    t = _truth()
    pred = pd.DataFrame({
        "complaint_id": ["C15", "C16", "C17"] + [f"C{i}" for i in range(10)],
        "ring_id": ["RG0001"] * 3 + ["RG0002"] * 10})
    m = ring_metrics(pred, t, top_k=1)
    assert m["top_k_precision"] == 0.0
    assert ring_metrics(pred, t, top_k=2)["top_k_precision"] == 0.5
