"""Ring scoring: features of a community → a transparent score → reasons in 中文 and English.

The score is a weighted sum of bounded components, each in [0, 1]:

================  ======  =========================================================
component         weight  full marks when
================  ======  =========================================================
sharing           0.20    one identifier is shared by ≥ 10 distinct borrowers
spread            0.15    the borrowers come from ≥ 5 provinces
material          0.20    ≥ 5 borrowers used a document (file or certificate) reused
                          across borrowers
representation    0.10    ≥ 5 borrowers share one agent or organisation
fees              0.15    ≥ 5 borrowers paid the same account
demands           0.10    every complaint demands 精神赔偿, or 停息挂账 with 征信修复
templates         0.05    complaint texts share a script (mean character-4-gram
                          Jaccard ≥ 0.4; unrelated complaints score about 0.05)
burst             0.05    all complaints fall within 30 days
================  ======  =========================================================

A community is flagged when its score reaches ``threshold``, it has at least
``min_borrowers`` distinct borrowers, and at least ``min_evidence_kinds`` independent kinds
of evidence (a contact/submission/representation identifier shared by ≥ 3 borrowers,
reused material, a fee account paid by ≥ 3 borrowers, pressure demands in ≥ 30% of
complaints, template texts with similarity ≥ 0.15): no single signal is proof alone. Features are computed for
all communities at once (vectorised); reasons only for the candidates. Every component that contributes becomes a
reason with its evidence, so a flag can always be explained and challenged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from ringgraph.core import model as m
from ringgraph.core import redact as pii
from ringgraph.analysis.project import CERT, ComplaintGraph

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


@dataclass
class ScoreParams:
    """Scoring settings; round-trip through JSON."""

    weights: dict[str, float] = field(default_factory=lambda: {
        "sharing": 0.20, "spread": 0.15, "material": 0.20, "representation": 0.10,
        "fees": 0.15, "demands": 0.10, "templates": 0.05, "burst": 0.05})
    threshold: float = 0.45
    min_borrowers: int = 5
    min_evidence_kinds: int = 2
    burst_days: int = 30
    # Texts compared per community for template similarity (a sample keeps it cheap).
    template_sample: int = 40
    # A member must share this many identifiers with its ring (see ringgraph.refine).
    min_member_links: int = 2

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Reason:
    code: str
    points: float
    zh: str
    en: str
    evidence: dict

    def to_dict(self) -> dict:
        return asdict(self)


CHANNEL_TYPES = (m.PHONE, m.DEVICE, m.IP, m.AGENT, m.ORG)
MATERIAL_TYPES = (m.DOCUMENT, CERT)
REPRESENTATION_TYPES = (m.AGENT, m.ORG)
FEATURE_COLUMNS = (
    "complaints", "borrowers", "provinces", "agents", "orgs", "max_shared_borrowers",
    "max_channel_borrowers", "material_borrowers", "represented_borrowers",
    "max_account_payers", "pressure_demand_share", "burst_share", "template_similarity",
    "link_density", "first_at", "last_at",
)


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
        ``community, ident_type, ident, borrowers, complaints, provinces, degree`` for every
        identifier shared by ≥ 2 distinct borrowers of a community, strongest first.
    """
    params = params or ScoreParams()
    labels = np.asarray(labels)
    c = graph.complaints.assign(community=labels)
    c["borrower"] = c["person"].where(c["person"] != "", "complaint:" + c["complaint_id"])
    c = c[c["community"] >= 0]
    grouped = c.groupby("community")
    feats = pd.DataFrame({
        "complaints": grouped.size(),
        "borrowers": grouped["borrower"].nunique(),
        "provinces": c[c["province"] != ""].groupby("community")["province"].nunique(),
    }).fillna(0)

    inc = graph.incidence
    inc = inc.assign(community=labels[inc["complaint"].to_numpy()])
    inc = inc[(inc["community"] >= 0) & (inc["ident_type"] != m.PERSON)]
    idx = inc["complaint"].to_numpy()
    inc = inc.assign(borrower=graph.complaints["person"].to_numpy()[idx],
                     province=graph.complaints["province"].to_numpy()[idx])
    anon = inc["borrower"] == ""
    inc.loc[anon, "borrower"] = "complaint:" + graph.complaints["complaint_id"].to_numpy()[
        idx[anon.to_numpy()]]
    keys = ["community", "ident_type", "ident"]
    prov = inc[inc["province"] != ""].groupby(keys)["province"].nunique()
    shared = inc.groupby(keys).agg(borrowers=("borrower", "nunique"),
                                   complaints=("complaint", "nunique"),
                                   degree=("degree", "first"))
    shared["provinces"] = prov.reindex(shared.index).fillna(0).astype(int)
    shared = shared.reset_index()
    shared = shared[shared["borrowers"] >= 2].sort_values(
        ["community", "borrowers", "complaints", "ident_type", "ident"],
        ascending=[True, False, False, True, True], kind="stable").reset_index(drop=True)

    def max_of(types) -> pd.Series:
        return shared[shared["ident_type"].isin(types)].groupby("community")["borrowers"].max()

    def borrowers_on(types) -> pd.Series:
        hit = inc.merge(shared[shared["ident_type"].isin(types)][keys], on=keys)
        return hit.groupby("community")["borrower"].nunique()

    feats["agents"] = inc[inc["ident_type"] == m.AGENT].groupby("community")["ident"].nunique()
    feats["orgs"] = inc[inc["ident_type"] == m.ORG].groupby("community")["ident"].nunique()
    feats["max_shared_borrowers"] = shared.groupby("community")["borrowers"].max()
    feats["max_channel_borrowers"] = max_of(CHANNEL_TYPES)
    feats["material_borrowers"] = borrowers_on(MATERIAL_TYPES)
    feats["represented_borrowers"] = borrowers_on(REPRESENTATION_TYPES)
    feats["max_account_payers"] = max_of([m.ACCOUNT])

    demands = c["demands"].fillna("")
    pressure = demands.str.contains("精神赔偿", regex=False) | (
        demands.str.contains("停息挂账", regex=False)
        & demands.str.contains("征信修复", regex=False))
    feats["pressure_demand_share"] = pressure.groupby(c["community"]).mean()
    feats["burst_share"] = _burst_share(c, params.burst_days)
    # Texts are only compared where a flag is possible at all (enough borrowers).
    big = feats.index[feats["borrowers"] >= params.min_borrowers]
    feats["template_similarity"] = _template_similarity(
        graph, c[c["community"].isin(big)], params.template_sample)
    feats["link_density"] = _link_density(graph, labels, feats["complaints"])
    times = c.dropna(subset=["at"]).groupby("community")["at"]
    feats["first_at"] = times.min().dt.strftime("%Y-%m-%d %H:%M:%S")
    feats["last_at"] = times.max().dt.strftime("%Y-%m-%d %H:%M:%S")
    numeric = [f for f in FEATURE_COLUMNS if f not in ("first_at", "last_at")]
    feats[numeric] = feats[numeric].fillna(0)
    feats[["first_at", "last_at"]] = feats[["first_at", "last_at"]].fillna("")
    ints = [f for f in numeric if f not in ("pressure_demand_share", "burst_share",
                                            "template_similarity", "link_density")]
    feats[ints] = feats[ints].astype(np.int64)
    return feats[list(FEATURE_COLUMNS)], shared


def _burst_share(c: pd.DataFrame, days: int) -> pd.Series:
    """Largest share of a community's complaints inside any ``days``-day window."""
    t = c.dropna(subset=["at"]).sort_values(["community", "at"], kind="stable")
    if t.empty:
        return pd.Series(dtype=float)
    sec = t["at"].to_numpy().astype("datetime64[s]").astype(np.int64)
    sec = sec - sec.min()
    group = pd.factorize(t["community"])[0].astype(np.int64)
    # Offsetting each community by more than the whole time range keeps searches inside it.
    key = group * (int(sec.max()) + 2 * 86400 * days + 1) + sec
    ends = np.searchsorted(key, key + np.int64(days) * 86400, side="right")
    within = pd.Series(ends - np.arange(len(key)), index=t.index)
    best = within.groupby(t["community"]).max()
    return best / c.groupby("community").size()


def _shingles(text: str, k: int = 4) -> set[str]:
    t = "".join(str(text).split())
    return {t[i:i + k] for i in range(max(1, len(t) - k + 1))} if t else set()


def _template_similarity(graph: ComplaintGraph, c: pd.DataFrame, sample: int) -> pd.Series:
    """Mean pairwise character-4-gram Jaccard of (a sample of) each community's texts."""
    if "text" not in graph.complaints.columns:
        return pd.Series(dtype=float)
    out = {}
    for comm, members in c.groupby("community").groups.items():
        if len(members) < 2:
            continue
        # An evenly spread sample, not the first members: ids carry dates and sources.
        idx = sorted(members)
        idx = [idx[i] for i in np.linspace(0, len(idx) - 1, min(sample, len(idx))).astype(int)]
        sets = [_shingles(t) for t in graph.complaints.loc[idx, "text"]]
        sims = [len(a & b) / len(a | b) for i, a in enumerate(sets) for b in sets[i + 1:]
                if a or b]
        out[comm] = float(np.mean(sims)) if sims else 0.0
    return pd.Series(out, dtype=float)


def _link_density(graph: ComplaintGraph, labels: np.ndarray, sizes: pd.Series) -> pd.Series:
    """Share of a community's complaint pairs linked by at least one shared identifier."""
    ls, ld = labels[graph.src], labels[graph.dst]
    inside = (ls == ld) & (ls >= 0)
    counts = pd.Series(ls[inside]).value_counts()
    pairs = sizes * (sizes - 1) / 2
    return (counts.reindex(sizes.index).fillna(0) / pairs.where(pairs > 0)).fillna(0.0)


def score_components(feats: pd.DataFrame, params: "ScoreParams") -> pd.DataFrame:
    """Points of each score component per community (weight × bounded feature)."""
    comp = pd.DataFrame({
        "sharing": (feats["max_shared_borrowers"] - 1) / 9,
        "spread": (feats["provinces"] - 1) / 4,
        "material": feats["material_borrowers"] / 5,
        "representation": feats["represented_borrowers"] / 5,
        "fees": (feats["max_account_payers"] - 1) / 4,
        "demands": feats["pressure_demand_share"],
        "templates": (feats["template_similarity"] - 0.05) / 0.35,
        "burst": feats["burst_share"].where(feats["complaints"] >= 3, 0.0),
    }, index=feats.index).clip(0.0, 1.0)
    w = pd.Series({k: params.weights.get(k, 0.0) for k in comp.columns})
    return (comp * w).round(4)


def evidence_kinds(feats: dict) -> list[str]:
    """The independent kinds of evidence a community shows (see module docstring)."""
    kinds = []
    if feats["max_channel_borrowers"] >= 3:
        kinds.append("shared_channel")
    if feats["material_borrowers"] >= 2:
        kinds.append("material_reuse")
    if feats["max_account_payers"] >= 3:
        kinds.append("fee_account")
    if feats["pressure_demand_share"] >= 0.3:
        kinds.append("pressure_demands")
    if feats.get("template_similarity", 0.0) >= 0.15:
        kinds.append("template_texts")
    return kinds


def is_flagged(total: float, feats: dict, params: "ScoreParams") -> bool:
    """The flag rule: score, size and corroboration by independent evidence."""
    return (total >= params.threshold and feats["borrowers"] >= params.min_borrowers
            and len(evidence_kinds(feats)) >= params.min_evidence_kinds)


def ring_reasons(feats: dict, shared: pd.DataFrame, points: dict,
                 names: dict | None = None, mask: bool = True) -> list[Reason]:
    """Reasons, strongest first, for one community: each contributing component becomes a
    sentence in Chinese and English with its evidence as data."""
    reasons: list[Reason] = []
    # Plain records: a handful of lookups per ring, where pandas indexing costs milliseconds.
    records = shared.to_dict("records")

    def top(types) -> dict | None:
        return next((r for r in records if r["ident_type"] in types), None)

    t = top([m.PHONE, m.DEVICE, m.IP, m.AGENT, m.ORG, m.DOCUMENT, CERT, m.ACCOUNT])
    if points["sharing"] > 0 and t is not None:
        zh, en = TYPE_NAMES[t["ident_type"]]
        shown = display_ident(t["ident_type"], t["ident"], names, mask)
        reasons.append(Reason(
            "shared_identifier", points["sharing"],
            f"同一{zh} {shown} 出现在 {t['borrowers']} 名借款人的投诉中，覆盖 {t['provinces']} 个省份",
            f"The same {en} {shown} appears in complaints of {t['borrowers']} borrowers "
            f"across {t['provinces']} provinces",
            {"type": t["ident_type"], "ident": t["ident"], "borrowers": int(t["borrowers"]),
             "provinces": int(t["provinces"])}))
    if points["spread"] > 0:
        reasons.append(Reason(
            "spread", points["spread"],
            f"{feats['borrowers']} 名借款人来自 {feats['provinces']} 个省份",
            f"{feats['borrowers']} borrowers from {feats['provinces']} provinces",
            {"borrowers": feats["borrowers"], "provinces": feats["provinces"]}))
    d = top(MATERIAL_TYPES)
    if points["material"] > 0 and d is not None:
        zh, en = TYPE_NAMES[d["ident_type"]]
        shown = display_ident(d["ident_type"], d["ident"], names, mask)
        reasons.append(Reason(
            "material_reuse", points["material"],
            f"同一{zh} {shown} 被 {d['borrowers']} 名借款人重复使用（共 {feats['material_borrowers']} "
            f"名借款人使用了重复材料）",
            f"The same {en} {shown} was used by {d['borrowers']} borrowers "
            f"({feats['material_borrowers']} borrowers used reused material)",
            {"type": d["ident_type"], "ident": d["ident"], "borrowers": int(d["borrowers"]),
             "material_borrowers": feats["material_borrowers"]}))
    r = top(REPRESENTATION_TYPES)
    if points["representation"] > 0 and r is not None:
        zh, en = TYPE_NAMES[r["ident_type"]]
        shown = display_ident(r["ident_type"], r["ident"], names, mask)
        reasons.append(Reason(
            "shared_representation", points["representation"],
            f"{zh} {shown} 代理了 {r['borrowers']} 名借款人的投诉",
            f"{en.capitalize()} {shown} represents {r['borrowers']} borrowers",
            {"type": r["ident_type"], "ident": r["ident"], "borrowers": int(r["borrowers"])}))
    a = top([m.ACCOUNT])
    if points["fees"] > 0 and a is not None:
        shown = display_ident(m.ACCOUNT, a["ident"], names, mask)
        reasons.append(Reason(
            "shared_fee_account", points["fees"],
            f"{a['borrowers']} 名借款人向同一收款账户 {shown} 付款",
            f"{a['borrowers']} borrowers paid the same account {shown}",
            {"ident": a["ident"], "payers": int(a["borrowers"])}))
    if points["demands"] > 0:
        pct = round(100 * feats["pressure_demand_share"])
        reasons.append(Reason(
            "pressure_demands", points["demands"],
            f"{pct}% 的投诉提出精神赔偿或“停息挂账+征信修复”诉求",
            f"{pct}% of complaints demand mental-damage compensation or "
            f"interest freeze with credit-record repair",
            {"share": feats["pressure_demand_share"]}))
    if points.get("templates", 0) > 0:
        pct = round(100 * feats["template_similarity"])
        reasons.append(Reason(
            "template_texts", points["templates"],
            f"投诉文本平均字符片段相似度 {pct}%（无关投诉约 5%），疑似使用统一话术",
            f"Complaint texts share {pct}% of their character 4-grams on average "
            f"(unrelated complaints about 5%), suggesting a common script",
            {"similarity": feats["template_similarity"]}))
    if points["burst"] > 0:
        pct = round(100 * feats["burst_share"])
        reasons.append(Reason(
            "burst", points["burst"],
            f"{pct}% 的投诉集中在 30 天内提交",
            f"{pct}% of complaints were filed within 30 days",
            {"share": feats["burst_share"], "first_at": feats["first_at"],
             "last_at": feats["last_at"]}))
    reasons.sort(key=lambda x: -x.points)
    return reasons
