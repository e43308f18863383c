"""A piece of the graph to look at: nodes, relationships, focus and ring membership."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ringgraph.analysis.result import RingResult
from ringgraph.core import model as m
from ringgraph.core.model import props_of
from ringgraph.store.base import GraphStore
from ringgraph.investigate.lookup import NotFoundError
from ringgraph.store.people import people_redactor
from ringgraph.viz.describe import LABEL_TEXT, shown as _shown, text_redactor
from ringgraph.viz.network import NetworkView, network_view


@dataclass
class Subgraph:
    """Nodes and relationships to look at, with focus nodes and ring membership.

    Attributes
    ----------
    nodes : DataFrame
        ``label, key, name, props, ...`` as stored, plus ``shown`` (masked display value),
        ``focus`` (the node(s) asked about) and ``ring_id`` (flagged ring of a complaint or
        of the borrower who filed it, else ``""``).
    edges : DataFrame
        Relationships with provenance (``source``, ``row``, ``at``).
    title : str
    mask : bool
        Whether views of it mask personal data by default.
    people : TextRedactor, optional
        Every person of the store, found and masked in texts (not only the view's own).
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame
    title: str = ""
    mask: bool = True
    people: object = field(default=None, repr=False)

    def counts(self) -> dict[str, int]:
        """Number of nodes per label."""
        return {k: int(v) for k, v in self.nodes["label"].value_counts().sort_index().items()}

    def show(self, **kw) -> NetworkView:
        """Interactive network view (see :func:`ringgraph.viz.network_view` for options)."""
        kw.setdefault("title", self.title)
        kw.setdefault("mask", self.mask)
        kw.setdefault("people", self.people)
        return network_view(self.nodes, self.edges, **kw)

    def table(self) -> pd.DataFrame:
        """The nodes as a display table: ``label, shown, degree, ring_id, focus``."""
        deg = degree_in(self.nodes, self.edges)
        return (self.nodes.assign(degree=deg)[["label", "shown", "degree", "ring_id", "focus"]]
                .sort_values(["focus", "degree"], ascending=False).reset_index(drop=True))

    def complaints(self) -> pd.DataFrame:
        """Complaints in the subgraph with their properties (text redacted when masked)."""
        return complaint_table(self.nodes, self.edges, self.mask, self.people)

    def __repr__(self) -> str:
        return (f"<Subgraph {self.title!r}: {len(self.nodes)} nodes {self.counts()}, "
                f"{len(self.edges)} relationships>")


def degree_in(nodes: pd.DataFrame, edges: pd.DataFrame) -> np.ndarray:
    ends = pd.concat([edges[["src_label", "src_key"]].set_axis(["label", "key"], axis=1),
                      edges[["dst_label", "dst_key"]].set_axis(["label", "key"], axis=1)])
    deg = ends.groupby(["label", "key"]).size()
    idx = pd.MultiIndex.from_arrays([nodes["label"], nodes["key"]])
    return deg.reindex(idx).fillna(0).astype(int).to_numpy()


def ring_of(result: RingResult | None) -> dict[str, str]:
    if result is None:
        return {}
    return {c: r.ring_id for r in result.flagged() for c in r.complaint_ids}


def decorate(nodes: pd.DataFrame, edges: pd.DataFrame, mask: bool,
              ring_of: dict[str, str], focus: set) -> pd.DataFrame:
    """Add ``shown``, ``focus`` and ``ring_id`` (complaints and the borrowers who filed them)."""
    nodes = nodes.copy()
    nodes["shown"] = [_shown(lb, k, n, mask) for lb, k, n in
                      zip(nodes["label"], nodes["key"], nodes["name"])]
    nodes["focus"] = [(lb, k) in focus for lb, k in zip(nodes["label"], nodes["key"])]
    ring = pd.Series("", index=nodes.index, dtype=object)
    is_c = nodes["label"] == m.COMPLAINT
    ring[is_c] = [ring_of.get(k, "") for k in nodes.loc[is_c, "key"]]
    filed = edges[edges["rel"] == m.FILED]
    person_ring = {}
    for p, c in zip(filed["src_key"], filed["dst_key"]):
        if c in ring_of:
            person_ring.setdefault(p, ring_of[c])
    is_p = nodes["label"] == m.PERSON
    ring[is_p] = [person_ring.get(k, "") for k in nodes.loc[is_p, "key"]]
    nodes["ring_id"] = ring
    return nodes


# More relationships than this make a node a hub: it is left out of neighbourhoods (with a
# count), like institutions, which every complaint names and the detector ignores.
HUB_DEGREE = 150
HUB_LABELS = (m.INSTITUTION,)


def neighbourhood(store: GraphStore, label, key: str | None = None, hops: int = 1,
                  result: RingResult | None = None, mask: bool = True, hubs: bool = False,
                  hub_degree: int = HUB_DEGREE) -> Subgraph:
    """Everything within ``hops`` relationships of one node (either direction).

    Parameters
    ----------
    store : GraphStore
    label, key : str
        The node. ``label`` may also be a :class:`~ringgraph.investigate.lookup.LookupResult`
        (its first hit) or one of its rows, with ``key`` left out.
    hops : int
        1 shows who used the identifier; 2 adds what else they used (the usual question);
        3 and more grow fast around hubs (views above the size limit are summarised).
    result : RingResult, optional
        Marks complaints (and their borrowers) in flagged rings, so "is this part of a known
        ring?" is answered in the view.
    mask : bool
        Default masking of displays made from it.
    hubs : bool
        Keep institutions and nodes with more than ``hub_degree`` relationships (other than
        the node asked about). Left out by default: a 2-hop view from a complaint would
        otherwise hold every complaint against the same bank. The title counts them.
    hub_degree : int

    Returns
    -------
    Subgraph

    Raises
    ------
    NotFoundError
        One line when the node is not in the store.
    """
    label, key = _node_ref(label, key)
    m.check_label(label)
    nodes, edges = store.neighbourhood(label, key, 1)
    if not len(nodes):
        raise NotFoundError(f"{LABEL_TEXT.get(label, label)}: not in the store 不在库中; "
                            "look the value up first (investigate.lookup)")
    if hubs or hops <= 1:
        if hops > 1:
            nodes, edges = store.neighbourhood(label, key, hops)
        left_out: dict[str, int] = {}
        if not hubs:
            nodes, edges, left_out = _drop(nodes, edges, _hub_labelled(nodes, (label, key)))
    else:
        nodes, edges, left_out = _expand(store, (label, key), nodes, edges, hops, hub_degree)
    nodes = decorate(nodes, edges, mask, ring_of(result), {(label, key)})
    focus = nodes.loc[nodes["focus"], "shown"]
    title = f"{LABEL_TEXT.get(label, label)} {focus.iloc[0] if len(focus) else ''} · {hops} 跳 hops"
    if left_out:
        title += (f" · {sum(left_out.values())} 个枢纽略去 hubs left out ("
                  + ", ".join(f"{LABEL_TEXT.get(k, k)} {v}" for k, v in sorted(left_out.items()))
                  + ")")
    return Subgraph(nodes=nodes.reset_index(drop=True), edges=edges.reset_index(drop=True),
                    title=title, mask=mask, people=people_redactor(store))


def _node_ref(label, key) -> tuple[str, str]:
    """``(label, key)`` from a pair, a lookup row or a lookup result (its first hit)."""
    if key is not None:
        return str(label), str(key)
    if hasattr(label, "ref"):
        if not len(label):
            raise NotFoundError(label.message())
        return label.ref(0)
    if isinstance(label, (pd.Series, dict)):
        return str(label["label"]), str(label["key"])
    if isinstance(label, tuple) and len(label) == 2:
        return str(label[0]), str(label[1])
    raise TypeError("neighbourhood needs (label, key), a lookup result or one of its rows")


def _hub_labelled(nodes: pd.DataFrame, focus: tuple[str, str]) -> set:
    return {(lb, k) for lb, k in zip(nodes["label"], nodes["key"])
            if lb in HUB_LABELS and (lb, k) != focus}


def _drop(nodes, edges, gone: set):
    """Nodes and edges without ``gone``, and how many of each label went."""
    if not gone:
        return nodes, edges, {}
    is_gone = pd.Series([(lb, k) in gone for lb, k in zip(nodes["label"], nodes["key"])],
                        index=nodes.index, dtype=bool)
    src_gone = pd.Series([(lb, k) in gone for lb, k in zip(edges["src_label"], edges["src_key"])],
                         index=edges.index, dtype=bool)
    dst_gone = pd.Series([(lb, k) in gone for lb, k in zip(edges["dst_label"], edges["dst_key"])],
                         index=edges.index, dtype=bool)
    counts = nodes.loc[is_gone, "label"].value_counts().to_dict()
    return nodes[~is_gone], edges[~(src_gone | dst_gone)], {k: int(v) for k, v in counts.items()}


def _expand(store, focus, nodes, edges, hops, hub_degree):
    """Breadth-first, one node at a time, never expanding through a hub."""
    gone = _hub_labelled(nodes, focus)
    seen = set(zip(nodes["label"], nodes["key"]))
    frontier = sorted(seen - gone - {focus})
    node_parts, edge_parts = [nodes], [edges]
    for _ in range(hops - 1):
        nxt = set()
        for lb, k in frontier:
            n, e = store.neighbourhood(lb, k, 1)
            if len(e) > hub_degree or lb in HUB_LABELS:
                gone.add((lb, k))
                continue
            node_parts.append(n)
            edge_parts.append(e)
            found = set(zip(n["label"], n["key"]))
            gone |= _hub_labelled(n, focus)
            nxt |= found - seen
            seen |= found
        frontier = sorted(nxt - gone)
    nodes = pd.concat(node_parts, ignore_index=True).drop_duplicates(["label", "key"])
    cols = list(m.EDGE_COLUMNS)[:6]
    edges = pd.concat(edge_parts, ignore_index=True).drop_duplicates(cols)
    nodes, edges, left_out = _drop(nodes, edges, gone)
    return (nodes.sort_values(["label", "key"]), edges.sort_values(cols), left_out)


def complaint_table(nodes: pd.DataFrame, edges: pd.DataFrame, mask: bool,
                    people=None) -> pd.DataFrame:
    c = nodes[nodes["label"] == m.COMPLAINT]
    props = [props_of(p) for p in c["props"]]
    filed = edges[edges["rel"] == m.FILED]
    person_of = dict(zip(filed["dst_key"], filed["src_key"]))
    persons = nodes[nodes["label"] == m.PERSON].set_index("key")["name"].to_dict()
    people = people_or_view(nodes, people)
    rows = []
    for key, p, src, row in zip(c["key"], props, c["source"], c["row"]):
        pk = person_of.get(key, "")
        pname = persons.get(pk, "") if pk else ""
        text = p.get("text") or ""
        rows.append({
            "complaint_id": key, "received_at": p.get("received_at") or "",
            "borrower": _shown(m.PERSON, pk, pname, mask) if pk else "",
            "province": p.get("province") or "", "channel": p.get("channel") or "",
            "institution": p.get("institution") or "",
            "demands": str(p.get("demands") or "").replace("|", "、"),
            "overdue_amount": p.get("overdue_amount"),
            "text": people.mask(text) if mask else text,
            "source": src, "row": row})
    cols = ["complaint_id", "received_at", "borrower", "province", "channel", "institution",
            "demands", "overdue_amount", "text", "source", "row"]
    df = pd.DataFrame(rows, columns=cols)
    df["overdue_amount"] = pd.to_numeric(df["overdue_amount"], errors="coerce")
    df["_missing"] = df["received_at"] == ""  # unreadable dates last, not first
    return (df.sort_values(["_missing", "received_at", "complaint_id"], kind="stable")
            .drop(columns="_missing").reset_index(drop=True))


def people_or_view(nodes: pd.DataFrame, people):
    """The store's people when known, else the borrowers and agents of ``nodes`` (agents
    are people too), as one text redactor."""
    if people is not None:
        return people
    names = nodes.loc[nodes["label"].isin([m.PERSON, m.AGENT]), "name"].dropna()
    return text_redactor([str(v) for v in names if isinstance(v, str)])
