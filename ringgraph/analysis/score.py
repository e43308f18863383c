"""Ring scoring: misconduct evidence versus context → a transparent score → reasons.

What a lawful law firm or legal-aid centre also shows is **context**: many borrowers
represented by one agent or organisation, fees paid into one account, the firm's office
phone as the call-back number, clients from several provinces. None of it is evidence.
**Misconduct** is what separates an illegal outfit: forged material reused across
*unrelated* borrowers, template scripts well above how alike this data's texts are anyway,
pressure demands, identity hand-over (one device or one registered phone across
households, freshly issued SIMs in one number block), bursts of filings across provinces.

The score is a weighted sum of bounded components, each in [0, 1]:

================  ==========  ======  ===============================================
component         kind        weight  full marks when
================  ==========  ======  ===============================================
sharing           context     0.10    one identifier is shared by ≥ 10 borrowers
spread            context     0.05    the borrowers come from ≥ 5 provinces
representation    context     0.05    ≥ 5 borrowers share one agent or organisation
fees              context     0.05    ≥ 5 borrowers paid the same account
material          misconduct  0.20    ≥ 4 borrowers used a document (file or certificate)
                                      also used by two more households, or by one more
                                      from another city
handover          misconduct  0.15    ≥ 4 borrowers share a device or registered phone
                                      with another household, or hold fresh SIMs
                                      numbered next to each other
demands           misconduct  0.15    pressure demands (精神赔偿; 停息挂账 with 征信修复;
                                      媒体曝光) in 60 points more of the complaints than
                                      in the whole data
templates         misconduct  0.15    mean character-4-gram Jaccard of the texts is 0.25
                                      above the data's background (random pairs)
burst             misconduct  0.10    all complaints within 30 days, from ≥ 3 provinces
                                      (nothing until half of them are)
scripted          misconduct  0.15    only with call logs ingested: ≥ 5 borrowers allege
                                      one kind of collection breach the lender's own
                                      logs contradict, ≥ 50 % of the members the logs
                                      can check (nothing below 3 borrowers or 50 %;
                                      :mod:`ringgraph.analysis.conduct.scripted`)
================  ==========  ======  ===============================================

A community is flagged only when its score reaches ``threshold``, it spans at least
``min_borrowers`` households (relatives — same surname and ID region — count once), and
it shows at least ``min_evidence_kinds`` independent kinds of *misconduct* evidence
(:func:`evidence_kinds`); context never flags a ring. Features are computed for all
communities at once (vectorised); reasons (:mod:`ringgraph.analysis.reasons`) only for
the candidates, each marked as misconduct or context.
"""

from __future__ import annotations


import numpy as np
import pandas as pd

from ringgraph.core.borrowers import borrower_keys
from ringgraph.core import model as m
from ringgraph.core import redact as pii
from ringgraph.analysis.project import CERT, ComplaintGraph
from ringgraph.core.settings import ScoreParams  # noqa: F401 - part of this module's API
from ringgraph.analysis.conduct.scripted import is_scripted
from ringgraph.analysis.signals import (burst_share, handover_borrowers, link_density,
                                       pressure, template_background, template_similarity)

TYPE_NAMES = {
    m.PHONE: ("联系电话", "phone number"), m.DEVICE: ("设备", "device"),
    m.IP: ("IP 地址", "IP address"), m.AGENT: ("委托代理人", "proxy agent"),
    m.ORG: ("代理机构", "organisation"), m.DOCUMENT: ("材料文件", "document file"),
    CERT: ("证书编号", "certificate number"), m.ACCOUNT: ("收款账户", "payee account"),
    m.PERSON: ("借款人", "borrower"),
}


def display_ident(ident_type: str, ident: str, names: dict | None = None,
                  mask: bool = True) -> str:
    """How an identifier is shown in a reason; personal data masked unless ``mask=False``
    (by :func:`ringgraph.core.redact.mask`, as in views and packs)."""
    name = (names or {}).get((ident_type, ident), "")
    if not mask:
        return f"{name} ({ident})" if name and name != ident else ident
    if ident_type in pii.PERSONAL_LABELS:
        return pii.mask(ident_type, ident, name)
    if ident_type == m.DOCUMENT:
        short = ident.removeprefix("sha256:")[:12] + "…"
        return f"{name} {short}".strip()
    return pii.mask(ident_type, ident, name)


CONTEXT = "context"
MISCONDUCT = "misconduct"
COMPONENT_KIND = {"sharing": CONTEXT, "spread": CONTEXT, "representation": CONTEXT,
                  "fees": CONTEXT, "material": MISCONDUCT, "handover": MISCONDUCT,
                  "demands": MISCONDUCT, "templates": MISCONDUCT, "burst": MISCONDUCT,
                  "scripted": MISCONDUCT}
CHANNEL_TYPES = (m.PHONE, m.DEVICE, m.IP, m.AGENT, m.ORG)
MATERIAL_TYPES = (m.DOCUMENT, CERT)
REPRESENTATION_TYPES = (m.AGENT, m.ORG)
FEATURE_COLUMNS = (
    "complaints", "borrowers", "households", "provinces", "agents", "orgs",
    "max_shared_borrowers", "max_channel_borrowers", "material_borrowers",
    "handover_borrowers", "represented_borrowers", "max_account_payers",
    "pressure_demand_share", "pressure_background", "burst_share", "template_similarity",
    "template_background", "link_density", "first_at", "last_at",
)
_FLOATS = ("pressure_demand_share", "pressure_background", "burst_share", "template_similarity",
           "template_background", "link_density")


def community_features(graph: ComplaintGraph, labels: np.ndarray,
                       params: "ScoreParams | None" = None
                       ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Features of every community at once.

    Parameters
    ----------
    graph : ComplaintGraph
    labels : ndarray
        Community of each complaint (``-1``: none), as a detector's ``labels_``.
    params : ScoreParams, optional

    Returns
    -------
    features : DataFrame
        One row per community (index = community number), columns ``FEATURE_COLUMNS``.
    shared : DataFrame
        ``community, ident_type, ident, borrowers, households, complaints, provinces,
        degree`` for every identifier shared by ≥ 2 distinct borrowers of a community,
        strongest first.
    """
    params = params or ScoreParams()
    labels = np.asarray(labels)
    allc = _with_borrowers(graph.complaints)
    c = allc.assign(community=labels)
    c = c[c["community"] >= 0]
    grouped = c.groupby("community")
    feats = pd.DataFrame({
        "complaints": grouped.size(),
        "borrowers": grouped["borrower"].nunique(),
        "households": grouped["household"].nunique(),
        "provinces": c[c["province"] != ""].groupby("community")["province"].nunique(),
    }).fillna(0)
    inc, shared = _shared_identifiers(graph, labels, allc)
    keys = ["community", "ident_type", "ident"]

    def max_of(types) -> pd.Series:
        return shared[shared["ident_type"].isin(types)].groupby("community")["borrowers"].max()

    def borrowers_on(sel: pd.DataFrame) -> pd.Series:
        hit = inc.merge(sel[keys], on=keys)
        return hit.groupby("community")["borrower"].nunique()

    foreign = shared["households"] >= 2   # used by more than one household
    # Reuse: three households, or two from different cities (a couple with two surnames
    # shares one household register; forged packages travel).
    reused = foreign & ((shared["households"] >= 3) | (shared["cities"] >= 2))
    feats["agents"] = inc[inc["ident_type"] == m.AGENT].groupby("community")["ident"].nunique()
    feats["orgs"] = inc[inc["ident_type"] == m.ORG].groupby("community")["ident"].nunique()
    feats["max_shared_borrowers"] = shared.groupby("community")["borrowers"].max()
    feats["max_channel_borrowers"] = max_of(CHANNEL_TYPES)
    feats["material_borrowers"] = borrowers_on(
        shared[shared["ident_type"].isin(MATERIAL_TYPES) & reused])
    feats["handover_borrowers"] = handover_borrowers(
        c, inc.merge(shared[(shared["ident_type"] == m.DEVICE) & foreign][keys], on=keys),
        params.sim_block_gap)
    feats["represented_borrowers"] = borrowers_on(
        shared[shared["ident_type"].isin(REPRESENTATION_TYPES)])
    feats["max_account_payers"] = max_of([m.ACCOUNT])
    pressed = pressure(allc["demands"])
    feats["pressure_demand_share"] = pressed[c.index].groupby(c["community"]).mean()
    feats["pressure_background"] = float(pressed.mean()) if len(pressed) else 0.0
    feats["burst_share"] = burst_share(c, params.burst_days)
    # Texts are only compared where a flag is possible at all (enough borrowers).
    big = feats.index[feats["households"] >= params.min_borrowers]
    feats["template_similarity"] = template_similarity(
        graph, c[c["community"].isin(big)], params.template_sample)
    feats["template_background"] = template_background(graph, params.seed)
    feats["link_density"] = link_density(graph, labels, feats["complaints"])
    return _tidy(feats, c), shared


def _with_borrowers(complaints: pd.DataFrame) -> pd.DataFrame:
    """Complaints with ``borrower`` and ``household`` (a complaint without a borrower is
    its own; without household data each borrower is their own household)."""
    c = complaints.copy()
    c["borrower"] = borrower_keys(c["complaint_id"], c["person"])
    if "household" in c.columns:
        hh = c["household"].fillna("").astype(str)
        c["household"] = hh.where((hh != "") & (c["person"] != ""), c["borrower"])
    else:
        c["household"] = c["borrower"]
    if "own_phone" not in c.columns:
        c["own_phone"] = ""
    return c


def _shared_identifiers(graph: ComplaintGraph, labels: np.ndarray, allc: pd.DataFrame
                        ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Incidence inside communities (with borrower, household, province) and the
    identifiers shared by ≥ 2 borrowers of a community."""
    inc = graph.incidence
    inc = inc.assign(community=labels[inc["complaint"].to_numpy()])
    inc = inc[(inc["community"] >= 0) & (inc["ident_type"] != m.PERSON)]
    idx = inc["complaint"].to_numpy()
    inc = inc.assign(borrower=allc["borrower"].to_numpy()[idx],
                     household=allc["household"].to_numpy()[idx],
                     city=allc["household"].str.split("|").str[-1].to_numpy()[idx],
                     province=allc["province"].to_numpy()[idx])
    keys = ["community", "ident_type", "ident"]
    prov = inc[inc["province"] != ""].groupby(keys)["province"].nunique()
    shared = inc.groupby(keys).agg(borrowers=("borrower", "nunique"),
                                   households=("household", "nunique"),
                                   cities=("city", "nunique"),
                                   complaints=("complaint", "nunique"),
                                   degree=("degree", "first"))
    shared["provinces"] = prov.reindex(shared.index).fillna(0).astype(int)
    shared = shared.reset_index()
    shared = shared[shared["borrowers"] >= 2].sort_values(
        ["community", "borrowers", "complaints", "ident_type", "ident"],
        ascending=[True, False, False, True, True], kind="stable").reset_index(drop=True)
    return inc, shared


def _tidy(feats: pd.DataFrame, c: pd.DataFrame) -> pd.DataFrame:
    """First/last times, zeros for missing values, integer counts, column order."""
    times = c.dropna(subset=["at"]).groupby("community")["at"]
    feats["first_at"] = times.min().dt.strftime("%Y-%m-%d %H:%M:%S")
    feats["last_at"] = times.max().dt.strftime("%Y-%m-%d %H:%M:%S")
    numeric = [f for f in FEATURE_COLUMNS if f not in ("first_at", "last_at")]
    feats[numeric] = feats[numeric].fillna(0)
    feats[["first_at", "last_at"]] = feats[["first_at", "last_at"]].fillna("")
    ints = [f for f in numeric if f not in _FLOATS]
    feats[ints] = feats[ints].astype(np.int64)
    return feats[list(FEATURE_COLUMNS)]


def score_components(feats: pd.DataFrame, params: "ScoreParams") -> pd.DataFrame:
    """Points of each score component per community (weight × bounded feature)."""
    # A misconduct component earns points only once it is evidence (evidence_kinds), so no
    # reason ever presents a background-level similarity or demand rate as a finding.
    excess_text = feats["template_similarity"] - feats["template_background"]
    excess_text = excess_text.where(excess_text >= params.template_min_excess, 0.0)
    excess_demand = feats["pressure_demand_share"] - feats["pressure_background"]
    excess_demand = excess_demand.where(
        (excess_demand >= params.pressure_min_excess)
        & (feats["pressure_demand_share"] * feats["complaints"] >= 1.5), 0.0)
    comp = pd.DataFrame({
        "sharing": (feats["max_shared_borrowers"] - 1) / 9,
        "spread": (feats["provinces"] - 1) / 4,
        "representation": feats["represented_borrowers"] / 5,
        "fees": (feats["max_account_payers"] - 1) / 4,
        "material": feats["material_borrowers"] / 4,
        "handover": feats["handover_borrowers"] / 4,
        "demands": excess_demand / 0.6,
        "templates": excess_text / 0.25,
        # A burst is most complaints within days; a few close ones are ordinary.
        "burst": ((feats["burst_share"] - 0.5) / 0.5).where((feats["complaints"] >= 3)
                                                            & (feats["provinces"] >= 3), 0.0),
    }, index=feats.index).clip(0.0, 1.0)
    w = pd.Series({k: params.weights.get(k, 0.0) for k in comp.columns})
    return (comp * w).round(4)


def evidence_kinds(feats: dict, params: "ScoreParams | None" = None) -> list[str]:
    """The independent kinds of *misconduct* evidence a community shows."""
    params = params or ScoreParams()
    kinds = []
    if feats["material_borrowers"] >= 2:
        kinds.append("material_reuse")
    if feats.get("handover_borrowers", 0) >= 2:
        kinds.append("identity_handover")
    # Shares of tiny communities are noisy: pressure needs two complaints at least.
    if (feats["pressure_demand_share"] - feats.get("pressure_background", 0.0)
            >= params.pressure_min_excess
            and feats["pressure_demand_share"] * feats["complaints"] >= 1.5):
        kinds.append("pressure_demands")
    if (feats.get("template_similarity", 0.0) - feats.get("template_background", 0.0)
            >= params.template_min_excess):
        kinds.append("template_texts")
    if feats["burst_share"] >= 0.6 and feats["provinces"] >= 3 and feats["complaints"] >= 3:
        kinds.append("burst_across_provinces")
    # Only present when the store holds call logs (ringgraph.analysis.conduct.scripted).
    if is_scripted(feats):
        kinds.append("scripted_grievance")
    return kinds


def context_kinds(feats: dict) -> list[str]:
    """What the community shares that lawful representation also shows (not evidence)."""
    kinds = []
    if feats["max_channel_borrowers"] >= 3:
        kinds.append("shared_channel")
    if feats["represented_borrowers"] >= 3:
        kinds.append("representation")
    if feats["max_account_payers"] >= 3:
        kinds.append("fee_account")
    return kinds


def is_flagged(total: float, feats: dict, params: "ScoreParams") -> bool:
    """The flag rule: score, households, and corroborated misconduct evidence."""
    return (total >= params.threshold
            and feats.get("households", feats["borrowers"]) >= params.min_borrowers
            and len(evidence_kinds(feats, params)) >= params.min_evidence_kinds)


def split_points(points: dict) -> dict[str, dict[str, float]]:
    """A ring's points split into ``misconduct`` and ``context`` components."""
    out: dict[str, dict[str, float]] = {MISCONDUCT: {}, CONTEXT: {}}
    for k, v in points.items():
        out[COMPONENT_KIND.get(k, CONTEXT)][k] = v
    return out
