"""Helpers of the verdict-loop tests (DuckDB and Neo4j): copies of a store with some
complaints held back, and new complaints that repeat a ring's misconduct."""

import numpy as np
import pandas as pd

from ringgraph.store import DuckDBStore


def copy_store(src, dst, drop_share: float = 0.0, seed: int = 0):
    """A copy of DuckDB store ``src`` (into a DuckDB path or an open store) without a
    random ``drop_share`` of its complaints and their relationships; returns what was left
    out, ready to be written later."""
    with DuckDBStore(src, read_only=True) as s:
        nodes, edges = s.nodes(), s.edges()
    comp = nodes.loc[nodes["label"] == "Complaint", "key"]
    rng = np.random.default_rng(seed)
    dropped = set(comp[rng.random(len(comp)) < drop_share])
    drop_n = (nodes["label"] == "Complaint") & nodes["key"].isin(dropped)
    drop_e = ((edges["src_label"] == "Complaint") & edges["src_key"].isin(dropped)) | (
        (edges["dst_label"] == "Complaint") & edges["dst_key"].isin(dropped))
    if hasattr(dst, "write"):  # an open store (Neo4j)
        dst.write(nodes[~drop_n], edges[~drop_e])
    else:
        with DuckDBStore(dst) as d:
            d.write(nodes[~drop_n], edges[~drop_e])
    return nodes[drop_n], edges[drop_e]


def clone_members(store, ring, n: int = 3, tag: str = "NEW"):
    """``n`` new complaints by new borrowers that copy member complaints' identifiers (the
    same phones, agents, documents …): more of the ring's misconduct."""
    nodes, edges = store.nodes(), store.edges()
    new_nodes, new_edges = [], []
    for i, cid in enumerate(ring.complaint_ids[:n]):
        new_id = f"{tag}-{i}"
        c = nodes[(nodes["label"] == "Complaint") & (nodes["key"] == cid)].copy()
        new_nodes.append(c.assign(key=new_id, name=new_id, row=900000 + i))
        e = edges[((edges["src_label"] == "Complaint") & (edges["src_key"] == cid))
                  | ((edges["dst_label"] == "Complaint") & (edges["dst_key"] == cid))].copy()
        filed = e["rel"] == "FILED"
        person = f"{tag}-borrower-{i}"
        p = nodes[(nodes["label"] == "Person")
                  & nodes["key"].isin(e.loc[filed, "src_key"])].head(1)
        new_nodes.append(p.assign(key=person, name=person, row=900000 + i))
        e.loc[filed, "src_key"] = person
        e.loc[e["src_key"] == cid, "src_key"] = new_id
        e.loc[e["dst_key"] == cid, "dst_key"] = new_id
        new_edges.append(e.assign(row=900000 + i))
    store.write(pd.concat(new_nodes), pd.concat(new_edges))
