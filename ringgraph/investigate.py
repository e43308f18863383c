"""The investigator's API: look a value up, see its neighbourhood, open a ring, show, plot.

Five calls answer the everyday questions in a notebook:

- :func:`lookup` — "who else used this phone?": a raw phone, resident ID, name, org name,
  device, IP, account or certificate number, normalised the way ETL keys nodes;
- :func:`neighbourhood` — the nodes and relationships within k hops of one node;
- :func:`ring` — one detected ring as a case: members, linking identifiers, complaints with
  their texts, provinces, timeline, fee transfers and amounts, forged-material reuse;
- :func:`show` — an interactive offline network view of either (masked by default);
- :func:`timeline` — complaints over time with the fee transfers below.

Personal data is masked in everything these functions display (``shown`` columns, views,
plots, redacted texts) unless ``mask=False``; node ``key`` columns keep the real keys so
the next call can use them. Nothing here logs or prints values.

Examples
--------
A tiny store: two borrowers whose complaints give the same contact phone.

>>> import pandas as pd
>>> from ringgraph.store import DuckDBStore
>>> store = DuckDBStore(":memory:")
>>> _ = store.write(*_example_frames())
>>> lookup(store, "138 0013 8000")[["label", "shown", "matched_as", "degree"]]
   label        shown matched_as  degree
0  Phone  138****8000      phone       2
>>> sub = neighbourhood(store, "Phone", "+8613800138000", hops=2)
>>> sub.counts()
{'Complaint': 2, 'Person': 2, 'Phone': 1}
>>> show(sub).n_nodes
5
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ringgraph.core import keys
from ringgraph.core import model as m
from ringgraph.analysis.result import Ring, RingResult
from ringgraph.store.base import GraphStore
from ringgraph.store.people import people_redactor
from ringgraph.viz.describe import LABEL_TEXT, mask_payee, props_of, shown as _shown, text_redactor
from ringgraph.viz.network import NetworkView, network_view

IDENTIFIER_LABELS = (m.PHONE, m.DEVICE, m.IP, m.AGENT, m.ORG, m.DOCUMENT, m.ACCOUNT)
_TYPE_TEXT = {"Cert": "证书编号 Certificate", **LABEL_TEXT}


# ----------------------------------------------------------------------------- lookup
def lookup(store: GraphStore, value: str, mask: bool = True) -> pd.DataFrame:
    """Nodes matching a raw value typed or pasted by an investigator.

    The value is tried as typed and in every normalised form it could take (phone → E.164,
    resident ID, person name, org key and display name, device, IP, account, document hash
    or certificate number; see :func:`ringgraph.keys.candidates`), each as an exact match
    on a node's key or name.

    Parameters
    ----------
    store : GraphStore
    value : str
        E.g. ``"138 1234 5678"``, ``"0086-138-1234-5678"``, an 18-digit ID, ``"张三"``,
        ``"廣律（深圳）法務服務"``, ``"BL2024-83300631"``.
    mask : bool
        Mask personal data in the ``shown`` column.

    Returns
    -------
    DataFrame
        ``label, key, shown, matched_as, degree`` — ``key`` is what :func:`neighbourhood`
        takes; ``degree`` counts the node's relationships. Empty when nothing matches.
    """
    hits = []
    for cand in keys.candidates(value):
        found = store.lookup(cand.value)
        if len(found):
            hits.append(found.assign(matched_as=cand.matched_as))
    cols = ["label", "key", "shown", "matched_as", "degree"]
    if not hits:
        return pd.DataFrame(columns=cols)
    df = pd.concat(hits, ignore_index=True).drop_duplicates(["label", "key"])
    df["shown"] = [_shown(lb, k, n, mask) for lb, k, n in zip(df["label"], df["key"], df["name"])]
    df["degree"] = [len(store.neighbourhood(lb, k, 1)[1]) for lb, k in zip(df["label"], df["key"])]
    order = {lb: i for i, lb in enumerate(m.NODE_LABELS)}
    df = df.assign(_o=df["label"].map(order)).sort_values(["_o", "degree", "key"],
                                                          ascending=[True, False, True])
    return df[cols].reset_index(drop=True)


# ----------------------------------------------------------------------------- subgraph
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
        deg = _degree_in(self.nodes, self.edges)
        return (self.nodes.assign(degree=deg)[["label", "shown", "degree", "ring_id", "focus"]]
                .sort_values(["focus", "degree"], ascending=False).reset_index(drop=True))

    def complaints(self) -> pd.DataFrame:
        """Complaints in the subgraph with their properties (text redacted when masked)."""
        return _complaint_table(self.nodes, self.edges, self.mask, self.people)

    def __repr__(self) -> str:
        return (f"<Subgraph {self.title!r}: {len(self.nodes)} nodes {self.counts()}, "
                f"{len(self.edges)} relationships>")


def _degree_in(nodes: pd.DataFrame, edges: pd.DataFrame) -> np.ndarray:
    ends = pd.concat([edges[["src_label", "src_key"]].set_axis(["label", "key"], axis=1),
                      edges[["dst_label", "dst_key"]].set_axis(["label", "key"], axis=1)])
    deg = ends.groupby(["label", "key"]).size()
    idx = pd.MultiIndex.from_arrays([nodes["label"], nodes["key"]])
    return deg.reindex(idx).fillna(0).astype(int).to_numpy()


def _ring_of(result: RingResult | None) -> dict[str, str]:
    if result is None:
        return {}
    return {c: r.ring_id for r in result.flagged() for c in r.complaint_ids}


def _decorate(nodes: pd.DataFrame, edges: pd.DataFrame, mask: bool,
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


def neighbourhood(store: GraphStore, label: str, key: str, hops: int = 1,
                  result: RingResult | None = None, mask: bool = True) -> Subgraph:
    """Everything within ``hops`` relationships of one node (either direction).

    Parameters
    ----------
    store : GraphStore
    label, key : str
        The node, e.g. a row of :func:`lookup`.
    hops : int
        1 shows who used the identifier; 2 adds what else they used (the usual question);
        3 and more grow fast around hubs (views above the size limit are summarised).
    result : RingResult, optional
        Marks complaints (and their borrowers) in flagged rings, so "is this part of a known
        ring?" is answered in the view.
    mask : bool
        Default masking of displays made from it.

    Returns
    -------
    Subgraph
    """
    m.check_label(label)
    nodes, edges = store.neighbourhood(label, key, hops)
    if not len(nodes):
        raise KeyError(f"no {label} node with that key in the store")
    nodes = _decorate(nodes, edges, mask, _ring_of(result), {(label, key)})
    focus = nodes.loc[nodes["focus"], "shown"]
    title = f"{LABEL_TEXT.get(label, label)} {focus.iloc[0] if len(focus) else ''} · {hops} 跳 hops"
    return Subgraph(nodes=nodes.reset_index(drop=True), edges=edges.reset_index(drop=True),
                    title=title, mask=mask, people=people_redactor(store))


# -------------------------------------------------------------------------------- ring
@dataclass
class RingCase:
    """One ring opened for investigation (see :func:`ring`).

    Attributes
    ----------
    ring : Ring
        The detection result: score, reasons, features.
    complaints : DataFrame
        One row per complaint, by time: ``complaint_id, received_at, borrower, province,
        channel, institution, demands, overdue_amount, text, source, row``.
    identifiers : DataFrame
        Identifiers shared by several borrowers: ``type, shown, borrowers, complaints,
        provinces, degree`` (``degree`` counts complaints store-wide).
    documents : DataFrame
        Forged-material reuse: documents (by file hash, or by certificate number across
        files) used by more than one borrower: ``by, doc_type, issuer, cert_no, file,
        borrowers, complaints, provinces, first_at, last_at``.
    fees : DataFrame
        Transfers by the ring's borrowers: ``at, payer, account, payee, amount, memo,
        shared_payers, eid``; ``shared_payers`` counts the ring borrowers who paid the same
        account a fee-sized amount (≥ the projection's ``min_fee_amount``; 0 for smaller
        everyday payments), largest first.
    subgraph : Subgraph
        Members and the identifiers linking them, for :meth:`show`.
    """

    ring: Ring
    complaints: pd.DataFrame
    identifiers: pd.DataFrame
    documents: pd.DataFrame
    fees: pd.DataFrame
    subgraph: Subgraph
    mask: bool = True
    _texts: pd.Series = field(default_factory=lambda: pd.Series(dtype=object), repr=False)

    @property
    def ring_id(self) -> str:
        return self.ring.ring_id

    def reasons(self) -> pd.DataFrame:
        """The reasons behind the score, in Chinese and English, strongest first."""
        return pd.DataFrame([{"points": r["points"], "原因": r["zh"], "reason": r["en"]}
                             for r in self.ring.reasons])

    def provinces(self) -> pd.Series:
        """Complaints per province (largest first)."""
        p = self.complaints["province"].replace("", np.nan).dropna()
        return p.value_counts().rename("complaints")

    def amounts(self) -> pd.DataFrame:
        """Money at stake: overdue amounts of the complaints, fees paid into shared accounts.

        Returns one row per measure: ``count, total, median, max`` in yuan.
        """
        overdue = pd.to_numeric(self.complaints["overdue_amount"], errors="coerce").dropna()
        shared = self.fees[self.fees["shared_payers"] > 1] if len(self.fees) else self.fees
        fee = pd.to_numeric(shared["amount"], errors="coerce").dropna() if len(shared) else \
            pd.Series(dtype=float)
        rows = []
        for name, s in (("逾期金额 overdue", overdue), ("向共用账户付款 fees to shared accounts", fee)):
            rows.append({"measure": name, "count": int(len(s)), "total": round(float(s.sum()), 2),
                         "median": round(float(s.median()), 2) if len(s) else 0.0,
                         "max": round(float(s.max()), 2) if len(s) else 0.0})
        out = pd.DataFrame(rows).set_index("measure")
        return out

    def timeline_events(self) -> pd.DataFrame:
        """Complaints and fee transfers on one time axis: ``at, kind, what, amount``."""
        c = pd.DataFrame({"at": self.complaints["received_at"], "kind": "complaint",
                          "what": self.complaints["complaint_id"],
                          "amount": self.complaints["overdue_amount"]})
        f = pd.DataFrame({"at": self.fees["at"], "kind": "fee", "what": self.fees["account"],
                          "amount": self.fees["amount"]}) if len(self.fees) else None
        ev = pd.concat([c, f], ignore_index=True) if f is not None else c
        ev["at"] = pd.to_datetime(ev["at"], errors="coerce")
        return ev.sort_values("at", kind="stable").reset_index(drop=True)

    def show(self, **kw) -> NetworkView:
        """Interactive network of the ring (members ringed in red, PII masked by default)."""
        kw.setdefault("title", f"{self.ring_id} · 得分 score {self.ring.score:.2f} · "
                               f"{self.ring.size} 投诉 complaints · "
                               f"{self.ring.features.get('borrowers', 0)} 借款人 borrowers")
        return self.subgraph.show(**kw)

    def timeline(self, **kw):
        """Complaints per day/week and fee transfers (matplotlib Figure)."""
        from ringgraph.viz.plots import timeline_plot

        kw.setdefault("title", f"{self.ring_id} 时间线 timeline")
        return timeline_plot(self.complaints, self.fees if len(self.fees) else None, **kw)

    def provinces_plot(self, **kw):
        """Complaints per province (matplotlib Figure)."""
        from ringgraph.viz.plots import provinces_plot

        kw.setdefault("title", f"{self.ring_id} 省份分布 provinces")
        return provinces_plot(self.provinces(), **kw)

    def fees_plot(self, **kw):
        """Totals paid into the accounts several ring members paid (matplotlib Figure)."""
        from ringgraph.viz.plots import fees_plot

        shared = self.fees[self.fees["shared_payers"] > 1]
        kw.setdefault("title", f"{self.ring_id} 收款账户 fee accounts")
        return fees_plot(shared if len(shared) else self.fees, **kw)

    def texts(self, n: int = 3) -> "SideBySide":
        """The ``n`` most typical complaint texts side by side, shared passages marked.

        Typical = highest mean similarity (character 4-gram Jaccard) to the ring's other
        texts; a template script (话术) shows as long marked runs in every column.
        """
        return side_by_side(self.complaints, n=n)

    def __repr__(self) -> str:
        return (f"<RingCase {self.ring_id}: score {self.ring.score:.2f}, {self.ring.size} "
                f"complaints, {len(self.identifiers)} shared identifiers, "
                f"{len(self.documents)} reused documents, {len(self.fees)} transfers>")


def _complaint_table(nodes: pd.DataFrame, edges: pd.DataFrame, mask: bool,
                     people=None) -> pd.DataFrame:
    c = nodes[nodes["label"] == m.COMPLAINT]
    props = [props_of(p) for p in c["props"]]
    filed = edges[edges["rel"] == m.FILED]
    person_of = dict(zip(filed["dst_key"], filed["src_key"]))
    persons = nodes[nodes["label"] == m.PERSON].set_index("key")["name"].to_dict()
    people = _people_or_view(nodes, people)
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


def _people_or_view(nodes: pd.DataFrame, people):
    """The store's people when known, else the borrowers and agents of ``nodes`` (agents
    are people too), as one text redactor."""
    if people is not None:
        return people
    names = nodes.loc[nodes["label"].isin([m.PERSON, m.AGENT]), "name"].dropna()
    return text_redactor([str(v) for v in names if isinstance(v, str)])


def _borrowers_of(nodes: pd.DataFrame, edges: pd.DataFrame) -> pd.DataFrame:
    """For every identifier node, the distinct ring borrowers it touches:
    ``label, key, borrower`` (complaint → its filer; agent → the borrowers it represents)."""
    filed = edges[edges["rel"] == m.FILED]
    filer = dict(zip(filed["dst_key"], filed["src_key"]))
    complaints = nodes.loc[nodes["label"] == m.COMPLAINT, "key"]
    borrower_of_c = {c: filer.get(c, "complaint:" + c) for c in complaints}
    rep = edges[edges["rel"] == m.REPRESENTED_BY]
    agent_b = pd.DataFrame({"key": rep["dst_key"],
                            "borrower": rep["src_key"].map(borrower_of_c)}).dropna()
    parts = []
    for end, other in (("dst", "src"), ("src", "dst")):
        e = edges[edges[f"{end}_label"].isin(IDENTIFIER_LABELS + (m.INSTITUTION,))]
        other_label, other_key = e[f"{other}_label"], e[f"{other}_key"]
        b = pd.Series(np.where(other_label == m.PERSON, other_key, None), index=e.index,
                      dtype=object)
        is_c = other_label == m.COMPLAINT
        b[is_c] = other_key[is_c].map(borrower_of_c)
        parts.append(pd.DataFrame({"label": e[f"{end}_label"], "key": e[f"{end}_key"],
                                   "borrower": b}).dropna())
        is_a = other_label == m.AGENT
        if is_a.any():
            via = pd.DataFrame({"label": e.loc[is_a, f"{end}_label"],
                                "key": e.loc[is_a, f"{end}_key"],
                                "agent": other_key[is_a]}).merge(
                agent_b.rename(columns={"key": "agent"}), on="agent")
            parts.append(via[["label", "key", "borrower"]])
    parts.append(agent_b.assign(label=m.AGENT)[["label", "key", "borrower"]])
    return pd.concat(parts, ignore_index=True).drop_duplicates()


def ring(result: RingResult, store: GraphStore, ring_id: str, *, shared_only: bool = True,
         institutions: bool = False, mask: bool = True) -> RingCase:
    """Open one ring of ``result`` as a case, with everything read from ``store``.

    Parameters
    ----------
    result : RingResult
        From :func:`ringgraph.rank.find_rings` or ``RingResult.from_json("rings.json")``.
    store : GraphStore
        The store the result was computed on.
    ring_id : str
        E.g. ``"RG0001"``.
    shared_only : bool
        Keep in the network only identifiers that touch two or more of the ring's borrowers
        (a borrower's own phone or a one-off attachment is noise in a ring picture; the
        tables still list everything).
    institutions : bool
        Include the institutions complained against (hubs shared by everyone).
    mask : bool
        Mask personal data in tables, texts and views.

    Returns
    -------
    RingCase

    Notes
    -----
    Reads the store's relationships once (one scan), then works in memory; on a store of
    millions of relationships that scan dominates.
    """
    r = result.ring(ring_id)
    members = set(r.complaint_ids)
    all_edges = store.edges()
    at_c = (all_edges["src_label"].eq(m.COMPLAINT) & all_edges["src_key"].isin(members)) | \
        (all_edges["dst_label"].eq(m.COMPLAINT) & all_edges["dst_key"].isin(members))
    e_c = all_edges[at_c]
    if not institutions:
        e_c = e_c[e_c["rel"] != m.AGAINST]
    persons = set(e_c.loc[e_c["rel"] == m.FILED, "src_key"])
    agents = set(e_c.loc[e_c["rel"] == m.REPRESENTED_BY, "dst_key"])
    e_p = all_edges[all_edges["src_label"].eq(m.PERSON) & all_edges["src_key"].isin(persons)
                    & all_edges["rel"].isin([m.HAS_PHONE, m.PAID])]
    e_a = all_edges[all_edges["src_label"].eq(m.AGENT) & all_edges["src_key"].isin(agents)]
    edges = pd.concat([e_c, e_p, e_a], ignore_index=True).drop_duplicates(
        ["rel", "src_label", "src_key", "dst_label", "dst_key", "eid"])
    wanted = set(zip(edges["src_label"], edges["src_key"])) | set(
        zip(edges["dst_label"], edges["dst_key"])) | {(m.COMPLAINT, c) for c in members}
    node_frames = []
    for label in sorted({lb for lb, _ in wanted}):
        ks = {k for lb, k in wanted if lb == label}
        f = store.nodes(label)
        node_frames.append(f[f["key"].isin(ks)])
    nodes = pd.concat(node_frames, ignore_index=True)

    # Identifiers and how many ring borrowers each touches.
    reach = _borrowers_of(nodes, edges).groupby(["label", "key"])["borrower"].nunique()
    paid = edges[edges["rel"] == m.PAID]
    if shared_only:
        keep = {k for k, n in reach.items() if n >= 2}
        is_member_side = nodes["label"].isin([m.COMPLAINT, m.PERSON]).to_numpy()
        shared = np.array([(lb, k) in keep for lb, k in zip(nodes["label"], nodes["key"])],
                          dtype=bool)
        nodes_view = nodes[is_member_side | shared]
        known = set(zip(nodes_view["label"], nodes_view["key"]))
        edges_view = edges[np.array([(a, b) in known and (c, d) in known for a, b, c, d in zip(
            edges["src_label"], edges["src_key"], edges["dst_label"], edges["dst_key"])],
            dtype=bool)]
    else:
        nodes_view, edges_view = nodes, edges
    ring_of = {c: r.ring_id for c in members}
    nodes_view = _decorate(nodes_view, edges_view, mask, ring_of, set())
    people = people_redactor(store)
    sub = Subgraph(nodes=nodes_view.reset_index(drop=True),
                   edges=edges_view.reset_index(drop=True), title=r.ring_id, mask=mask,
                   people=people)

    complaints = _complaint_table(nodes, edges, mask, people)
    ident = pd.DataFrame(r.shared_identifiers)
    if len(ident):
        ident = ident.assign(type=ident["type"].map(lambda t: _TYPE_TEXT.get(t, t)))
        if not mask:
            ident["shown"] = ident["ident"]
        ident = ident[["type", "shown", "borrowers", "complaints", "provinces", "degree"]]
    else:
        ident = pd.DataFrame(columns=["type", "shown", "borrowers", "complaints", "provinces",
                                      "degree"])
    documents = _documents(nodes, edges, complaints)
    fees = _fees(nodes, paid, mask, float(result.projection.get("min_fee_amount", 1000.0)),
                 people)
    return RingCase(ring=r, complaints=complaints, identifiers=ident, documents=documents,
                    fees=fees, subgraph=sub, mask=mask)


def _documents(nodes: pd.DataFrame, edges: pd.DataFrame, complaints: pd.DataFrame
               ) -> pd.DataFrame:
    att = edges[edges["rel"] == m.ATTACHED][["src_key", "dst_key"]].rename(
        columns={"src_key": "complaint_id", "dst_key": "doc"})
    cols = ["by", "doc_type", "issuer", "cert_no", "file", "borrowers", "complaints",
            "provinces", "first_at", "last_at"]
    if not len(att):
        return pd.DataFrame(columns=cols)
    docs = nodes[nodes["label"] == m.DOCUMENT]
    dp = pd.DataFrame([props_of(p) for p in docs["props"]], index=docs["key"]).reindex(
        columns=["doc_type", "issuer", "cert_no", "sha256"]).fillna("")
    filed = edges[edges["rel"] == m.FILED]
    filer = dict(zip(filed["dst_key"], filed["src_key"]))
    c = complaints.set_index("complaint_id")
    att = att.join(dp, on="doc")
    att["borrower"] = att["complaint_id"].map(lambda x: filer.get(x, "complaint:" + x))
    att["province"] = att["complaint_id"].map(c["province"])
    att["at"] = att["complaint_id"].map(c["received_at"])
    rows = []
    # The same file (hash) on several borrowers' complaints, and the same certificate number
    # on different files: both are reuse of one piece of (forged) material.
    for by, keycol in (("文件 file", "sha256"), ("证书编号 cert", "cert_no")):
        a = att[att[keycol] != ""]
        for k, g in a.groupby(keycol, sort=False):
            if g["borrower"].nunique() < 2:
                continue
            rows.append({"by": by, "doc_type": "、".join(sorted(set(g["doc_type"]) - {""})),
                         "issuer": "、".join(sorted(set(g["issuer"]) - {""})),
                         "cert_no": "、".join(sorted(set(g["cert_no"]) - {""})),
                         "file": ("sha256:" + k[:12] + "…") if keycol == "sha256" else
                         f"{g['sha256'].nunique()} 个文件 files",
                         "borrowers": int(g["borrower"].nunique()),
                         "complaints": int(g["complaint_id"].nunique()),
                         "provinces": int(g["province"].replace("", np.nan).nunique()),
                         "first_at": g["at"].replace("", np.nan).min(),
                         "last_at": g["at"].replace("", np.nan).max()})
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(["borrowers", "complaints"], ascending=False,
                           kind="stable").reset_index(drop=True)


def _fees(nodes: pd.DataFrame, paid: pd.DataFrame, mask: bool, min_fee: float,
          people=None) -> pd.DataFrame:
    cols = ["at", "payer", "account", "payee", "amount", "memo", "shared_payers", "eid"]
    if not len(paid):
        return pd.DataFrame(columns=cols)
    persons = nodes[nodes["label"] == m.PERSON].set_index("key")["name"].to_dict()
    accounts = nodes[nodes["label"] == m.ACCOUNT].set_index("key")["name"].to_dict()
    props = [props_of(p) for p in paid["props"]]
    amount = pd.to_numeric(pd.Series([p.get("amount") for p in props], index=paid.index,
                                     dtype=object), errors="coerce")
    # Everyday payments (shops, utilities, payment platforms) are small and shared by
    # chance; like the projection, count payers only over fee-sized transfers.
    fee_like = amount >= min_fee
    payers = paid[fee_like].groupby("dst_key")["src_key"].nunique()
    shared = paid["dst_key"].map(payers).fillna(0).astype(int).where(fee_like, 0)
    red = _people_or_view(nodes, people) if mask else None
    df = pd.DataFrame({
        "at": paid["at"].to_numpy(),
        "payer": [_shown(m.PERSON, k, persons.get(k, ""), mask) for k in paid["src_key"]],
        "account": [_shown(m.ACCOUNT, k, accounts.get(k, ""), mask) for k in paid["dst_key"]],
        "payee": [(mask_payee(accounts.get(k, "")) if mask else accounts.get(k, ""))
                  for k in paid["dst_key"]],
        "amount": amount.to_numpy(),
        "memo": [red.mask(p.get("memo", "")) if red else p.get("memo", "") for p in props],
        "shared_payers": shared.to_numpy(),
        "eid": paid["eid"].to_numpy(),
    })
    return df.sort_values(["shared_payers", "account", "at"], ascending=[False, True, True],
                          kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------------ texts side by side
def _grams(text: str, n: int = 4) -> set[str]:
    return {text[i:i + n] for i in range(max(0, len(text) - n + 1))}


@dataclass
class SideBySide:
    """Complaint texts in columns, passages shared by all of them marked; displays as HTML
    in a notebook (every text escaped)."""

    frame: pd.DataFrame
    marks: list[list[tuple[str, bool]]]
    similarity: float

    def _repr_html_(self) -> str:
        cells = []
        for (_, row), segs in zip(self.frame.iterrows(), self.marks):
            body = "".join(f"<mark>{html.escape(t)}</mark>" if shared else html.escape(t)
                           for t, shared in segs)
            head = html.escape(f"{row['complaint_id']} · {row['received_at']} · "
                               f"{row['province']} · {row['borrower']}")
            cells.append(f'<td style="vertical-align:top;padding:6px;border:1px solid #ddd;'
                         f'width:{100 // max(1, len(self.marks))}%"><div style="color:#555;'
                         f'font-size:11px;margin-bottom:4px">{head}</div>'
                         f'<div style="line-height:1.6">{body}</div></td>')
        note = html.escape(f"平均相似度 mean similarity (4-gram Jaccard): {self.similarity:.2f}；"
                           f"<mark> 标出所有文本共有的段落 marks passages all texts share")
        return (f'<p style="font-size:12px;color:#555">{note}</p>'
                f'<table style="border-collapse:collapse;width:100%"><tr>{"".join(cells)}'
                f'</tr></table>')

    def __repr__(self) -> str:
        return "\n\n".join(f"[{r.complaint_id}] {r.text}" for r in self.frame.itertuples())


def side_by_side(complaints: pd.DataFrame, n: int = 3, min_run: int = 6) -> SideBySide:
    """Pick the ``n`` most typical texts and mark runs of ≥ ``min_run`` characters that
    occur in all of them.

    >>> c = pd.DataFrame({"complaint_id": ["A", "B"], "received_at": ["", ""],
    ...                   "province": ["", ""], "borrower": ["", ""],
    ...                   "text": ["本人要求停息挂账并精神赔偿<b>", "我们要求停息挂账并精神赔偿"]})
    >>> s = side_by_side(c, n=2)
    >>> [t for t, shared in s.marks[0] if shared]
    ['要求停息挂账并精神赔偿']
    >>> "&lt;b&gt;" in s._repr_html_()
    True
    """
    c = complaints[complaints["text"].fillna("") != ""].reset_index(drop=True)
    if not len(c):
        return SideBySide(c, [], 0.0)
    grams = [_grams(t) for t in c["text"]]
    k = len(grams)
    sim = np.zeros((k, k))
    for i in range(k):
        for j in range(i + 1, k):
            u = len(grams[i] | grams[j])
            sim[i, j] = sim[j, i] = len(grams[i] & grams[j]) / u if u else 0.0
    typical = sim.sum(axis=1) / max(1, k - 1)
    chosen = list(np.argsort(-typical, kind="stable")[:n])
    texts = [c.loc[i, "text"] for i in chosen]
    common = set.intersection(*[_grams(t, min_run) for t in texts]) if texts else set()
    marks = []
    for t in texts:
        flag = np.zeros(len(t), dtype=bool)
        for i in range(max(0, len(t) - min_run + 1)):
            if t[i:i + min_run] in common:
                flag[i:i + min_run] = True
        segs, start = [], 0
        for i in range(1, len(t) + 1):
            if i == len(t) or flag[i] != flag[start]:
                segs.append((t[start:i], bool(flag[start])))
                start = i
        marks.append(segs)
    pair = [sim[a, b] for a in chosen for b in chosen if a < b]
    return SideBySide(c.loc[chosen].reset_index(drop=True), marks,
                      float(np.mean(pair)) if pair else 1.0)


# ----------------------------------------------------------------------- show / timeline
def show(obj, **kw) -> NetworkView:
    """Interactive offline network view of a :class:`Subgraph` or :class:`RingCase`.

    Keyword arguments go to :func:`ringgraph.viz.network_view` (``mask``, ``max_nodes``,
    ``height``, ``title`` …). Leave the result as a cell's last expression to display it,
    or ``.save("ring.html")`` it.
    """
    if isinstance(obj, (Subgraph, RingCase)):
        return obj.show(**kw)
    if isinstance(obj, tuple) and len(obj) == 2:
        return network_view(*obj, **kw)
    raise TypeError(f"cannot show a {type(obj).__name__}; expected Subgraph or RingCase")


def timeline(obj, **kw):
    """Complaints over time (and fee transfers for a ring) as a matplotlib Figure.

    ``obj`` is a :class:`RingCase`, a :class:`Subgraph` or a complaints DataFrame with a
    ``received_at`` column.
    """
    from ringgraph.viz.plots import timeline_plot

    if isinstance(obj, RingCase):
        return obj.timeline(**kw)
    if isinstance(obj, Subgraph):
        kw.setdefault("title", f"{obj.title} 时间线 timeline")
        return timeline_plot(obj.complaints(), None, **kw)
    if isinstance(obj, pd.DataFrame):
        return timeline_plot(obj, None, **kw)
    raise TypeError(f"no timeline for a {type(obj).__name__}")


# ------------------------------------------------------------------------- graph-wide
def degrees(store: GraphStore) -> pd.DataFrame:
    """Degree (number of relationships) of every node: ``label, key, degree``."""
    nodes = store.nodes()[["label", "key"]]
    edges = store.edges()
    return nodes.assign(degree=_degree_in(nodes, edges))


def hubs(store: GraphStore, top: int = 15, labels=IDENTIFIER_LABELS,
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


# ------------------------------------------------------------------ detector tuning
def pr_curve(result: RingResult, truth: pd.DataFrame, thresholds=None,
             min_jaccard: float = 0.5) -> pd.DataFrame:
    """Ring precision and recall as the flag threshold on the score varies.

    Every ring of ``result`` with at least ``scoring["min_borrowers"]`` borrowers and
    ``min_evidence_kinds`` kinds of evidence is a candidate; at threshold ``t`` the
    candidates scoring ≥ ``t`` are the predicted rings, scored against ``truth`` with
    :func:`ringgraph.evaluate.ring_metrics`.

    Returns ``detector, threshold, precision, recall, f1, predicted_rings``.
    """
    from ringgraph.analysis.evaluate import ring_metrics
    from ringgraph.analysis.score import evidence_kinds

    sc = result.scoring
    cands = [r for r in result.rings
             if r.features.get("borrowers", 0) >= sc.get("min_borrowers", 0)
             and len(r.features.get("evidence_kinds") or evidence_kinds(r.features))
             >= sc.get("min_evidence_kinds", 0)]
    if thresholds is None:
        thresholds = np.round(np.arange(0.1, 0.96, 0.05), 2)
    rows = []
    for t in thresholds:
        pred = pd.DataFrame([(c, r.ring_id) for r in cands if r.score >= t
                             for c in r.complaint_ids], columns=["complaint_id", "ring_id"])
        met = ring_metrics(pred, truth, min_jaccard)
        rows.append({"detector": result.detector, "threshold": float(t),
                     "precision": met["precision"], "recall": met["recall"], "f1": met["f1"],
                     "predicted_rings": met["predicted_rings"]})
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------- doctest data
def _example_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two complaints by two borrowers sharing one contact phone (for the examples)."""
    node = lambda label, key, name, props="{}": {  # noqa: E731 - table of literals
        "label": label, "key": key, "name": name, "props": props, "source": "demo.csv",
        "row": 1, "at": None}
    nodes = pd.DataFrame([
        node("Complaint", "C1", "C1", json.dumps({"text": "催收太多", "province": "湖南"})),
        node("Complaint", "C2", "C2", json.dumps({"text": "要求停息挂账", "province": "广东"})),
        node("Person", "11010519491231002X", "张三"),
        node("Person", "440104199305034812", "李四"),
        node("Phone", "+8613800138000", "+8613800138000", '{"kind":"mobile"}'),
    ])
    edge = lambda rel, sl, sk, dl, dk: {  # noqa: E731
        "rel": rel, "src_label": sl, "src_key": sk, "dst_label": dl, "dst_key": dk, "eid": "",
        "props": "{}", "source": "demo.csv", "row": 1, "at": None}
    edges = pd.DataFrame([
        edge("FILED", "Person", "11010519491231002X", "Complaint", "C1"),
        edge("FILED", "Person", "440104199305034812", "Complaint", "C2"),
        edge("CONTACT", "Complaint", "C1", "Phone", "+8613800138000"),
        edge("CONTACT", "Complaint", "C2", "Phone", "+8613800138000"),
    ])
    return nodes, edges


__all__ = ["lookup", "neighbourhood", "ring", "show", "timeline", "Subgraph", "RingCase",
           "SideBySide", "side_by_side", "degrees", "hubs", "graph_stats", "pr_curve"]
