"""Everything an evidence pack says about one ring, read from the store once, kept raw.

:func:`collect_case` (the one ring-case extractor, shared by the notebooks' ring view and
the evidence pack) gathers the ring's complaints, the borrowers who filed them, the
identifiers they used (phones, devices, IPs, documents, agents, organisations, fee
accounts, institutions), the agents' own phones and organisations, and every relationship
between them with its provenance (source file, row, time). Personal data stays raw here;
:mod:`ringgraph.evidence.pii_modes` decides what a pack shows.

Everyday payments (below the projection's ``min_fee_amount``, ¥1,000 by default: shops,
utilities) are left out: they are not evidence and only spread personal data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ringgraph.core import model as m
from ringgraph.core.borrowers import UNIDENTIFIED, count_borrowers, unidentified
from ringgraph.core.model import props_of
from ringgraph.analysis.result import Ring, RingResult
from ringgraph.analysis.conduct.scripted import store_grievances
from ringgraph.store.base import GraphStore
from ringgraph.core.errors import EvidenceError

CERT = m.CERT
"""Pseudo-label of a certificate number (a property of documents, not a node)."""

IDENTIFIER_LABELS = m.IDENTIFIER_LABELS
_COMPLAINT_RELS = (m.FILED, m.AGAINST, m.CONTACT, m.SUBMITTED_FROM, m.REPRESENTED_BY,
                   m.VIA_ORG, m.ATTACHED)
EDGE_KEY = ["rel", "src_label", "src_key", "dst_label", "dst_key", "eid"]


def _s(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


@dataclass
class CaseData:
    """One ring with its raw graph neighbourhood (see :func:`collect_case`).

    Attributes
    ----------
    ring : Ring
    result : RingResult
        The detection run the ring comes from (detector, parameters, fingerprints).
    nodes : DataFrame
        ``label, key, name, props, source, row, at`` of every node in the case, sorted by
        label and key.
    edges : DataFrame
        Every relationship between them with provenance, sorted by identity.
    usage : dict
        ``(label, key) -> number of relationships in the whole store`` for the case's
        identifiers (how widely each is used beyond the ring).
    store_kind : str
    snapshot : str
        The store's fingerprint (SHA-256 over the sorted graph) when the pack was made.
    min_fee : float
        Smallest transfer counted as a fee.
    grievances : DataFrame or None
        Triage rows (:data:`~ringgraph.analysis.conduct.triage.TRIAGE_COLUMNS`) of the
        ring's complaints whose grievance the call logs support (``supported`` or
        ``partly``): genuine grievances inside the ring. ``None`` when the store holds no
        call logs (nothing was checked).
    """

    ring: Ring
    result: RingResult
    nodes: pd.DataFrame
    edges: pd.DataFrame
    usage: dict
    store_kind: str
    snapshot: str
    min_fee: float
    grievances: pd.DataFrame | None = None
    _props: dict = field(default_factory=dict, repr=False)
    _name_map: dict = field(default_factory=dict, repr=False)

    # -- lookups ---------------------------------------------------------------------
    @property
    def complaint_ids(self) -> list[str]:
        return sorted(self.ring.complaint_ids)

    def props(self, label: str, key: str) -> dict:
        if not self._props:
            self._props = {(lb, k): props_of(p) for lb, k, p in
                           zip(self.nodes["label"], self.nodes["key"], self.nodes["props"])}
        return self._props.get((label, key), {})

    def name(self, label: str, key: str) -> str:
        return self._names().get((label, key), "")

    def _names(self) -> dict:
        if not self._name_map:
            self._name_map = {(lb, k): _s(n) for lb, k, n in
                              zip(self.nodes["label"], self.nodes["key"], self.nodes["name"])}
        return self._name_map

    def rel(self, *rels: str) -> pd.DataFrame:
        return self.edges[self.edges["rel"].isin(rels)]

    def filer(self) -> dict[str, str]:
        """Complaint id → key of the borrower who filed it."""
        f = self.rel(m.FILED)
        return dict(zip(f["dst_key"], f["src_key"]))

    def borrowers(self) -> list[str]:
        """Identified borrowers (Person keys) only; see :meth:`borrower_count`."""
        return sorted(set(self.filer().values()))

    def borrower_count(self) -> int:
        """The ring's borrowers as :mod:`ringgraph.core.borrowers` defines them (complaints
        with no identified filer count one each), as scoring counts them."""
        return count_borrowers(self.complaint_ids, self.filer())

    def unidentified(self) -> list[str]:
        """The ring's complaints with no identified filer."""
        return unidentified(self.complaint_ids, self.filer())

    def agents(self) -> list[str]:
        return sorted(set(self.rel(m.REPRESENTED_BY)["dst_key"]))

    def orgs(self) -> list[str]:
        return sorted(set(self.rel(m.VIA_ORG, m.WORKS_FOR)["dst_key"]))

    def complaint_props(self) -> dict[str, dict]:
        return {c: self.props(m.COMPLAINT, c) for c in self.complaint_ids}

    def fees(self) -> pd.DataFrame:
        """Fee-sized transfers of the ring's borrowers: ``payer, account, amount, memo,
        at, eid, source, row, shared_payers`` (ring borrowers who paid that account)."""
        paid = self.rel(m.PAID)
        cols = ["payer", "account", "amount", "memo", "at", "eid", "source", "row",
                "shared_payers"]
        if not len(paid):
            return pd.DataFrame(columns=cols)
        props = [props_of(p) for p in paid["props"]]
        df = pd.DataFrame({
            "payer": paid["src_key"].to_numpy(), "account": paid["dst_key"].to_numpy(),
            "amount": pd.to_numeric(pd.Series([p.get("amount") for p in props], dtype=object),
                                    errors="coerce").to_numpy(),
            "memo": [_s(p.get("memo")) for p in props], "at": paid["at"].to_numpy(),
            "eid": paid["eid"].to_numpy(), "source": paid["source"].to_numpy(),
            "row": paid["row"].to_numpy()})
        payers = df.groupby("account")["payer"].nunique()
        df["shared_payers"] = df["account"].map(payers).astype(int)
        return df.sort_values(["shared_payers", "account", "at", "eid"],
                              ascending=[False, True, True, True],
                              kind="stable").reset_index(drop=True)[cols]

    def reach(self) -> pd.DataFrame:
        """For every identifier of the case (and every certificate number): the ring's
        complaints and borrowers that use it and their provinces.

        Returns ``label, key, complaints, borrowers, provinces`` (sets), one row per
        identifier.
        """
        filer = self.filer()
        cprops = self.complaint_props()
        province = {c: _s(p.get("province")) for c, p in cprops.items()}
        agent_complaints = {}
        for c, a in zip(self.rel(m.REPRESENTED_BY)["src_key"],
                        self.rel(m.REPRESENTED_BY)["dst_key"]):
            agent_complaints.setdefault(a, set()).add(c)
        person_complaints: dict[str, set] = {}
        for c, p in filer.items():
            person_complaints.setdefault(p, set()).add(c)

        rows: dict[tuple[str, str], set] = {}

        def add(label: str, key: str, complaints) -> None:
            rows.setdefault((label, key), set()).update(complaints)

        for e in self.edges.itertuples(index=False):
            if e.src_label == m.COMPLAINT and e.dst_label in IDENTIFIER_LABELS:
                add(e.dst_label, e.dst_key, {e.src_key})
            elif e.src_label == m.PERSON and e.dst_label in IDENTIFIER_LABELS:
                add(e.dst_label, e.dst_key, person_complaints.get(e.src_key, set()))
            elif e.src_label == m.AGENT and e.dst_label in IDENTIFIER_LABELS:
                add(e.dst_label, e.dst_key, agent_complaints.get(e.src_key, set()))
        for e in self.rel(m.ATTACHED).itertuples(index=False):
            cert = _s(self.props(m.DOCUMENT, e.dst_key).get("cert_no"))
            if cert:
                add(CERT, cert, {e.src_key})
        out = []
        for (label, key), cs in sorted(rows.items()):
            cs = {c for c in cs if c in cprops}
            out.append({"label": label, "key": key, "complaints": cs,
                        "borrowers": {filer.get(c) or UNIDENTIFIED + c for c in cs},
                        "provinces": {province[c] for c in cs if province.get(c)}})
        return pd.DataFrame(out, columns=["label", "key", "complaints", "borrowers",
                                          "provinces"])

    def source_complaints(self) -> list[str]:
        """For every relationship (in :attr:`edges` order), the ring complaints it is
        evidence for, ``;``-joined: its own complaint, else the complaints of the borrower
        or agent at its source."""
        filer = self.filer()
        by_person: dict[str, list] = {}
        for c, p in sorted(filer.items()):
            by_person.setdefault(p, []).append(c)
        by_agent: dict[str, list] = {}
        rep = self.rel(m.REPRESENTED_BY)
        for c, a in sorted(zip(rep["src_key"], rep["dst_key"])):
            by_agent.setdefault(a, []).append(c)
        out = []
        for sl, sk, dl, dk in zip(self.edges["src_label"], self.edges["src_key"],
                                  self.edges["dst_label"], self.edges["dst_key"]):
            if dl == m.COMPLAINT:
                cs = [dk]
            elif sl == m.COMPLAINT:
                cs = [sk]
            elif sl == m.PERSON:
                cs = by_person.get(sk, [])
            elif sl == m.AGENT:
                cs = by_agent.get(sk, [])
            else:
                cs = []
            out.append(";".join(cs))
        return out


def collect_case(store: GraphStore, result: RingResult, ring_id: str,
                 store_kind: str | None = None, allow_stale: bool = False) -> CaseData:
    """Read one ring of ``result`` and its neighbourhood from ``store``.

    The one extraction every view of a ring is built from: the investigator's notebook
    (:func:`ringgraph.investigate.ring`) and the evidence pack show the same case.

    Parameters
    ----------
    store : GraphStore
        The store the result was computed on.
    result : RingResult
    ring_id : str
        E.g. ``"RG0001"``.
    store_kind : str, optional
        Recorded in the manifest (default: the store's ``name``).
    allow_stale : bool
        Accept a store whose data changed since detection (the fingerprints differ). Off by
        default: such a pack could not be reproduced from the recorded snapshot.

    Raises
    ------
    EvidenceError
        Unknown ring, a ring with no complaints in the store, or a stale result.
    """
    ring = _ring_of(result, ring_id)
    snapshot = store.fingerprint()
    if result.data_fingerprint and snapshot != result.data_fingerprint and not allow_stale:
        raise EvidenceError(
            f"the store's data changed since detection (fingerprint {snapshot[:12]}… vs "
            f"{result.data_fingerprint[:12]}… in the result): re-run `ringgraph detect` "
            f"(or pass --allow-stale)")
    min_fee = float(result.projection.get("min_fee_amount", 1000.0))
    all_edges = store.edges()
    nodes, edges = ring_neighbourhood(store, all_edges, set(ring.complaint_ids), min_fee)
    found = set(nodes.loc[nodes["label"] == m.COMPLAINT, "key"])
    missing = set(ring.complaint_ids) - found
    if missing:
        what = "none of its complaints is" if not found else \
            f"{len(missing)} of its complaints are not"
        raise EvidenceError(f"--ring {ring_id}: {what} in the store; "
                            f"is --rings from another store?")
    return CaseData(ring=ring, result=result, nodes=nodes, edges=edges,
                    usage=store_usage(store, all_edges, nodes),
                    store_kind=store_kind or getattr(store, "name", "unknown"),
                    snapshot=snapshot, min_fee=min_fee,
                    grievances=store_grievances(store, ring.complaint_ids))


def _ring_of(result: RingResult, ring_id: str) -> Ring:
    try:
        return result.ring(ring_id)
    except KeyError:
        known = ", ".join(r.ring_id for r in result.rings[:5])
        raise EvidenceError(f"--ring {ring_id}: no such ring in the result"
                            f"{' (first: ' + known + ')' if known else ''}") from None


def ring_neighbourhood(store: GraphStore, all_edges: pd.DataFrame, members: set[str],
                       min_fee: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes and relationships of a ring: its complaints' relationships, the borrowers'
    phones and fee-sized transfers, the agents' phones and organisations; sorted."""
    at_c = ((all_edges["src_label"].eq(m.COMPLAINT) & all_edges["src_key"].isin(members))
            | (all_edges["dst_label"].eq(m.COMPLAINT) & all_edges["dst_key"].isin(members)))
    e_c = all_edges[at_c & all_edges["rel"].isin(_COMPLAINT_RELS)]
    persons = set(e_c.loc[e_c["rel"] == m.FILED, "src_key"])
    agents = set(e_c.loc[e_c["rel"] == m.REPRESENTED_BY, "dst_key"])
    e_p = all_edges[all_edges["src_label"].eq(m.PERSON) & all_edges["src_key"].isin(persons)
                    & all_edges["rel"].isin([m.HAS_PHONE, m.PAID])]
    if len(e_p):
        amount = pd.to_numeric(pd.Series(
            [props_of(p).get("amount") for p in e_p["props"]], index=e_p.index, dtype=object),
            errors="coerce")
        e_p = e_p[(e_p["rel"] != m.PAID) | (amount >= min_fee)]
    e_a = all_edges[all_edges["src_label"].eq(m.AGENT) & all_edges["src_key"].isin(agents)
                    & all_edges["rel"].isin([m.WORKS_FOR, m.HAS_PHONE])]
    edges = (pd.concat([e_c, e_p, e_a], ignore_index=True)
             .drop_duplicates(EDGE_KEY)
             .sort_values(EDGE_KEY, kind="stable").reset_index(drop=True))
    wanted = set(zip(edges["src_label"], edges["src_key"])) | set(
        zip(edges["dst_label"], edges["dst_key"])) | {(m.COMPLAINT, c) for c in members}
    frames = []
    for label in sorted({lb for lb, _ in wanted}):
        ks = {k for lb, k in wanted if lb == label}
        f = store.nodes(label)
        frames.append(f[f["key"].isin(ks)])
    nodes = (pd.concat(frames, ignore_index=True)
             .sort_values(["label", "key"], kind="stable").reset_index(drop=True))
    return nodes, edges


def store_usage(store: GraphStore, all_edges: pd.DataFrame, nodes: pd.DataFrame) -> dict:
    """``(label, key) -> relationships in the whole store`` for the case's identifiers, and
    ``(CERT, number) -> attachments store-wide`` for its certificate numbers."""
    ident = nodes[nodes["label"].isin(IDENTIFIER_LABELS)]
    wanted_ident = set(zip(ident["label"], ident["key"]))
    ends = pd.concat([
        all_edges[["src_label", "src_key"]].set_axis(["label", "key"], axis=1),
        all_edges[["dst_label", "dst_key"]].set_axis(["label", "key"], axis=1)])
    ends = ends[ends["label"].isin(IDENTIFIER_LABELS)]
    counts = ends.groupby(["label", "key"]).size()
    usage = {k: int(v) for k, v in counts.items() if k in wanted_ident}
    # A certificate number is a property of documents: count its attachments store-wide.
    docs = store.nodes(m.DOCUMENT)
    cert_of = {k: str(props_of(p).get("cert_no") or "") for k, p in zip(docs["key"],
                                                                        docs["props"])}
    att = all_edges.loc[all_edges["rel"] == m.ATTACHED, "dst_key"].map(cert_of)
    case_certs = {str(props_of(p).get("cert_no") or "") for lb, p in zip(nodes["label"],
                                                                         nodes["props"])
                  if lb == m.DOCUMENT} - {""}
    for cert, n in att[att.isin(case_certs)].value_counts().items():
        usage[(CERT, cert)] = int(n)
    return usage


def documents_reuse(case: CaseData) -> pd.DataFrame:
    """Forged-material reuse: one file (by hash) or one certificate number (across files)
    on complaints of two or more different borrowers.

    Returns ``by, doc_type, issuer, cert_no, file, borrowers, complaints, provinces,
    first_at, last_at, complaint_ids`` (raw; no personal data), most borrowers first.
    """
    cols = ["by", "doc_type", "issuer", "cert_no", "file", "borrowers", "complaints",
            "provinces", "first_at", "last_at", "complaint_ids"]
    att = case.rel(m.ATTACHED)
    if not len(att):
        return pd.DataFrame(columns=cols)
    filer = case.filer()
    cprops = case.complaint_props()
    rows = []
    for c, d in zip(att["src_key"], att["dst_key"]):
        p = case.props(m.DOCUMENT, d)
        rows.append({"complaint_id": c, "doc": d, "doc_type": _s(p.get("doc_type"))
                     or case.name(m.DOCUMENT, d), "issuer": _s(p.get("issuer")),
                     "cert_no": _s(p.get("cert_no")),
                     "sha256": _s(p.get("sha256")) or d.removeprefix("sha256:"),
                     "borrower": filer.get(c, "complaint:" + c),
                     "province": _s(cprops.get(c, {}).get("province")),
                     "at": _s(cprops.get(c, {}).get("received_at"))})
    a = pd.DataFrame(rows)
    out = []
    for by, keycol in (("文件 file", "sha256"), ("证书编号 certificate", "cert_no")):
        sub = a[a[keycol] != ""]
        for k, g in sub.groupby(keycol, sort=True):
            if g["borrower"].nunique() < 2:
                continue
            ats = sorted(x for x in g["at"] if x)
            out.append({"by": by,
                        "doc_type": "、".join(sorted(set(g["doc_type"]) - {""})),
                        "issuer": "、".join(sorted(set(g["issuer"]) - {""})),
                        "cert_no": "、".join(sorted(set(g["cert_no"]) - {""})),
                        "file": ("sha256:" + k) if keycol == "sha256" else
                        f"{g['sha256'].nunique()} 个文件 files",
                        "borrowers": int(g["borrower"].nunique()),
                        "complaints": int(g["complaint_id"].nunique()),
                        "provinces": int(g.loc[g["province"] != "", "province"].nunique()),
                        "first_at": ats[0] if ats else "", "last_at": ats[-1] if ats else "",
                        "complaint_ids": ";".join(sorted(set(g["complaint_id"])))})
    df = pd.DataFrame(out, columns=cols)
    return df.sort_values(["borrowers", "complaints", "by", "cert_no", "file"],
                          ascending=[False, False, True, True, True],
                          kind="stable").reset_index(drop=True)


def as_number(value) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return float("nan")
    return v if np.isfinite(v) else float("nan")
