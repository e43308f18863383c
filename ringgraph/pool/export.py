"""An evidence pack of a pooled ring at one lender: its own members in full (as the chosen
PII mode allows), the other lenders' part as aggregates only.

The lender's slice of the ring is scored by the ordinary feature and reason code on the
lender's own graph (:func:`ringgraph.analysis.score.community_features`), so its reasons
describe evidence the lender can show; the pooled score, flag and per-institution counts
come first as a reason of their own and in the ring's ``features["pooled"]``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ringgraph.analysis.pipeline import identifier_names
from ringgraph.analysis.project import project
from ringgraph.analysis.reasons import ring_reasons
from ringgraph.analysis.result import Ring, RingResult
from ringgraph.analysis.score import (community_features, context_kinds, evidence_kinds,
                                      score_components)
from ringgraph.core.errors import InputError
from ringgraph.core.settings import ScoreParams
from ringgraph.evidence.pack import export_pack
from ringgraph.pool.view import pooled_rings
from ringgraph.store.base import GraphStore


def pooled_ring_result(store: GraphStore, result_path: Path, ring_id: str, key: str
                       ) -> RingResult:
    """A one-ring :class:`RingResult` of the lender's slice of pooled ring ``ring_id``."""
    views = [v for v in pooled_rings(store, result_path, key) if v.ring_id == ring_id]
    if not views:
        raise InputError(f"{result_path}: no pooled ring {ring_id!r}")
    view = views[0]
    params = ScoreParams()
    graph = project(store)
    members = set(view.own["complaint_id"])
    labels = np.where(graph.complaints["complaint_id"].isin(members), 0, -1)
    feats, shared = community_features(graph, labels, params)
    f = {k: (v.item() if hasattr(v, "item") else v) for k, v in feats.loc[0].items()}
    f["evidence_kinds"] = evidence_kinds(f, params)
    f["context_kinds"] = context_kinds(f)
    pts = {k: float(v) for k, v in score_components(feats, params).loc[0].items()}
    f["pooled"] = {"score": view.score, "lenders": view.lenders, "facts": view.facts,
                   "evidence_kinds": view.evidence_kinds, "other_lenders": view.others}
    reasons = [_pooled_reason(view)] + [r.to_dict() for r in ring_reasons(
        f, shared, pts, identifier_names(store))]
    ring = Ring(ring_id=ring_id, rank=1, score=view.score, flagged=True,
                complaint_ids=sorted(members), features=f, points=pts, reasons=reasons,
                shared_identifiers=[])
    return RingResult(detector="pooled", params={"result": Path(result_path).name}, seed=0,
                      projection=graph.params.to_dict(), scoring=params.to_dict(),
                      graph_fingerprint=graph.fingerprint(),
                      data_fingerprint=store.fingerprint(), n_complaints=graph.n,
                      rings=[ring])


def _pooled_reason(view) -> dict:
    others = sum(view.others.values())
    zh = (f"【联合检测】该团伙跨 {view.lenders} 家机构，本机构 {len(view.own)} 件；其他机构共 "
          f"{others} 件（仅计数）：" + "，".join(f"{k} {n} 件" for k, n in view.others.items()))
    en = (f"[pooled] The ring spans {view.lenders} institutions: {len(view.own)} complaints "
          f"here, {others} at other institutions (counts only): "
          + ", ".join(f"{k} {n}" for k, n in view.others.items()))
    return {"code": "pooled", "points": 0.0, "zh": zh, "en": en, "kind": "context",
            "evidence": {"lenders": view.lenders, "other_lenders": view.others,
                         "pooled_score": view.score, "pooled_evidence": view.evidence_kinds}}


def export_pooled_ring(store: GraphStore, result_path: Path, ring_id: str, out: Path,
                       key: str, pii: str = "masked") -> Path:
    """Write the evidence pack of the lender's slice of a pooled ring (see module doc)."""
    result = pooled_ring_result(store, result_path, ring_id, key)
    return export_pack(store, result, ring_id, out, pii=pii)
