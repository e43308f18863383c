"""Graph frames made ready for a network view: columns filled, degrees, and the summary
that replaces a view too large to draw node by node (identifiers collapsed by type)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from ringgraph.core import model as m
from ringgraph.viz.describe import props_of, shown

KEEP_TOP = 60
"""How many of the most connected identifiers a summarised view keeps as their own nodes."""
IDENTIFIER_LABELS = m.IDENTIFIER_LABELS


def view_frames(nodes: pd.DataFrame, edges: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    nodes = nodes.copy()
    for col, default in (("name", ""), ("props", "{}"), ("ring_id", ""), ("focus", False),
                         ("count", 1), ("examples", None)):
        if col not in nodes.columns:
            nodes[col] = default
    nodes["ring_id"] = nodes["ring_id"].fillna("").astype(str)
    nodes["focus"] = nodes["focus"].fillna(False).astype(bool)
    nodes = nodes.drop_duplicates(["label", "key"]).reset_index(drop=True)
    edges = edges.copy()
    for col in ("eid", "props", "source", "row", "at"):
        if col not in edges.columns:
            edges[col] = None
    if "count" not in edges.columns:
        edges["count"] = 1
    known = set(zip(nodes["label"], nodes["key"]))
    keep = [(a, b) in known and (c, d) in known for a, b, c, d in zip(
        edges["src_label"], edges["src_key"], edges["dst_label"], edges["dst_key"])]
    return nodes, edges[keep].reset_index(drop=True)


def degrees(nodes: pd.DataFrame, edges: pd.DataFrame) -> np.ndarray:
    ends = pd.concat([
        pd.DataFrame({"label": edges["src_label"], "key": edges["src_key"]}),
        pd.DataFrame({"label": edges["dst_label"], "key": edges["dst_key"]})])
    deg = ends.groupby(["label", "key"]).size()
    idx = pd.MultiIndex.from_arrays([nodes["label"], nodes["key"]])
    return deg.reindex(idx).fillna(0).to_numpy(dtype=np.int64)


def summarise(nodes: pd.DataFrame, edges: pd.DataFrame, keep_top: int = KEEP_TOP,
              mask: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Collapse a large view: one node per label (ring members and others apart), keeping
    focus nodes and the ``keep_top`` most connected identifiers as their own nodes.

    Relationships between collapsed nodes are merged, with their number as ``count``.

    >>> n = pd.DataFrame({"label": ["Phone"] + ["Complaint"] * 3, "key": ["p", "a", "b", "c"]})
    >>> e = pd.DataFrame({"rel": "CONTACT", "src_label": "Complaint", "src_key": ["a", "b", "c"],
    ...                   "dst_label": "Phone", "dst_key": "p"})
    >>> sn, se = summarise(n, e, keep_top=1)
    >>> sn[["label", "count"]].values.tolist(), se["count"].tolist()
    ([['Phone', 1], ['Complaint', 3]], [3])
    """
    nodes, edges = view_frames(nodes, edges)
    deg = degrees(nodes, edges)
    is_ident = nodes["label"].isin(IDENTIFIER_LABELS).to_numpy()
    order = np.lexsort((nodes["key"].to_numpy(), -deg))
    top = [i for i in order if is_ident[i] and deg[i] >= 2][:keep_top]
    individual = set(top) | set(np.flatnonzero(nodes["focus"].to_numpy()))

    rep_key: list[str] = []
    for i, row in enumerate(nodes.itertuples(index=False)):
        if i in individual:
            rep_key.append(row.key)
        else:
            side = "ring" if row.ring_id else "other"
            rep_key.append(f"group:{row.label}:{side}")
    nodes = nodes.assign(rep=rep_key, degree=deg)

    singles = nodes[nodes["rep"] == nodes["key"]].drop(columns=["rep", "degree"])
    grouped = nodes[nodes["rep"] != nodes["key"]]
    groups = []
    for (label, rep), g in grouped.groupby(["label", "rep"], sort=True):
        g = g.sort_values(["degree", "key"], ascending=[False, True])
        examples = [shown(label, k, nm, mask) for k, nm in zip(g["key"].head(5),
                                                              g["name"].head(5))]
        ring_ids = sorted({r for r in g["ring_id"] if r})
        groups.append({"label": label, "key": rep, "name": "", "props": "{}",
                       "ring_id": ",".join(ring_ids[:3]), "focus": False, "count": len(g),
                       "examples": examples})
    out_nodes = pd.concat([singles, pd.DataFrame(groups)], ignore_index=True) \
        if groups else singles.reset_index(drop=True)

    rep = dict(zip(zip(nodes["label"], nodes["key"]), nodes["rep"]))
    e = edges.assign(src_key=[rep[(a, b)] for a, b in zip(edges["src_label"], edges["src_key"])],
                     dst_key=[rep[(a, b)] for a, b in zip(edges["dst_label"], edges["dst_key"])])
    e = e[(e["src_label"] != e["dst_label"]) | (e["src_key"] != e["dst_key"])]
    amounts = [props_of(p).get("amount") for p in e["props"]]
    e = e.assign(amount=pd.to_numeric(pd.Series(amounts, index=e.index, dtype=object),
                                      errors="coerce"))
    agg = (e.groupby(["rel", "src_label", "src_key", "dst_label", "dst_key"], sort=True)
           .agg(count=("count", "sum"), amount=("amount", "sum"), source=("source", "first"),
                row=("row", "first"), at=("at", "first"))
           .reset_index())
    agg["props"] = [json.dumps({"amount": round(float(a), 2)} if a and a == a else {})
                    for a in agg["amount"]]
    agg["eid"] = ""
    many = agg["count"] > 1
    agg.loc[many, ["source", "row", "at"]] = None
    return out_nodes, agg.drop(columns=["amount"])
