"""Investigators' verdicts on rings, and what they change on the next detection.

A verdict (``confirmed``, ``dismissed`` or ``unsure``, with reviewer, time and note) is kept
in the store against the ring's id and its member complaints, with the features and score
points the ring had when it was judged. On the next run (rings carry stable ids, see
:mod:`ringgraph.analysis.lineage`):

- a **dismissed** ring is not flagged again unless new evidence appeared: new member
  complaints, or a misconduct signal that is new or stronger (an evidence kind it did not
  show, or a score component up by at least ``NEW_SIGNAL_POINTS``). Either way the first
  reason says why;
- a **confirmed** ring stays flagged, and the complaints that joined it since are listed as
  new;
- an **unsure** verdict changes nothing but is shown.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from ringgraph.analysis.result import Ring, RingResult
from ringgraph.analysis.score import evidence_kinds
from ringgraph.store.base import GraphStore

VERDICTS = ("confirmed", "dismissed", "unsure")
NEW_SIGNAL_POINTS = 0.02
VERDICT_ZH = {"confirmed": "确认", "dismissed": "排除", "unsure": "存疑"}
SIGNAL_ZH = {
    "sharing": "共用标识", "spread": "跨省分布", "material": "材料复用",
    "representation": "共同代理", "fees": "收费账户", "demands": "施压诉求",
    "templates": "模板文本", "burst": "集中投诉", "shared_channel": "共用联系渠道",
    "material_reuse": "材料复用", "fee_account": "收费账户", "pressure_demands": "施压诉求",
    "template_texts": "模板文本",
}


def record_verdict(store: GraphStore, result: RingResult, ring_id: str, verdict: str,
                   note: str = "", by: str = "", at: str | None = None) -> dict:
    """Store a verdict on ``ring_id`` of ``result``; returns the stored record.

    Raises ``KeyError`` for an unknown ring, ``ValueError`` for an unknown verdict.
    """
    if verdict not in VERDICTS:
        raise ValueError(f"verdict must be one of {', '.join(VERDICTS)}, not {verdict!r}")
    ring = result.ring(ring_id)
    at = at or dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    record = {"ring_id": ring.ring_id, "verdict": verdict, "note": note, "reviewer": by,
              "at": at, "complaint_ids": json.dumps(ring.complaint_ids, ensure_ascii=False),
              "features": json.dumps(ring.features, ensure_ascii=False, sort_keys=True),
              "points": json.dumps(ring.points, sort_keys=True)}
    store.write_verdict(record)
    return record


def latest(verdicts: pd.DataFrame) -> dict[str, dict]:
    """The most recent verdict of each ring id."""
    if verdicts.empty:
        return {}
    last = verdicts.sort_values("seq", kind="stable").drop_duplicates("ring_id", keep="last")
    return {r["ring_id"]: r for r in last.to_dict("records")}


def new_evidence(ring: Ring, verdict: dict) -> tuple[list[str], list[dict]]:
    """Complaints that joined ``ring`` since ``verdict``, and its new or stronger signals."""
    before = set(json.loads(verdict["complaint_ids"] or "[]"))
    joined = sorted(set(ring.complaint_ids) - before)
    feats_then = json.loads(verdict["features"] or "{}")
    points_then = json.loads(verdict["points"] or "{}")
    signals = []
    kinds_then = set(feats_then.get("evidence_kinds") or
                     (evidence_kinds(feats_then) if feats_then else []))
    for kind in ring.features.get("evidence_kinds") or evidence_kinds(ring.features):
        if kind not in kinds_then:
            signals.append({"signal": kind, "kind": "new_evidence_kind"})
    for comp, now in sorted(ring.points.items()):
        gain = round(float(now) - float(points_then.get(comp, 0.0)), 4)
        if gain >= NEW_SIGNAL_POINTS:
            signals.append({"signal": comp, "kind": "stronger", "points_gained": gain})
    return joined, signals


def apply_verdicts(result: RingResult, verdicts: pd.DataFrame) -> RingResult:
    """Apply the latest verdict of each ring to ``result`` (flags, reasons, ``verdict``)."""
    last = latest(verdicts)
    for ring in result.rings:
        v = last.get(ring.ring_id)
        if v is None:
            continue
        joined, signals = new_evidence(ring, v)
        ring.verdict = {"verdict": v["verdict"], "by": v["reviewer"] or "", "at": v["at"],
                        "note": v["note"] or "", "new_complaints": joined,
                        "new_signals": signals, "suppressed": False}
        if v["verdict"] == "dismissed":
            if joined or signals:
                ring.reasons.insert(0, _reason_new(ring.verdict))
            else:
                ring.verdict["suppressed"] = ring.flagged
                ring.flagged = False
                ring.reasons.insert(0, _reason_dismissed(ring.verdict))
        elif v["verdict"] == "confirmed":
            ring.flagged = True
            ring.reasons.insert(0, _reason_confirmed(ring.verdict))
        else:
            ring.reasons.insert(0, _reason(ring.verdict, "verdict_unsure", "", ""))
    return result


def _who(v: dict) -> tuple[str, str]:
    date = str(v["at"])[:10]
    by = v["by"] or "?"
    note = f"（{v['note']}）" if v["note"] else ""
    note_en = f" ({v['note']})" if v["note"] else ""
    return (f"{date} 由 {by} 复核为“{VERDICT_ZH[v['verdict']]}”{note}",
            f"{v['verdict']} by {by} on {date}{note_en}")


def _reason(v: dict, code: str, zh: str, en: str) -> dict:
    who_zh, who_en = _who(v)
    return {"code": code, "points": 0.0, "zh": f"已于 {who_zh}{zh}",
            "en": f"{who_en[0].upper()}{who_en[1:]}{en}",
            "evidence": {k: v[k] for k in ("verdict", "by", "at", "note", "new_complaints",
                                           "new_signals")}}


def _reason_dismissed(v: dict) -> dict:
    return _reason(v, "verdict_dismissed", "；此后无新成员、无新的违规信号，本次不再标记",
                   "; no new members or misconduct signals since, so not flagged again")


def _signals_text(signals: list[dict]) -> tuple[str, str]:
    zh = "、".join(SIGNAL_ZH.get(s["signal"], s["signal"])
                  + (f"（+{s['points_gained']:.2f} 分）" if "points_gained" in s else "（新出现）")
                  for s in signals)
    en = ", ".join(s["signal"] + (f" (+{s['points_gained']:.2f} points)"
                                  if "points_gained" in s else " (new)") for s in signals)
    return zh, en


def _reason_new(v: dict) -> dict:
    parts_zh, parts_en = [], []
    if v["new_complaints"]:
        n = len(v["new_complaints"])
        parts_zh.append(f"新增 {n} 起投诉")
        parts_en.append(f"{n} new complaint{'s' if n != 1 else ''}")
    if v["new_signals"]:
        zh, en = _signals_text(v["new_signals"])
        parts_zh.append(f"新的违规信号：{zh}")
        parts_en.append(f"new misconduct signals: {en}")
    return _reason(v, "new_since_dismissal", "，此后出现新证据：" + "；".join(parts_zh),
                   "; new evidence since: " + "; ".join(parts_en))


def _reason_confirmed(v: dict) -> dict:
    n = len(v["new_complaints"])
    return _reason(v, "verdict_confirmed",
                   f"，保持标记；此后新加入 {n} 起投诉" if n else "，保持标记",
                   f"; stays flagged; {n} complaints joined since" if n else "; stays flagged")


def verdict_list(verdicts: pd.DataFrame) -> pd.DataFrame:
    """Every verdict, oldest first, as ``ringgraph review --list`` shows them: ``at,
    ring_id, verdict, reviewer, complaints, note``."""
    cols = ["at", "ring_id", "verdict", "reviewer", "complaints", "note"]
    if verdicts.empty:
        return pd.DataFrame(columns=cols)
    v = verdicts.sort_values("seq", kind="stable") if "seq" in verdicts else verdicts
    return pd.DataFrame({
        "at": v["at"].astype(str), "ring_id": v["ring_id"], "verdict": v["verdict"],
        "reviewer": v["reviewer"].fillna("").astype(str),
        "complaints": [len(json.loads(c or "[]")) for c in v["complaint_ids"]],
        "note": v["note"].fillna("").astype(str)}, columns=cols).reset_index(drop=True)
