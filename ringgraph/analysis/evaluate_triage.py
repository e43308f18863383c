"""Triage of complaints against collection call logs, scored against ground truth.

A triage frame has one row per complaint: ``complaint_id``, ``alleged`` (allegation codes
read from the text), ``violations`` (red-line codes found in the logs) and ``status``;
codes are joined by ``;``. :func:`triage_metrics` compares it with the truth
(``truth/calls_truth.csv`` of a simulated scenario, same columns):

* per code of each family, precision, recall and F1 over complaints (a complaint is a
  positive for a code when its cell lists the code);
* status accuracy and the confusion of statuses (truth → predicted → count);
* whether the issue's bar is met: every violation code F1 ≥ 0.98, every allegation code
  F1 ≥ 0.90, status right for ≥ 90 % of complaints.

A truth complaint missing from the triage counts as predicting nothing and status
``missing``; triage rows for complaints the truth does not know are counted, not scored.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ringgraph.analysis.conduct.codes import ALLEGATION_CODES, STATUSES, VIOLATION_CODES

TRIAGE_COLUMNS = ("complaint_id", "alleged", "violations", "status")
TARGETS = {"violations_f1": 0.98, "allegations_f1": 0.90, "status_accuracy": 0.90}
_SPLIT = re.compile(r"[;,|\s]+")


def load_calls_truth(path: str | Path) -> pd.DataFrame:
    """``calls_truth.csv`` given a scenario folder, its ``truth/`` folder or the file."""
    p = Path(path)
    for cand in (p / "truth" / "calls_truth.csv", p / "calls_truth.csv", p):
        if cand.is_file():
            return read_triage(cand)
    raise FileNotFoundError(f"{path}: no call-log ground truth (expected "
                            "truth/calls_truth.csv; simulate with --call-logs)")


def read_triage(path: str | Path) -> pd.DataFrame:
    """A triage (or truth) CSV as strings; raises ``ValueError`` naming missing columns."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in TRIAGE_COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
    return df


def _codes(cells: pd.Series) -> list[set[str]]:
    """Each cell's codes as a set (upper-cased; ``;`` ``,`` ``|`` or spaces separate)."""
    return [{c for c in _SPLIT.split(str(v).strip().upper()) if c} for v in cells.tolist()]


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "support": tp + fn, "precision": p, "recall": r,
            "f1": f}


def code_metrics(pred: list[set[str]], true: list[set[str]], codes) -> dict:
    """Precision / recall / F1 per code over paired rows of code sets.

    >>> m = code_metrics([{"A"}, set(), {"A"}], [{"A"}, {"A"}, set()], ["A"])
    >>> m["A"]["tp"], m["A"]["fp"], m["A"]["fn"], round(m["A"]["f1"], 3)
    (1, 1, 1, 0.5)
    """
    out = {}
    for code in codes:
        tp = sum(code in p and code in t for p, t in zip(pred, true))
        fp = sum(code in p and code not in t for p, t in zip(pred, true))
        fn = sum(code not in p and code in t for p, t in zip(pred, true))
        out[code] = _prf(tp, fp, fn)
    return out


def triage_metrics(pred: pd.DataFrame, truth: pd.DataFrame) -> dict:
    """Compare a triage frame with the truth (see the module docstring).

    Returns
    -------
    dict
        ``violations`` and ``allegations`` (per-code metrics), ``status_accuracy``,
        ``status_confusion`` (truth → predicted → count), ``n_complaints``, ``missing``
        (truth complaints without a triage row), ``extra`` (triage rows the truth does not
        know), ``unknown_codes`` and ``targets`` (each bar and whether it is met).
    """
    pred = pred.drop_duplicates("complaint_id", keep="first")
    t = truth[list(TRIAGE_COLUMNS)].merge(pred[list(TRIAGE_COLUMNS)], on="complaint_id",
                                          how="left", suffixes=("_t", "_p"),
                                          indicator=True)
    missing = int((t["_merge"] == "left_only").sum())
    t = t.fillna({"alleged_p": "", "violations_p": "", "status_p": "missing"})
    extra = int((~pred["complaint_id"].isin(truth["complaint_id"])).sum())
    res: dict = {"n_complaints": len(t), "missing": missing, "extra": extra}
    unknown: set[str] = set()
    for fam, codes in (("violations", VIOLATION_CODES), ("allegations", ALLEGATION_CODES)):
        col = "alleged" if fam == "allegations" else "violations"
        p, tr = _codes(t[f"{col}_p"]), _codes(t[f"{col}_t"])
        unknown |= set().union(*p, set()) - set(codes)
        res[fam] = code_metrics(p, tr, codes)
    sp = t["status_p"].str.strip().str.lower()
    st = t["status_t"].str.strip().str.lower()
    res["status_accuracy"] = float((sp == st).mean()) if len(t) else 1.0
    conf: dict[str, dict[str, int]] = {}
    for (a, b), k in pd.crosstab(st, sp).stack().items():
        if k:
            conf.setdefault(a, {})[b] = int(k)
    res["status_confusion"] = conf
    res["unknown_codes"] = sorted(unknown)
    res["targets"] = _targets(res)
    return res


def _targets(res: dict) -> dict:
    v = min(m["f1"] for m in res["violations"].values())
    a = min(m["f1"] for m in res["allegations"].values())
    got = {"violations_f1": v, "allegations_f1": a, "status_accuracy": res["status_accuracy"]}
    return {k: {"value": got[k], "target": TARGETS[k], "met": got[k] >= TARGETS[k]}
            for k in TARGETS}


def format_metrics(res: dict) -> str:
    """A plain-text table of :func:`triage_metrics` output."""
    lines = [f"complaints {res['n_complaints']}  missing from triage {res['missing']}  "
             f"extra rows {res['extra']}"]
    lines.append(f"{'code':<28}{'support':>8}{'tp':>7}{'fp':>7}{'fn':>7}"
                 f"{'precision':>11}{'recall':>8}{'F1':>7}")
    for fam in ("violations", "allegations"):
        for code, m in res[fam].items():
            lines.append(f"{code:<28}{m['support']:>8}{m['tp']:>7}{m['fp']:>7}{m['fn']:>7}"
                         f"{m['precision']:>11.3f}{m['recall']:>8.3f}{m['f1']:>7.3f}")
    lines.append(f"status accuracy {res['status_accuracy']:.3f}")
    labels = [s for s in (*STATUSES, "missing")
              if s in res["status_confusion"]
              or any(s in row for row in res["status_confusion"].values())]
    labels += sorted({b for row in res["status_confusion"].values() for b in row} - set(labels))
    lines.append("truth \\ triage".ljust(16) + "".join(f"{s[:13]:>14}" for s in labels))
    for a in labels:
        row = res["status_confusion"].get(a, {})
        if row:
            lines.append(a.ljust(16) + "".join(f"{row.get(b, 0):>14}" for b in labels))
    if res["unknown_codes"]:
        lines.append("unknown codes: " + ", ".join(res["unknown_codes"]))
    for k, v in res["targets"].items():
        lines.append(f"{k} {v['value']:.3f} (target ≥ {v['target']:.2f}): "
                     + ("met" if v["met"] else "NOT met"))
    return "\n".join(lines)
