"""Graph-wide views: degrees, the most connected identifiers, per-label statistics."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ringgraph.core import model as m
from ringgraph.investigate.subgraph import degree_in
from ringgraph.store.base import GraphStore
from ringgraph.viz.describe import shown as _shown

# Institutions complained against are hubs by nature; the question is who else is one.
HUB_LABELS = tuple(lb for lb in m.IDENTIFIER_LABELS if lb != m.INSTITUTION)


def degrees(store: GraphStore) -> pd.DataFrame:
    """Degree (number of relationships) of every node: ``label, key, degree``."""
    nodes = store.nodes()[["label", "key"]]
    edges = store.edges()
    return nodes.assign(degree=degree_in(nodes, edges))


def hubs(store: GraphStore, top: int = 15, labels=HUB_LABELS,
         mask: bool = True) -> pd.DataFrame:
    """The most connected identifiers: what links the most complaints and borrowers.

    Returns ``label, shown, key, complaints, borrowers, degree``, most borrowers first.
    A hub is not a ring by itself: carrier-NAT IPs, service numbers and utility accounts are
    hubs too (the projection damps or cuts them).
    """
    nodes = store.nodes()
    edges = store.edges()
    filed = edges[edges["rel"] == m.FILED]
    filer = dict(zip(filed["dst_key"], filed["src_key"]))
    rows = []
    for end, other in (("dst", "src"), ("src", "dst")):
        e = edges[edges[f"{end}_label"].isin(labels)]
        is_c = e[f"{other}_label"] == m.COMPLAINT
        is_p = e[f"{other}_label"] == m.PERSON
        rows.append(pd.DataFrame({
            "label": e[f"{end}_label"], "key": e[f"{end}_key"],
            "complaint": e[f"{other}_key"].where(is_c),
            "borrower": np.where(is_c, e[f"{other}_key"].map(filer),
                                 np.where(is_p, e[f"{other}_key"], None))}))
    inc = pd.concat(rows, ignore_index=True)
    g = inc.groupby(["label", "key"]).agg(complaints=("complaint", "nunique"),
                                          borrowers=("borrower", "nunique"),
                                          degree=("complaint", "size")).reset_index()
    g = g.sort_values(["borrowers", "complaints", "label", "key"],
                      ascending=[False, False, True, True]).head(top)
    names = nodes.set_index(["label", "key"])["name"]
    g["shown"] = [_shown(lb, k, names.get((lb, k), ""), mask)
                  for lb, k in zip(g["label"], g["key"])]
    return g[["label", "shown", "key", "complaints", "borrowers", "degree"]].reset_index(drop=True)


def graph_stats(store: GraphStore) -> pd.DataFrame:
    """Per label: nodes, and the mean, median and maximum degree.

    A heavy tail (max far above the median) marks hubs worth a look.
    """
    d = degrees(store)
    g = d.groupby("label")["degree"].agg(nodes="size", mean="mean", median="median", max="max")
    g["mean"] = g["mean"].round(2)
    return g.sort_values("nodes", ascending=False)
