"""One detected ring opened as a case for an investigator (see :func:`ring`).

The case is read by :func:`ringgraph.case.extract.collect_case`, the same extractor the
evidence pack uses, and its network by :func:`ringgraph.case.view.view_frames`: the
notebook and the pack show the same ring.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ringgraph.analysis.result import Ring, RingResult
from ringgraph.case.extract import CaseData, collect_case, documents_reuse
from ringgraph.case.view import view_frames
from ringgraph.core import model as m
from ringgraph.core.borrowers import borrower_keys
from ringgraph.investigate.subgraph import Subgraph, complaint_table, decorate, people_or_view
from ringgraph.case.texts import SideBySide, side_by_side
from ringgraph.store.base import GraphStore
from ringgraph.store.people import people_redactor
from ringgraph.viz.describe import LABEL_TEXT, mask_payee, shown as _shown
from ringgraph.viz.network import NetworkView

_TYPE_TEXT = {"Cert": "证书编号 Certificate", **LABEL_TEXT}


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
        Fee-sized transfers (≥ the projection's ``min_fee_amount``) by the ring's
        borrowers: ``at, payer, account, payee, amount, memo, shared_payers, eid``;
        ``shared_payers`` counts the ring borrowers who paid the same account, largest
        first.
    subgraph : Subgraph
        Members, organisers and the identifiers linking them, for :meth:`show`.
    case : CaseData
        The raw case (unmasked) the tables were made from.
    """

    ring: Ring
    complaints: pd.DataFrame
    identifiers: pd.DataFrame
    documents: pd.DataFrame
    fees: pd.DataFrame
    subgraph: Subgraph
    case: CaseData | None = field(default=None, repr=False)
    mask: bool = True
    _texts: pd.Series = field(default_factory=lambda: pd.Series(dtype=object), repr=False)

    @property
    def ring_id(self) -> str:
        return self.ring.ring_id

    def reasons(self) -> pd.DataFrame:
        """The reasons behind the score, in Chinese and English, strongest first."""
        return pd.DataFrame([{"points": round(float(r["points"]), 2), "原因": r["zh"],
                              "reason": r["en"]} for r in self.ring.reasons])

    @property
    def borrowers(self) -> int:
        """The ring's borrowers as :mod:`ringgraph.core.borrowers` defines them (distinct
        identified filers + complaints with no identified filer, one each), as scoring
        counts them; :meth:`members` lists them one by one."""
        if self.case is not None:
            return self.case.borrower_count()
        return int(self.ring.features.get("borrowers", len(self.members())))

    def members(self) -> pd.DataFrame:
        """One row per borrower: ``borrower, complaints, provinces, first_at, last_at``.

        A borrower is who filed a complaint; a complaint with no identified filer counts
        as a borrower of its own (shown as ``未识别 unidentified``), as in scoring, so the
        row count equals the ring's ``borrowers`` feature.
        """
        c = self.complaints
        who = c["borrower"].where(c["borrower"] != "",
                                  "未识别 unidentified · " + c["complaint_id"])
        filer = self.case.filer() if self.case is not None else {}
        keys = borrower_keys(c["complaint_id"], c["complaint_id"].map(filer))
        g = c.assign(_key=keys, _who=who).groupby("_key", sort=False)
        out = pd.DataFrame({
            "borrower": g["_who"].first(), "complaints": g.size(),
            "provinces": g["province"].agg(lambda s: "、".join(sorted({p for p in s if p}))),
            "first_at": g["received_at"].min(), "last_at": g["received_at"].max()})
        return out.sort_values(["complaints", "first_at"], ascending=[False, True]) \
            .reset_index(drop=True)

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
                               f"{self.borrowers} 借款人 borrowers")
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


def ring(result: RingResult, store: GraphStore, ring_id: str, *, shared_only: bool = True,
         institutions: bool = False, mask: bool = True) -> RingCase:
    """Open one ring of ``result`` as a case, with everything read from ``store``.

    Parameters
    ----------
    result : RingResult
        From :func:`ringgraph.analysis.pipeline.find_rings` or
        ``RingResult.from_json("rings.json")``.
    store : GraphStore
        The store the result was computed on.
    ring_id : str
        E.g. ``"RG0001"``.
    shared_only : bool
        Keep in the network only identifiers that touch two or more of the ring's borrowers
        (members and organisers always stay; the tables still list everything).
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
    case = collect_case(store, result, ring_id, allow_stale=True)
    r = case.ring
    nodes_view, edges_view = view_frames(case, shared_only=shared_only,
                                         institutions=institutions)
    nodes_view = decorate(nodes_view, edges_view, mask, {c: r.ring_id for c in r.complaint_ids},
                          set())
    people = people_redactor(store)
    sub = Subgraph(nodes=nodes_view, edges=edges_view, title=r.ring_id, mask=mask,
                   people=people)
    complaints = complaint_table(case.nodes, case.edges, mask, people)
    documents = documents_reuse(case)
    return RingCase(ring=r, complaints=complaints, identifiers=_identifiers(r, mask),
                    documents=documents, fees=_fees(case, mask, people), subgraph=sub,
                    case=case, mask=mask)


def _identifiers(r: Ring, mask: bool) -> pd.DataFrame:
    cols = ["type", "shown", "borrowers", "complaints", "provinces", "degree"]
    ident = pd.DataFrame(r.shared_identifiers)
    if not len(ident):
        return pd.DataFrame(columns=cols)
    ident = ident.assign(type=ident["type"].map(lambda t: _TYPE_TEXT.get(t, t)))
    if not mask:
        ident["shown"] = ident["ident"]
    return ident[cols]


def _fees(case: CaseData, mask: bool, people=None) -> pd.DataFrame:
    """The case's fee transfers for display (payer and account masked when asked)."""
    f = case.fees()
    cols = ["at", "payer", "account", "payee", "amount", "memo", "shared_payers", "eid"]
    if not len(f):
        return pd.DataFrame(columns=cols)
    payee = [case.name(m.ACCOUNT, k) for k in f["account"]]
    red = people_or_view(case.nodes, people) if mask else None
    return pd.DataFrame({
        "at": f["at"].to_numpy(),
        "payer": [_shown(m.PERSON, k, case.name(m.PERSON, k), mask) for k in f["payer"]],
        "account": [_shown(m.ACCOUNT, k, n, mask) for k, n in zip(f["account"], payee)],
        "payee": [mask_payee(n) if mask else n for n in payee],
        "amount": f["amount"].to_numpy(),
        "memo": [red.mask(x) if red else x for x in f["memo"]],
        "shared_payers": f["shared_payers"].to_numpy(),
        "eid": f["eid"].to_numpy()})
