"""Fitting the learned scorer (:mod:`ringgraph.analysis.learned`): labelled examples from
simulated scenarios and from verdicts, a logistic regression with non-negative coefficients
on misconduct features, and its probability calibration."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, ClassifierMixin

from ringgraph.analysis.learned import (FEATURES, MONOTONE, LearnedScorer, design,
                                        expected_calibration_error)
from ringgraph.analysis.result import RingResult

# Communities kept as training examples: in simulated scenarios nearly every community of
# ≥ 5 borrowers (the flag minimum) is a ring, so the smaller ones supply the negatives.
TRAIN_MIN_BORROWERS = 2


def training_params():
    """Scoring settings under which detection yields training examples."""
    from ringgraph.analysis.score import ScoreParams

    return ScoreParams(min_borrowers=TRAIN_MIN_BORROWERS)


class MonotoneLogit(ClassifierMixin, BaseEstimator):
    """L2 logistic regression with coefficients of columns ``nonneg`` bounded at 0 below
    (L-BFGS-B); a scikit-learn estimator, so ``CalibratedClassifierCV`` can wrap it."""

    def __init__(self, C: float = 1.0, nonneg: tuple = ()):
        self.C = C
        self.nonneg = nonneg

    def fit(self, X, y):
        from scipy.optimize import minimize

        X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
        self.classes_ = np.array([0, 1])
        sign = 2 * y - 1
        lam = 1.0 / (self.C * len(y))

        def loss(theta):
            w, b = theta[:-1], theta[-1]
            m = sign * (X @ w + b)
            # log(1 + e^-m), stably; its derivative is −σ(−m).
            val = np.logaddexp(0, -m).mean() + 0.5 * lam * w @ w
            g = -sign / (1 + np.exp(m)) / len(y)
            return val, np.append(X.T @ g + lam * w, g.sum())

        bounds = [(0, None) if j in self.nonneg else (None, None) for j in range(X.shape[1])]
        res = minimize(loss, np.zeros(X.shape[1] + 1), jac=True, method="L-BFGS-B",
                       bounds=bounds + [(None, None)])
        self.coef_, self.intercept_ = res.x[:-1], float(res.x[-1])
        return self

    def decision_function(self, X):
        return np.asarray(X, dtype=float) @ self.coef_ + self.intercept_

    def predict_proba(self, X):
        p = 1 / (1 + np.exp(-self.decision_function(X)))
        return np.column_stack([1 - p, p])

    def predict(self, X):
        return (self.decision_function(X) > 0).astype(int)


def label_communities(result: RingResult, truth: pd.DataFrame,
                      min_jaccard: float = 0.5) -> pd.DataFrame:
    """Every community of ``result`` with its features and ``label`` (1 when it overlaps a
    true ring of ``truth`` with Jaccard ≥ ``min_jaccard``)."""
    from ringgraph.analysis.evaluate import match_rings

    t = truth[truth["ring_id"] != ""]
    t_sets = {r: set(g) for r, g in t.groupby("ring_id")["complaint_id"]}
    p_sets = {r.ring_id: set(r.complaint_ids) for r in result.rings}
    _, best = match_rings(p_sets, t_sets, min_jaccard)
    rows = [dict(r.features, label=int(best.get(r.ring_id, 0.0) >= min_jaccard))
            for r in result.rings]
    return pd.DataFrame(rows, columns=list(FEATURES) + ["label"])


def verdict_examples(verdicts: pd.DataFrame) -> pd.DataFrame:
    """Confirmed (1) and dismissed (0) rings, latest verdict per ring, with the features
    they had when judged; ``unsure`` teaches nothing and is left out."""
    from ringgraph.analysis.verdicts import latest

    rows = [dict(json.loads(v["features"] or "{}"), label=int(v["verdict"] == "confirmed"))
            for v in latest(verdicts).values() if v["verdict"] in ("confirmed", "dismissed")]
    return pd.DataFrame(rows, columns=list(FEATURES) + ["label"])


def fit_scorer(examples: pd.DataFrame, seed: int = 0, C: float = 1.0,
               threshold: float = 0.5, sources: list[str] | None = None) -> LearnedScorer:
    """Fit and calibrate on ``examples`` (features and ``label``).

    Raises ``ValueError`` when either class has fewer than 2 examples (calibration needs
    cross-validation folds holding both).
    """
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.model_selection import StratifiedKFold

    y = examples["label"].astype(int).to_numpy()
    minority = int(min(y.sum(), len(y) - y.sum()))
    if minority < 2:
        raise ValueError(f"need at least 2 rings and 2 non-rings to train, got "
                         f"{int(y.sum())} and {len(y) - int(y.sum())}")
    raw = design(examples)
    mean, scale = raw.mean(axis=0), raw.std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    X = (raw - mean) / scale
    nonneg = tuple(j for j, f in enumerate(FEATURES) if f in MONOTONE)
    folds = StratifiedKFold(n_splits=min(5, minority), shuffle=True, random_state=seed)
    model = CalibratedClassifierCV(MonotoneLogit(C=C, nonneg=nonneg), method="sigmoid",
                                   cv=folds, ensemble=False).fit(X, y)
    inner = model.calibrated_classifiers_[0]
    base, cal = inner.estimator, inner.calibrators[0]
    a, b = float(cal.a_), float(cal.b_)
    if a >= 0:  # calibration would reverse the ranking: keep the model's own scale
        a, b = -1.0, 0.0
    scorer = LearnedScorer(features=list(FEATURES), mean=mean.tolist(), scale=scale.tolist(),
                           coef=base.coef_.round(6).tolist(),
                           intercept=round(base.intercept_, 6), cal_a=round(a, 6),
                           cal_b=round(b, 6), threshold=threshold)
    p = scorer.predict(examples)
    scorer.training = {"examples": len(y), "rings": int(y.sum()), "seed": seed, "C": C,
                       "sources": sources or [],
                       "ece_train": expected_calibration_error(p, y)}
    return scorer
