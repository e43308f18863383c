"""Projection: the stored property graph → a weighted complaint–complaint graph.

Two complaints are linked when they share an identifier (contact phone, device, IP, agent,
org, document file, certificate number, the same borrower, the borrower's phone, a payee
account the borrower paid). An identifier seen on ``d`` complaints adds ``trust[type] /
(d - 1)`` to each of its ``d (d - 1) / 2`` pairs, so a rare identifier links strongly and a
common one weakly; identifiers above a per-type degree cap (carrier-NAT IPs, switchboards,
utility accounts) are cut, as are service numbers (95xxx, 400) unless asked for.

The result is integer-coded: complaints are numbered in sorted id order and edges are
sorted, so community detection sees the same input whatever order rows were stored in.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ringgraph.analysis.hubs import shape_hubs
from ringgraph.core import model as m
from ringgraph.core.progress import SILENT, Progress
from ringgraph.core.settings import ProjectionParams  # noqa: F401 - part of this module's API
from ringgraph.store.base import GraphStore

# Identifier types used in the projection (a Document's certificate number is its own type).
CERT = m.CERT
IDENT_TYPES = (m.PHONE, m.DEVICE, m.IP, m.AGENT, m.ORG, m.DOCUMENT, CERT, m.PERSON, m.ACCOUNT)


TEXT = m.TEXT   # derived link: near-duplicate complaint texts (not an identifier)
SIGNATURE = "minhash"   # a pooled complaint's text signature (hex), in place of its text
HOUSEHOLD = "household"   # a pooled borrower's household token, in place of name and ID


@dataclass
class ComplaintGraph:
    """Integer-coded weighted complaint graph plus what scoring needs.

    Attributes
    ----------
    complaints : DataFrame
        One row per complaint in id order: ``complaint_id, person, province, demands, at,
        text``.
    src, dst, weight : ndarray
        Undirected edges with ``src < dst`` (indices into ``complaints``), sorted.
    incidence : DataFrame
        ``complaint`` (index), ``ident_type``, ``ident`` (store key), ``degree`` for every
        identifier kept by the projection.
    params : ProjectionParams
    """

    complaints: pd.DataFrame
    src: np.ndarray
    dst: np.ndarray
    weight: np.ndarray
    incidence: pd.DataFrame
    params: ProjectionParams
    cut: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def n(self) -> int:
        return len(self.complaints)

    def fingerprint(self) -> str:
        """SHA-256 of the complaint ids, edges, weights and projection parameters."""
        h = hashlib.sha256()
        h.update("\x1f".join(self.complaints["complaint_id"]).encode())
        for arr in (self.src.astype(np.int64), self.dst.astype(np.int64),
                    np.round(self.weight, 9)):
            h.update(arr.tobytes())
        h.update(json.dumps(self.params.to_dict(), sort_keys=True).encode())
        return h.hexdigest()

    def to_igraph(self):
        """igraph Graph with a ``weight`` edge attribute."""
        import igraph as ig

        # Pairs from two flat lists: ~3x faster than a 2-D array's tolist() on big graphs.
        g = ig.Graph(n=self.n, edges=list(zip(self.src.tolist(), self.dst.tolist())),
                     directed=False)
        g.es["weight"] = self.weight
        return g

    def to_networkx(self, weighted: bool = True):
        """networkx Graph, nodes and edges added in sorted order (deterministic)."""
        import networkx as nx

        g = nx.Graph()
        g.add_nodes_from(range(self.n))
        if weighted:
            g.add_weighted_edges_from(zip(self.src.tolist(), self.dst.tolist(),
                                          self.weight.tolist()))
        else:
            g.add_edges_from(zip(self.src.tolist(), self.dst.tolist()))
        return g

    def canonical(self) -> tuple["ComplaintGraph", np.ndarray]:
        """The graph with complaints in id order and edges sorted, and ``order`` such that
        canonical complaint ``i`` is complaint ``order[i]`` of this graph.

        Community detection (igraph, python-louvain, networkx) depends on vertex and edge
        order; fitting on the canonical form makes results independent of input order.
        """
        order = np.argsort(self.complaints["complaint_id"].to_numpy(dtype=str), kind="stable")
        inv = np.empty_like(order)
        inv[order] = np.arange(self.n)
        s, d = inv[self.src], inv[self.dst]
        lo, hi = np.minimum(s, d), np.maximum(s, d)
        e = np.lexsort((hi, lo))
        inc = self.incidence.assign(complaint=inv[self.incidence["complaint"].to_numpy()])
        inc = inc.sort_values(["ident_type", "ident", "complaint"], kind="stable")
        graph = ComplaintGraph(self.complaints.iloc[order].reset_index(drop=True), lo[e], hi[e],
                               self.weight[e], inc.reset_index(drop=True), self.params, self.cut)
        return graph, order

    def subgraph(self, keep: np.ndarray) -> tuple["ComplaintGraph", np.ndarray]:
        """The graph on complaints where ``keep`` is true, order preserved, and their
        positions in this graph. Edges with an end outside are dropped."""
        pos = np.flatnonzero(keep)
        new = np.full(self.n, -1, dtype=np.int64)
        new[pos] = np.arange(len(pos))
        e = keep[self.src] & keep[self.dst]
        inc = self.incidence[keep[self.incidence["complaint"].to_numpy()]]
        inc = inc.assign(complaint=new[inc["complaint"].to_numpy()])
        return ComplaintGraph(self.complaints.iloc[pos].reset_index(drop=True),
                              new[self.src[e]], new[self.dst[e]], self.weight[e],
                              inc.reset_index(drop=True), self.params, self.cut), pos

    def shuffled(self, seed: int) -> "ComplaintGraph":
        """The same graph with complaints and edges in another order (for order tests)."""
        rng = np.random.default_rng(seed)
        perm = rng.permutation(self.n)
        inv = np.empty_like(perm)
        inv[perm] = np.arange(self.n)
        complaints = self.complaints.iloc[perm].reset_index(drop=True)
        s, d = inv[self.src], inv[self.dst]
        order = rng.permutation(len(s))
        inc = self.incidence.assign(complaint=inv[self.incidence["complaint"].to_numpy()])
        return ComplaintGraph(complaints, np.minimum(s, d)[order], np.maximum(s, d)[order],
                              self.weight[order], inc.sample(frac=1.0, random_state=seed)
                              .reset_index(drop=True), self.params, self.cut)


def complaint_table(store: GraphStore) -> pd.DataFrame:
    """Complaints with the attributes scoring needs, in id order.

    Properties are read one at a time through :meth:`GraphStore.node_property`, which a
    store answers without shipping and parsing every property document in Python.
    """
    prop = {k: store.node_property(m.COMPLAINT, k)
            for k in ("province", "demands", "received_at", "text", SIGNATURE)}
    keys = prop["province"].index.astype(str)
    filed = store.edges((m.FILED,))
    person = filed.drop_duplicates("dst_key").set_index("dst_key")["src_key"]
    out = pd.DataFrame({
        "complaint_id": keys.to_numpy(),
        "person": keys.map(person).fillna("").to_numpy(),
        "province": prop["province"].reindex(keys).fillna("").to_numpy(dtype=object),
        "demands": prop["demands"].reindex(keys).fillna("").to_numpy(dtype=object),
        "at": pd.to_datetime(prop["received_at"].reindex(keys), errors="coerce").to_numpy(),
        "text": prop["text"].reindex(keys).fillna("").to_numpy(dtype=object),
    })
    # A pooled store (ringgraph.pool) carries MinHash signatures instead of texts.
    sig = prop[SIGNATURE].reindex(keys)
    if sig.notna().any():
        out["signature"] = sig.fillna("").to_numpy(dtype=object)
    out = out.assign(**_borrower_columns(store, out["person"]))
    against = store.edge_ends((m.AGAINST,)).drop_duplicates("src_key").set_index("src_key")
    out["institution"] = out["complaint_id"].map(against["dst_key"]).fillna("").to_numpy(
        dtype=object)
    # Whether the ticket names a representative (agent or organisation): filing for a
    # client from the firm's own computer is representation, not a borrower's identity
    # taken over (see ringgraph.analysis.signals.handover_borrowers).
    rep = store.edge_ends((m.REPRESENTED_BY, m.VIA_ORG))
    out["represented"] = out["complaint_id"].isin(set(rep["src_key"])).to_numpy()
    return out.sort_values("complaint_id", kind="stable").reset_index(drop=True)


def _borrower_columns(store: GraphStore, person: pd.Series) -> dict[str, np.ndarray]:
    """``household`` and ``own_phone`` of each complaint's borrower.

    A household is surname + the city of the resident ID (its first four digits, which
    masked IDs keep too): relatives share documents, devices and phones, strangers do not. Without
    a name the borrower is a household of their own. ``own_phone`` is the borrower's
    registered mobile (预留手机号), the smallest key when several.
    """
    people = store.nodes(m.PERSON)
    name = people.set_index("key")["name"].fillna("").astype(str) if len(people) else \
        pd.Series(dtype=object)
    p = person.astype(str)
    household = household_keys(p, p.map(name).fillna(""))
    # A pooled store has tokens for keys and no names: the household came as a token.
    pooled = store.node_property(m.PERSON, HOUSEHOLD).dropna()
    if len(pooled):
        household = np.where(p.isin(pooled.index), p.map(pooled), household).astype(object)
    owned = store.edge_ends((m.HAS_PHONE,))
    owned = owned[owned["src_label"] == m.PERSON].sort_values(["src_key", "dst_key"])
    phone = owned.drop_duplicates("src_key").set_index("src_key")["dst_key"]
    return {"household": household,
            "own_phone": p.map(phone).fillna("").to_numpy(dtype=object)}


def household_keys(person: pd.Series, name: pd.Series) -> np.ndarray:
    """Household of each borrower: surname + the city of the resident ID (its first four
    digits, which masked IDs keep too); without both, the borrower's own key."""
    p = person.astype(str)
    surname = name.astype(str).str[:1]
    region = p.str.removeprefix("masked:").str.extract(r"^(\d{4})", expand=False).fillna("")
    family = (surname != "") & (region != "")
    return np.where(family, surname + "|" + region, p).astype(object)


def incidence_table(store: GraphStore, complaints: pd.DataFrame,
                    params: ProjectionParams | None = None) -> pd.DataFrame:
    """Complaint ↔ identifier pairs (``complaint_id, ident_type, ident``), deduplicated."""
    params = params or ProjectionParams()
    e = store.edge_ends((m.CONTACT, m.SUBMITTED_FROM, m.REPRESENTED_BY, m.VIA_ORG,
                         m.ATTACHED, m.FILED, m.HAS_PHONE))
    paid = store.edge_property(m.PAID, "amount")
    amount = pd.to_numeric(paid["value"], errors="coerce").fillna(0.0).to_numpy()
    memo = store.edge_property(m.PAID, "memo")["value"].fillna("").astype(str)
    everyday = memo.str.contains("|".join(map(re.escape, params.everyday_memo_words)),
                                 regex=True).to_numpy() if params.everyday_memo_words else False
    fees = paid[(amount >= params.min_fee_amount) & ~everyday]
    e = pd.concat([e, fees[["src_label", "src_key", "dst_label", "dst_key"]].assign(rel=m.PAID)],
                  ignore_index=True)
    parts = []
    direct = e[e["rel"].isin([m.CONTACT, m.SUBMITTED_FROM, m.REPRESENTED_BY, m.VIA_ORG,
                              m.ATTACHED])]
    parts.append(pd.DataFrame({"complaint_id": direct["src_key"],
                               "ident_type": direct["dst_label"], "ident": direct["dst_key"]}))

    cert_of = store.node_property(m.DOCUMENT, "cert_no").fillna("")
    if len(cert_of):
        att = direct[direct["rel"] == m.ATTACHED]
        c = att["dst_key"].map(cert_of).fillna("")
        keep = c != ""
        parts.append(pd.DataFrame({"complaint_id": att["src_key"][keep], "ident_type": CERT,
                                   "ident": c[keep]}))

    filed = e[e["rel"] == m.FILED][["src_key", "dst_key"]].rename(
        columns={"src_key": "person", "dst_key": "complaint_id"})
    parts.append(pd.DataFrame({"complaint_id": filed["complaint_id"], "ident_type": m.PERSON,
                               "ident": filed["person"]}))
    # Identifiers of the borrower (own phone, accounts paid) reach all their complaints.
    owned = e[(e["src_label"] == m.PERSON) & e["rel"].isin([m.HAS_PHONE, m.PAID])]
    via_person = owned.merge(filed, left_on="src_key", right_on="person")
    parts.append(pd.DataFrame({"complaint_id": via_person["complaint_id"],
                               "ident_type": via_person["dst_label"],
                               "ident": via_person["dst_key"]}))
    represented = e[e["rel"] == m.REPRESENTED_BY][["src_key", "dst_key"]]
    agent_phone = e[(e["src_label"] == m.AGENT) & (e["rel"] == m.HAS_PHONE)]
    via_agent = represented.merge(agent_phone[["src_key", "dst_key"]], left_on="dst_key",
                                  right_on="src_key", suffixes=("", "_p"))
    parts.append(pd.DataFrame({"complaint_id": via_agent["src_key"], "ident_type": m.PHONE,
                               "ident": via_agent["dst_key_p"]}))

    inc = pd.concat(parts, ignore_index=True).astype(str)
    inc = inc[~inc["ident"].isin(_nat_ips(direct, params.nat_device_fanout))
              | (inc["ident_type"] != m.IP)]
    if not params.link_service_numbers:
        inc = inc[~((inc["ident_type"] == m.PHONE) & inc["ident"].str.startswith("svc:"))]
    inc = inc[inc["complaint_id"].isin(complaints["complaint_id"])]
    return inc.drop_duplicates().sort_values(["ident_type", "ident", "complaint_id"]
                                             ).reset_index(drop=True)


def _nat_ips(direct: pd.DataFrame, fanout: int) -> set[str]:
    """IPs behind which at least ``fanout`` distinct devices submitted complaints."""
    sub = direct[direct["rel"] == m.SUBMITTED_FROM]
    ips = sub[sub["dst_label"] == m.IP][["src_key", "dst_key"]]
    devs = sub[sub["dst_label"] == m.DEVICE][["src_key", "dst_key"]]
    both = ips.merge(devs, on="src_key", suffixes=("_ip", "_dev"))
    n = both.groupby("dst_key_ip")["dst_key_dev"].nunique()
    return set(n[n >= fanout].index)


def build_graph(complaints: pd.DataFrame, incidence: pd.DataFrame,
                params: ProjectionParams | None = None) -> ComplaintGraph:
    """Weighted complaint graph from complaints and their identifiers (pure function)."""
    params = params or ProjectionParams()
    complaints = complaints.sort_values("complaint_id", kind="stable").reset_index(drop=True)
    index = pd.Series(np.arange(len(complaints)), index=complaints["complaint_id"])
    inc = incidence.assign(complaint=incidence["complaint_id"].map(index))
    inc = inc.dropna(subset=["complaint"]).astype({"complaint": np.int64})
    degree = inc.groupby(["ident_type", "ident"])["complaint"].transform("nunique")
    inc = inc.assign(degree=degree.astype(np.int64))
    # astype: with no incidence rows map() keeps the str dtype, which cannot compare to ints.
    cap = inc["ident_type"].map(params.max_degree).astype(np.float64).fillna(np.inf)
    too_common = (inc["degree"] > cap).to_numpy().copy()
    hubs = shape_hubs(complaints, inc, params.hub_min_complaints,
                      params.hub_max_cohesion, params.hub_min_spread)
    if len(hubs):
        hub_key = pd.MultiIndex.from_frame(hubs[["ident_type", "ident"]])
        too_common |= pd.MultiIndex.from_frame(inc[["ident_type", "ident"]]).isin(hub_key)
    cut = (inc[too_common].groupby(["ident_type", "ident"]).size().rename("degree")
           .reset_index())
    cut["why"] = np.where(pd.MultiIndex.from_frame(cut[["ident_type", "ident"]]).isin(
        hub_key), "hub shape", "degree cap") if len(hubs) else "degree cap"
    kept = inc[~too_common & (inc["degree"] >= 2)]

    codes, uniq = pd.factorize(pd.MultiIndex.from_frame(kept[["ident_type", "ident"]]),
                               sort=True)
    a = pd.DataFrame({"g": codes, "c": kept["complaint"].to_numpy(),
                      "w": (kept["ident_type"].map(params.trust).astype(np.float64).fillna(1.0)
                            / (kept["degree"] - 1)).to_numpy()})
    pairs = a.merge(a[["g", "c"]], on="g", suffixes=("", "2"))
    pairs = pairs[pairs["c"] < pairs["c2"]]
    pairs = pairs[["c", "c2", "w"]]
    if params.text_links and "text" in complaints.columns and len(pairs):
        pairs = pd.concat([pairs, _text_pairs(complaints, pairs, params)], ignore_index=True)
    agg = pairs.groupby(["c", "c2"], sort=True)["w"].sum()
    src = agg.index.get_level_values(0).to_numpy(np.int64)
    dst = agg.index.get_level_values(1).to_numpy(np.int64)
    return ComplaintGraph(
        complaints=complaints, src=src, dst=dst, weight=agg.to_numpy(np.float64),
        incidence=kept[["complaint", "ident_type", "ident", "degree"]].reset_index(drop=True),
        params=params, cut=cut)


def _text_pairs(complaints: pd.DataFrame, pairs: pd.DataFrame, params: ProjectionParams
                ) -> pd.DataFrame:
    """Weighted pairs of linked complaints whose texts are near duplicates."""
    from ringgraph.core.textsim import minhash_signatures, similar_pairs

    linked = np.unique(np.concatenate([pairs["c"].to_numpy(), pairs["c2"].to_numpy()]))
    if "signature" in complaints.columns:
        sig = shared_signatures(complaints, linked)[:, :24]
    else:
        sig = minhash_signatures(complaints["text"].to_numpy()[linked].tolist())
    a, b, sim = similar_pairs(sig, min_similarity=params.text_min_similarity)
    return pd.DataFrame({"c": linked[a], "c2": linked[b],
                         "w": params.trust.get(TEXT, 1.0) * sim})


def shared_signatures(complaints: pd.DataFrame, idx) -> np.ndarray | None:
    """The shared MinHash signatures of complaints ``idx`` (rows of ``complaints``) when
    the complaints came from share packs (:mod:`ringgraph.pool`), else ``None``: texts are
    then compared as texts."""
    if "signature" not in complaints.columns:
        return None
    from ringgraph.core.textsim import signatures_from_text

    return signatures_from_text(complaints["signature"].to_numpy()[np.asarray(idx)])


def project(store: GraphStore, params: ProjectionParams | None = None,
            progress: Progress = SILENT) -> ComplaintGraph:
    """Read the store and build the weighted complaint graph."""
    params = params or ProjectionParams()
    with progress.task("projecting complaint graph", total=3) as t:
        complaints = complaint_table(store)
        t.advance()
        inc = incidence_table(store, complaints, params)
        t.advance()
        graph = build_graph(complaints, inc, params)
        t.advance()
    return graph
