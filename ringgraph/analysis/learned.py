"""A learned, calibrated and explainable ring scorer.

A logistic regression on each community's numeric features (counts on a log scale, all
standardised) whose coefficients on misconduct features are held non-negative, so more
misconduct evidence never lowers a score; then Platt (sigmoid) calibration fitted on
cross-validated decisions (scikit-learn ``CalibratedClassifierCV``, ``ensemble=False``), so
the score is a probability: "0.82: of communities like this in the training data, 82 % were
rings". The whole model is a handful of numbers, saved as JSON (no pickle), and each
feature's contribution to a ring's log-odds is ``slope × coefficient × standardised value``:
that is what each reason carries.

Labels come from simulated scenarios (a community is a ring when it overlaps a true ring
with Jaccard ≥ 0.5) and/or investigators' verdicts (confirmed = 1, dismissed = 0); L2
regularisation keeps a few dozen labels enough.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ringgraph.analysis.score import FEATURE_COLUMNS

FEATURES = tuple(f for f in FEATURE_COLUMNS if f not in ("first_at", "last_at"))
# Count features enter as log1p: a ring of 200 is not 40 times one of 5.
LOG_FEATURES = ("complaints", "borrowers", "provinces", "agents", "orgs",
                "max_shared_borrowers", "max_channel_borrowers", "material_borrowers",
                "represented_borrowers", "max_account_payers")
# More of these never lowers a score (non-negative coefficients).
MONOTONE = ("provinces", "max_shared_borrowers", "max_channel_borrowers",
            "material_borrowers", "represented_borrowers", "max_account_payers",
            "pressure_demand_share", "burst_share", "template_similarity")
# Which features each reason of ringgraph.analysis.score speaks for.
REASON_FEATURES = {
    "shared_identifier": ("max_shared_borrowers", "max_channel_borrowers"),
    "spread": ("provinces",), "material_reuse": ("material_borrowers",),
    "shared_representation": ("represented_borrowers", "agents", "orgs"),
    "shared_fee_account": ("max_account_payers",),
    "pressure_demands": ("pressure_demand_share",),
    "template_texts": ("template_similarity",), "burst": ("burst_share",),
}
FORMAT = "ringgraph-learned-scorer/1"


def design(frame: pd.DataFrame, features=FEATURES) -> np.ndarray:
    """The model's raw inputs: ``features`` of ``frame`` (missing → 0), counts as log1p."""
    x = frame.reindex(columns=list(features)).apply(pd.to_numeric, errors="coerce")
    x = x.fillna(0.0).astype(float)
    logs = [f for f in features if f in LOG_FEATURES]
    x[logs] = np.log1p(x[logs].clip(lower=0))
    return x.to_numpy()


@dataclass
class LearnedScorer:
    """A fitted scorer: standardisation, coefficients and calibration, all JSON."""

    features: list[str]
    mean: list[float]
    scale: list[float]
    coef: list[float]
    intercept: float
    cal_a: float
    cal_b: float
    threshold: float = 0.5
    training: dict = field(default_factory=dict)

    # -- the model ---------------------------------------------------------------------
    def _z(self, frame: pd.DataFrame) -> np.ndarray:
        return (design(frame, self.features) - np.array(self.mean)) / np.array(self.scale)

    def contributions(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Each feature's contribution to each row's calibrated log-odds (0 = average)."""
        c = -self.cal_a * self._z(frame) * np.array(self.coef)
        return pd.DataFrame(c, columns=self.features, index=frame.index)

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Calibrated probability that each row (a community's features) is a ring."""
        decision = self._z(frame) @ np.array(self.coef) + self.intercept
        return 1.0 / (1.0 + np.exp(self.cal_a * decision + self.cal_b))

    # -- applying it to a result -----------------------------------------------------------
    def rescore(self, result, score_params=None):
        """Replace ``result``'s scores, flags, order and numbering with this model's
        (flag rule: probability ≥ ``threshold`` plus the size and corroboration rules of
        the hand-weighted scorer); each reason gains its features' ``contribution``."""
        from ringgraph.analysis.score import ScoreParams, is_flagged

        if not result.rings:
            return result
        params = ScoreParams(**{**(score_params or ScoreParams()).to_dict(),
                                "threshold": self.threshold})
        feats = pd.DataFrame([r.features for r in result.rings])
        prob, contrib = self.predict(feats), self.contributions(feats)
        for ring, p, (_, c) in zip(result.rings, prob, contrib.iterrows()):
            ring.score = round(float(p), 4)
            ring.flagged = is_flagged(ring.score, ring.features, params)
            for reason in ring.reasons:
                cols = [f for f in REASON_FEATURES.get(reason["code"], ()) if f in c.index]
                reason["contribution"] = round(float(c[cols].sum()), 4) if cols else None
            ring.reasons.insert(0, _model_reason(ring.score, c))
        result.rings.sort(key=lambda r: (-r.score, r.complaint_ids[0]))
        for i, ring in enumerate(result.rings, start=1):
            ring.rank, ring.ring_id = i, f"RG{i:04d}"
        result.scoring = dict(result.scoring, learned={
            "format": FORMAT, "threshold": self.threshold, "training": self.training})
        return result

    # -- JSON --------------------------------------------------------------------------
    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, **asdict(self)}, ensure_ascii=False,
                          sort_keys=True, indent=1)

    def save(self, path: str | Path) -> Path:
        """Write atomically (a temporary file renamed over ``path``)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(self.to_json() + "\n")
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    @classmethod
    def load(cls, path: str | Path) -> "LearnedScorer":
        d = json.loads(Path(path).read_text(encoding="utf-8"))
        if d.pop("format", None) != FORMAT:
            raise ValueError(f"expected format {FORMAT}")
        return cls(**d)


def _model_reason(p: float, c: pd.Series) -> dict:
    top = c[c.abs() > 0.005].sort_values(key=np.abs, ascending=False)
    shown = "; ".join(f"{k} {v:+.2f}" for k, v in top.head(4).items())
    return {"code": "learned_score", "points": p,
            "zh": f"学习模型评分 {p:.2f}：训练数据中与之相似的社区约 {p:.0%} 为团伙（主要贡献：{shown}）",
            "en": f"Learned score {p:.2f}: of communities like this in the training data, "
                  f"about {p:.0%} were rings (main contributions, log-odds: {shown})",
            "evidence": {"contributions": {k: round(float(v), 4) for k, v in c.items()}}}


def expected_calibration_error(prob, label, bins: int = 10) -> float:
    """Mean |predicted − observed| over equal-width probability bins, weighted by count."""
    prob, label = np.asarray(prob, dtype=float), np.asarray(label, dtype=float)
    if not len(prob):
        return 0.0
    which = np.minimum((prob * bins).astype(int), bins - 1)
    err = 0.0
    for b in np.unique(which):
        inside = which == b
        err += inside.sum() * abs(prob[inside].mean() - label[inside].mean())
    return round(float(err / len(prob)), 4)
