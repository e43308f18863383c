"""Case linking: which known ring does a new complaint most likely belong to, and why?

Detection is not re-run. New exports are ingested (incrementally) and projected; each new
complaint is compared with the members of the flagged rings of an earlier
:class:`~ringgraph.result.RingResult` through the identifiers they share. Each shared
identifier adds ``trust[type] / log2(1 + degree)`` to the complaint's score for that ring
(a rare identifier says more than a common one; hubs were already cut by the projection),
and the best-scoring ring is reported when its score reaches ``min_score``, with the
identifiers as evidence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ringgraph.core import model as m
from ringgraph.analysis.project import ComplaintGraph
from ringgraph.analysis.result import RingResult
from ringgraph.analysis.score import TYPE_NAMES, display_ident

LINK_COLUMNS = ["complaint_id", "status", "ring_id", "score", "shared_identifiers",
                "reason_zh", "reason_en"]


def link_complaints(graph: ComplaintGraph, result: RingResult, complaint_ids: list[str],
                    min_score: float = 1.5, names: dict | None = None) -> pd.DataFrame:
    """Link complaints to the flagged rings of ``result``.

    Parameters
    ----------
    graph : ComplaintGraph
        Current projection of the store (including the new complaints).
    result : RingResult
        Earlier detection result whose flagged rings are the known rings.
    complaint_ids : list of str
        Complaints to link.
    min_score : float
        Smallest score for a link (one shared device of a ring seen on 3 complaints scores
        1.5 / log2(4) = 0.75; a reused forged file on 5 complaints 3 / log2(6) ≈ 1.16).
    names : dict, optional
        Display names of identifiers (``ringgraph.rank.identifier_names``).

    Returns
    -------
    DataFrame
        One row per complaint: ``complaint_id, status`` (``member`` of a ring already,
        ``linked``, ``unlinked`` or ``unknown`` when not in the store), ``ring_id, score,
        shared_identifiers`` (list of dicts: type, shown, degree, ring_members),
        ``reason_zh, reason_en``. Sorted by complaint id.
    """
    ids = graph.complaints["complaint_id"].to_numpy(dtype=str)
    index = pd.Series(np.arange(len(ids)), index=ids)
    ring_of = {c: r.ring_id for r in result.flagged() for c in r.complaint_ids}
    member_idx = np.array([index[c] for c in ring_of if c in index.index], dtype=np.int64)
    ring_by_idx = pd.Series([ring_of[ids[i]] for i in member_idx], index=member_idx,
                            dtype=object)

    wanted = sorted(set(complaint_ids))
    known = [c for c in wanted if c in index.index]
    per_ident, best = _evidence(graph, index[known].to_numpy(), member_idx, ring_by_idx)
    rows = []
    for c in wanted:
        if c not in index.index:
            rows.append(dict(complaint_id=c, status="unknown", ring_id="", score=0.0,
                             shared_identifiers=[], reason_zh="库中没有该投诉",
                             reason_en="complaint not in the store"))
        elif c in ring_of:
            rows.append(dict(complaint_id=c, status="member", ring_id=ring_of[c], score=None,
                             shared_identifiers=[],
                             reason_zh=f"已是团伙 {ring_of[c]} 的成员",
                             reason_en=f"already a member of ring {ring_of[c]}"))
        elif index[c] not in best.index or best.loc[index[c], "points"] < min_score:
            i = index[c]
            score = float(best.loc[i, "points"]) if i in best.index else 0.0
            rows.append(dict(complaint_id=c, status="unlinked", ring_id="",
                             score=round(score, 4), shared_identifiers=[],
                             reason_zh="与已知团伙没有足够的共同标识",
                             reason_en="not enough shared identifiers with any known ring"))
        else:
            rows.append(_linked(c, index[c], best, per_ident, names))
    return pd.DataFrame(rows, columns=LINK_COLUMNS)


def _evidence(graph: ComplaintGraph, new_idx: np.ndarray, member_idx: np.ndarray,
              ring_by_idx: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Identifiers the new complaints share with ring members, with points, and each new
    complaint's best ring (``complaint -> ring_id, points``)."""
    inc = graph.incidence
    new_inc = inc[inc["complaint"].isin(new_idx)]
    ring_inc = inc[inc["complaint"].isin(member_idx)]
    pairs = new_inc.merge(ring_inc[["complaint", "ident_type", "ident"]],
                          on=["ident_type", "ident"], suffixes=("", "_member"))
    pairs = pairs[pairs["complaint"] != pairs["complaint_member"]]
    pairs = pairs.assign(ring_id=pairs["complaint_member"].map(ring_by_idx))
    per_ident = (pairs.groupby(["complaint", "ring_id", "ident_type", "ident"])
                 .agg(degree=("degree", "first"), ring_members=("complaint_member", "nunique"))
                 .reset_index())
    trust = per_ident["ident_type"].map(graph.params.trust).fillna(1.0)
    per_ident["points"] = trust / np.log2(1 + per_ident["degree"])
    per_ring = per_ident.groupby(["complaint", "ring_id"])["points"].sum().reset_index()
    per_ring = per_ring.sort_values(["complaint", "points", "ring_id"],
                                    ascending=[True, False, True])
    return per_ident, per_ring.drop_duplicates("complaint").set_index("complaint")


def _linked(c: str, i: int, best: pd.DataFrame, per_ident: pd.DataFrame,
            names: dict | None) -> dict:
    """The row of a complaint linked to its best ring, with the shared identifiers."""
    ring_id = best.loc[i, "ring_id"]
    ev = per_ident[(per_ident["complaint"] == i) & (per_ident["ring_id"] == ring_id)]
    ev = ev.sort_values(["ring_members", "points", "ident_type", "ident"],
                        ascending=[False, False, True, True])
    shared = [{"type": e.ident_type, "shown": display_ident(e.ident_type, e.ident, names),
               "ident": e.ident, "degree": int(e.degree), "ring_members": int(e.ring_members),
               "points": round(float(e.points), 4)} for e in ev.itertuples()]
    top = shared[0]
    zh_type, en_type = TYPE_NAMES.get(top["type"], (top["type"], top["type"]))
    more = len(shared) - 1
    if top["type"] == m.PERSON:
        zh = f"同一借款人 {top['shown']} 已在团伙 {ring_id} 中投诉"
        en = f"the same borrower {top['shown']} already filed within ring {ring_id}"
    else:
        zh = (f"与团伙 {ring_id} 共用{zh_type} {top['shown']}"
              f"（该团伙 {top['ring_members']} 名成员使用）")
        en = (f"shares the {en_type} {top['shown']} with {top['ring_members']} "
              f"member(s) of ring {ring_id}")
    return dict(complaint_id=c, status="linked", ring_id=ring_id,
                score=round(float(best.loc[i, "points"]), 4), shared_identifiers=shared,
                reason_zh=zh + (f"，共 {len(shared)} 个共同标识" if more else ""),
                reason_en=en + (f", {len(shared)} shared identifiers in all" if more else ""))
