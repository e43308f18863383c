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
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ringgraph.analysis.hubs import HUB_TYPES, shape_hubs
from ringgraph.analysis.project_sql import (HOUSEHOLD, SIGNATURE,  # noqa: F401 - API
                                           read_complaints, read_incidence)
from ringgraph.core import model as m
from ringgraph.core.progress import SILENT, Progress
from ringgraph.core.settings import ProjectionParams  # noqa: F401 - part of this module's API
from ringgraph.store.base import GraphStore

# Identifier types used in the projection (a Document's certificate number is its own type).
CERT = m.CERT
IDENT_TYPES = (m.PHONE, m.DEVICE, m.IP, m.AGENT, m.ORG, m.DOCUMENT, CERT, m.PERSON, m.ACCOUNT)


TEXT = m.TEXT   # derived link: near-duplicate complaint texts (not an identifier)


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
    # The fingerprint, once computed (a detector and the result both ask for it).
    _fingerprint: str | None = field(default=None, repr=False, compare=False)

    @property
    def n(self) -> int:
        return len(self.complaints)

    def fingerprint(self) -> str:
        """SHA-256 of the complaint ids, edges, weights and projection parameters."""
        if self._fingerprint is not None:
            return self._fingerprint
        h = hashlib.sha256()
        h.update("\x1f".join(self.complaints["complaint_id"]).encode())
        for arr in (self.src.astype(np.int64), self.dst.astype(np.int64),
                    np.round(self.weight, 9)):
            h.update(arr.tobytes())
        h.update(json.dumps(self.params.to_dict(), sort_keys=True).encode())
        self._fingerprint = h.hexdigest()
        return self._fingerprint

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
    """Complaints with the attributes scoring needs, in id order: ``complaint_id, person,
    province, demands, at, text, household, own_phone, institution, represented``.

    One query inside the store (:data:`ringgraph.analysis.project_sql.COMPLAINTS_SQL`).
    ``represented``: the ticket names a representative (agent or organisation); filing for a
    client from the firm's own computer is representation, not a borrower's identity taken
    over (see ringgraph.analysis.signals.handover_borrowers).
    """
    with store.graph_sql() as con:
        return _complaints(con)


def _complaints(con) -> pd.DataFrame:
    """:func:`complaint_table` on a connection from :meth:`GraphStore.graph_sql`."""
    raw = read_complaints(con)
    out = raw[["complaint_id", "person", "province", "demands"]].copy()
    out["at"] = pd.to_datetime(pd.Series(raw["received_at"]), errors="coerce").to_numpy()
    out["text"] = raw["text"]
    # A pooled store (ringgraph.pool) carries MinHash signatures instead of texts, and
    # household tokens instead of names and IDs.
    if raw["signature"].notna().any():
        out["signature"] = raw["signature"].fillna("").to_numpy(dtype=object)
    household = household_keys(raw["person"], raw["person_name"])
    token = raw["household_token"]
    out["household"] = np.where(token.notna(), token, household).astype(object)
    out["own_phone"] = raw["own_phone"]
    out["institution"] = raw["institution"]
    out["represented"] = raw["represented"]
    return out


def household_keys(person: pd.Series, name: pd.Series) -> np.ndarray:
    """Each complaint's borrower household: surname + the city of the resident ID (its
    first four digits, which masked IDs keep too). Relatives share documents, devices and
    phones, strangers do not. Without a name the borrower is a household of their own."""
    p = person.astype(str)
    surname = name.astype(str).str[:1]
    region = p.str.removeprefix("masked:").str.extract(r"^(\d{4})", expand=False).fillna("")
    family = (surname != "") & (region != "")
    return np.where(family, surname + "|" + region, p).astype(object)


def _coded(complaints: pd.DataFrame, incidence: pd.DataFrame) -> pd.DataFrame:
    """String incidence (``complaint_id, ident_type, ident``) → the coded form the store
    query returns (``c, g, degree, ident_type, ident``, sorted by ``(g, c)``)."""
    index = pd.Series(np.arange(len(complaints)), index=complaints["complaint_id"])
    inc = incidence.assign(c=incidence["complaint_id"].map(index))
    inc = inc.dropna(subset=["c"]).astype({"c": np.int64})
    g, _ = pd.factorize(pd.MultiIndex.from_frame(inc[["ident_type", "ident"]].astype(object)),
                        sort=True)
    inc = inc.assign(g=g.astype(np.int64))
    inc["degree"] = inc.groupby("g")["c"].transform("nunique").astype(np.int64)
    inc = inc.sort_values(["g", "c"], kind="stable").reset_index(drop=True)
    return inc[["c", "g", "degree", "ident_type", "ident"]]


def build_graph(complaints: pd.DataFrame, incidence: pd.DataFrame,
                params: ProjectionParams | None = None) -> ComplaintGraph:
    """Weighted complaint graph from complaints and their identifiers (pure function)."""
    complaints = complaints.sort_values("complaint_id", kind="stable").reset_index(drop=True)
    return graph_from_codes(complaints, _coded(complaints, incidence), params)


def graph_from_codes(complaints: pd.DataFrame, inc: pd.DataFrame,
                     params: ProjectionParams | None = None) -> ComplaintGraph:
    """The weighted graph from complaints in id order and coded incidence (``c, g,
    degree, ident_type, ident`` sorted by ``(g, c)``): degree caps and hubs by shape cut
    identifiers, each kept identifier of degree ``d`` adds ``trust / (d - 1)`` to each
    pair of its complaints."""
    params = params or ProjectionParams()
    g, c, degree = (inc[k].to_numpy() for k in ("g", "c", "degree"))
    first = np.r_[True, g[1:] != g[:-1]] if len(g) else np.zeros(0, dtype=bool)
    types = inc["ident_type"].to_numpy()[first]        # one per identifier, in g order
    cap = pd.Series(types).map(params.max_degree).astype(np.float64).fillna(np.inf)
    too_common = degree > cap.to_numpy()[g] if len(g) else np.zeros(0, dtype=bool)
    hub_g = _hub_codes(complaints, inc, params)
    too_common |= np.isin(g, hub_g)
    cut = inc[too_common & first][["ident_type", "ident", "degree"]].reset_index(drop=True)
    cut["why"] = np.where(np.isin(g[too_common & first], hub_g), "hub shape", "degree cap")
    keep = ~too_common & (degree >= 2)
    trust = pd.Series(types).map(params.trust).astype(np.float64).fillna(1.0).to_numpy()
    w = trust[g[keep]] / (degree[keep] - 1) if keep.any() else np.zeros(0)
    a, b, pw = identifier_pairs(g[keep], c[keep], w)
    if params.text_links and "text" in complaints.columns and len(a):
        pairs = pd.DataFrame({"c": a, "c2": b, "w": pw})
        pairs = pd.concat([pairs, _text_pairs(complaints, pairs, params)], ignore_index=True)
        a, b, pw = (pairs[k].to_numpy() for k in ("c", "c2", "w"))
    src, dst, weight = sum_pairs(a, b, pw, len(complaints))
    kept = inc[keep]
    return ComplaintGraph(
        complaints=complaints, src=src, dst=dst, weight=weight,
        incidence=pd.DataFrame({"complaint": kept["c"].to_numpy(np.int64),
                                "ident_type": kept["ident_type"].to_numpy(),
                                "ident": kept["ident"].to_numpy(),
                                "degree": kept["degree"].to_numpy(np.int64)}),
        params=params, cut=cut)


def _hub_codes(complaints: pd.DataFrame, inc: pd.DataFrame, params: ProjectionParams
               ) -> np.ndarray:
    """``g`` of the identifiers that are hubs by shape (:func:`shape_hubs`), measured on
    the rows of complaints behind a candidate only (all that the measure reads)."""
    cand = (inc["degree"].to_numpy() >= params.hub_min_complaints) & \
        inc["ident_type"].isin(HUB_TYPES).to_numpy()
    if not cand.any():
        return np.zeros(0, dtype=np.int64)
    members = np.zeros(len(complaints), dtype=bool)
    members[inc["c"].to_numpy()[cand]] = True
    sub = inc[members[inc["c"].to_numpy()]].rename(columns={"c": "complaint"})
    hubs = shape_hubs(complaints, sub, params.hub_min_complaints, params.hub_max_cohesion,
                      params.hub_min_spread)
    if hubs.empty:
        return np.zeros(0, dtype=np.int64)
    found = sub.merge(hubs[["ident_type", "ident"]].astype(object), on=["ident_type", "ident"])
    return np.unique(found["g"].to_numpy())


def identifier_pairs(g: np.ndarray, c: np.ndarray, w: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair ``c < c2`` of complaints sharing an identifier, with the identifier's
    weight, from rows sorted by ``(g, c)``; emitted in ``(g, c, c2)`` order."""
    n = len(g)
    if not n:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    start = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    size = np.diff(np.r_[start, n])
    pos = np.arange(n) - np.repeat(start, size)
    after = np.repeat(size, size) - 1 - pos              # rows after this one in its group
    left = np.repeat(np.arange(n), after)
    run = np.repeat(np.cumsum(after) - after, after)
    right = left + 1 + (np.arange(len(left)) - run)
    del run
    a, b = c[left], c[right]
    ok = a < b                      # duplicate rows (a pure-function caller's) link nothing
    return a[ok], b[ok], w[left][ok]


def sum_pairs(a: np.ndarray, b: np.ndarray, w: np.ndarray, n: int
              ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Edges ``(a, b)`` sorted, each weight the sum of its pairs' weights in the order
    given, with Kahan compensation (exactly how pandas sums a group, which this replaced:
    the weights are bit-identical to it). One stable sort, then one vectorised step per
    term of the longest sum instead of a hash group-by.
    """
    if not len(a):
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    n = np.int64(max(n, 1))
    key = a.astype(np.int64) * n + b.astype(np.int64)
    order = np.argsort(key, kind="stable")          # keeps each edge's terms in order
    key, w = key[order], np.asarray(w, dtype=np.float64)[order]
    start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    count = np.diff(np.r_[start, len(key)])
    total, comp = w[start].copy(), np.zeros(len(start))
    live, r = np.flatnonzero(count > 1), 1
    while len(live):
        s = total[live]
        y = w[start[live] + r] - comp[live]
        t = s + y
        comp[live] = (t - s) - y
        total[live] = t
        r += 1
        live = live[count[live] > r]
    return key[start] // n, key[start] % n, total


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
    """Read the store and build the weighted complaint graph (the incidence rules run
    inside the store, :mod:`ringgraph.analysis.project_sql`)."""
    params = params or ProjectionParams()
    with progress.task("projecting complaint graph", total=3) as t, \
            store.graph_sql() as con:   # one read of the graph for a server store
        complaints = _complaints(con)
        t.advance()
        inc = read_incidence(con, params)
        t.advance()
        graph = graph_from_codes(complaints, inc, params)
        t.advance()
    return graph
