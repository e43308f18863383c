"""What every writer of a pack reads: the case, the PII mode and the tables built from them,
each computed once on first use (a writer asks; nothing is built twice)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import pandas as pd

from ringgraph.core import model as m
from ringgraph.core.safetext import display_safe
from ringgraph.analysis.result import RingResult
from ringgraph.case.extract import CaseData
from ringgraph.evidence.pii_modes import PseudonymRedactor, Redactor
from ringgraph.evidence.tables import (Display, complaints_table, i2_table, identifiers_table,
                                       links_table, persons_table)


@dataclass
class PackContext:
    """One export in progress.

    Attributes
    ----------
    case : CaseData
        The ring and its neighbourhood, raw.
    red : Redactor
        The PII mode.
    result : RingResult
        The detection the ring comes from.
    written : list of str
        File names written so far, in writer order (the report lists them).
    """

    case: CaseData
    red: Redactor
    result: RingResult
    written: list[str] = field(default_factory=list)

    @cached_property
    def complaints(self) -> pd.DataFrame:
        return complaints_table(self.case, self.red)

    @cached_property
    def persons(self) -> pd.DataFrame:
        return persons_table(self.case, self.red)

    @cached_property
    def identifiers(self) -> pd.DataFrame:
        return identifiers_table(self.case, self.red)

    @cached_property
    def links(self) -> pd.DataFrame:
        return links_table(self.case, self.red)

    @cached_property
    def i2_links(self) -> pd.DataFrame:
        return i2_table(self.links)

    @cached_property
    def grievances(self) -> pd.DataFrame | None:
        from ringgraph.evidence.grievances import grievances_table

        return grievances_table(self.case, self.red)

    @cached_property
    def record(self) -> dict:
        return ring_record(self.case, self.red)

    @cached_property
    def figures(self) -> dict[str, bytes]:
        from ringgraph.evidence.figures import make_figures
        from ringgraph.evidence.report_model import fees_display

        # Plots are read like the reports: control and bidi characters shown, not obeyed.
        return make_figures(self.case.ring.ring_id, _displayed(self.complaints),
                            _displayed(fees_display(self.case, self.red)))


def _displayed(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with :func:`~ringgraph.core.safetext.display_safe` applied to its text."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(display_safe)
    return out


def _shared_identifiers(d: Display, red: Redactor, ring) -> list[dict]:
    shared, pairs = [], []
    for si in ring.shared_identifiers:
        t, ident = si.get("type", ""), str(si.get("ident", ""))
        try:
            eid, value = d.id(t, ident), d.show(t, ident)
        except KeyError:  # not a node of the case (cannot happen for the ring's own)
            eid, value = "", si.get("shown", "")
        pairs.append((si.get("shown", ""), value))
        shared.append({"type": t, "entity_id": eid, "shown": value,
                       **{k: si[k] for k in ("borrowers", "complaints", "provinces", "degree")
                          if k in si}})
    if isinstance(red, PseudonymRedactor):
        red.remember_shown(pairs)
    return shared


def _reasons(d: Display, red: Redactor, ring) -> list[dict]:
    reasons = []
    for x in ring.reasons:
        ev = dict(x.get("evidence") or {})
        if "ident" in ev:
            t = ev.get("type") or (m.ACCOUNT if x.get("code") == "shared_fee_account" else "")
            try:
                raw = str(ev["ident"])
                ev["entity_id"], ev["ident"] = d.id(t, raw), d.show(t, raw)
            except KeyError:
                ev["entity_id"], ev["ident"] = "", ""
        reasons.append({"code": x.get("code", ""), "points": x.get("points", 0.0),
                        "zh": red.token_text(x.get("zh", "")),
                        "en": red.token_text(x.get("en", "")), "evidence": ev})
    return reasons


def ring_record(case: CaseData, red: Redactor) -> dict:
    """The ring's detection record under the PII mode: shared identifiers and the evidence
    inside reasons carry entity ids and display values instead of raw keys."""
    d = Display(case, red)
    r = case.ring
    shared = _shared_identifiers(d, red, r)  # before reasons: pseudonyms learn shown values
    reasons = _reasons(d, red, r)
    res = case.result
    return {
        "ring_id": r.ring_id, "rank": r.rank, "score": r.score, "flagged": r.flagged,
        "complaint_ids": sorted(r.complaint_ids), "features": r.features, "points": r.points,
        "reasons": reasons, "shared_identifiers": shared, "pii_mode": red.mode,
        # The investigators' verdict (who, when) and where the ring id comes from (issue 15).
        "verdict": r.verdict and dict(r.verdict, note=red.token_text(r.verdict["note"])),
        "lineage": r.lineage,
        "detection": {"detector": res.detector, "params": res.params, "seed": res.seed,
                      "projection": res.projection, "scoring": res.scoring,
                      "graph_fingerprint": res.graph_fingerprint,
                      "data_fingerprint": res.data_fingerprint,
                      "n_complaints": res.n_complaints, "versions": res.versions},
    }


__all__ = ["PackContext", "ring_record"]
