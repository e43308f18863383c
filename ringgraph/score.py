"""Ring scoring: features of a community → a transparent score → reasons in 中文 and English.

The score is a weighted sum of bounded components, each in [0, 1]:

================  ======  =========================================================
component         weight  full marks when
================  ======  =========================================================
sharing           0.25    one identifier is shared by ≥ 10 distinct borrowers
spread            0.15    the borrowers come from ≥ 5 provinces
material          0.20    ≥ 5 borrowers used a document (file or certificate) reused
                          across borrowers
representation    0.10    ≥ 5 borrowers share one agent or organisation
fees              0.15    ≥ 5 borrowers paid the same account
demands           0.10    every complaint demands 精神赔偿, or 停息挂账 with 征信修复
burst             0.05    all complaints fall within 30 days
================  ======  =========================================================

A community is flagged when its score reaches ``threshold``, it has at least
``min_borrowers`` distinct borrowers, and at least ``min_evidence_kinds`` independent kinds
of evidence (a contact/submission/representation identifier shared by ≥ 3 borrowers,
reused material, a fee account paid by ≥ 3 borrowers, pressure demands in ≥ 30% of
complaints): no single signal is proof alone. Every component that contributes becomes a
reason with its evidence, so a flag can always be explained and challenged.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd

from . import model as m
from . import pii
from .project import CERT, ComplaintGraph

TYPE_NAMES = {
    m.PHONE: ("联系电话", "phone number"), m.DEVICE: ("设备", "device"),
    m.IP: ("IP 地址", "IP address"), m.AGENT: ("委托代理人", "proxy agent"),
    m.ORG: ("代理机构", "organisation"), m.DOCUMENT: ("材料文件", "document file"),
    CERT: ("证书编号", "certificate number"), m.ACCOUNT: ("收款账户", "payee account"),
    m.PERSON: ("借款人", "borrower"),
}


def display_ident(ident_type: str, ident: str, names: dict | None = None,
                  mask: bool = True) -> str:
    """How an identifier is shown in a reason; personal data masked unless ``mask=False``."""
    name = (names or {}).get((ident_type, ident), "")
    if not mask:
        return f"{name} ({ident})" if name and name != ident else ident
    if ident_type == m.PHONE:
        return pii.mask_phone(ident)
    if ident_type == m.ACCOUNT:
        return pii.mask_account(ident)
    if ident_type == m.AGENT:
        return pii.mask_name(ident.split("|")[0])
    if ident_type == m.IP:
        return pii.mask_ip(ident)
    if ident_type == m.DEVICE:
        return pii.mask_device(ident)
    if ident_type == m.DOCUMENT:
        short = ident.removeprefix("sha256:")[:12] + "…"
        return f"{name} {short}".strip()
    if ident_type == m.ORG:
        return name or ident
    return ident


@dataclass
class ScoreParams:
    """Scoring settings; round-trip through JSON."""

    weights: dict[str, float] = field(default_factory=lambda: {
        "sharing": 0.25, "spread": 0.15, "material": 0.20, "representation": 0.10,
        "fees": 0.15, "demands": 0.10, "burst": 0.05})
    threshold: float = 0.45
    min_borrowers: int = 5
    min_evidence_kinds: int = 2
    burst_days: int = 30

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


def _clip(x: float) -> float:
    return float(min(1.0, max(0.0, x)))


def ring_features(graph: ComplaintGraph, members: np.ndarray) -> tuple[dict, pd.DataFrame]:
    """Features of one community and its identifiers shared by ≥ 2 borrowers."""
    c = graph.complaints.iloc[members]
    borrower = c["person"].where(c["person"] != "", "complaint:" + c["complaint_id"])
    bmap = pd.Series(borrower.to_numpy(), index=members)
    pmap = pd.Series(c["province"].to_numpy(), index=members)
    inc = graph.incidence[graph.incidence["complaint"].isin(members)]
    inc = inc.assign(borrower=inc["complaint"].map(bmap), province=inc["complaint"].map(pmap))
    inc = inc[inc["ident_type"] != m.PERSON]
    shared = (inc.groupby(["ident_type", "ident"])
              .agg(borrowers=("borrower", "nunique"), complaints=("complaint", "nunique"),
                   provinces=("province", lambda s: s[s != ""].nunique()),
                   degree=("degree", "first"))
              .reset_index())
    shared = shared[shared["borrowers"] >= 2].sort_values(
        ["borrowers", "complaints", "ident_type", "ident"], ascending=[False, False, True, True],
        kind="stable").reset_index(drop=True)

    def borrowers_on(types) -> int:
        keys = shared[shared["ident_type"].isin(types)][["ident_type", "ident"]]
        hit = inc.merge(keys, on=["ident_type", "ident"])
        return int(hit["borrower"].nunique())

    demands = c["demands"].fillna("")
    pressure = demands.str.contains("精神赔偿") | (
        demands.str.contains("停息挂账") & demands.str.contains("征信修复"))
    at = c["at"].dropna().sort_values().to_numpy()
    burst = 0.0
    if len(at):
        window = np.timedelta64(30, "D")
        ends = np.searchsorted(at, at + window, side="right")
        burst = float((ends - np.arange(len(at))).max() / len(c))
    accounts = shared[shared["ident_type"] == m.ACCOUNT]
    channel = shared[shared["ident_type"].isin([m.PHONE, m.DEVICE, m.IP, m.AGENT, m.ORG])]
    feats = {
        "complaints": int(len(c)),
        "borrowers": int(borrower.nunique()),
        "provinces": int(c["province"][c["province"] != ""].nunique()),
        "agents": int(inc[inc["ident_type"] == m.AGENT]["ident"].nunique()),
        "orgs": int(inc[inc["ident_type"] == m.ORG]["ident"].nunique()),
        "max_shared_borrowers": int(shared["borrowers"].max()) if len(shared) else 0,
        "max_channel_borrowers": int(channel["borrowers"].max()) if len(channel) else 0,
        "material_borrowers": borrowers_on([m.DOCUMENT, CERT]),
        "represented_borrowers": borrowers_on([m.AGENT, m.ORG]),
        "max_account_payers": int(accounts["borrowers"].max()) if len(accounts) else 0,
        "pressure_demand_share": float(pressure.mean()) if len(c) else 0.0,
        "burst_share": burst,
        "first_at": str(pd.Timestamp(at[0])) if len(at) else "",
        "last_at": str(pd.Timestamp(at[-1])) if len(at) else "",
    }
    return feats, shared


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
    return kinds


def is_flagged(total: float, feats: dict, params: ScoreParams) -> bool:
    """The flag rule: score, size and corroboration by independent evidence."""
    return (total >= params.threshold and feats["borrowers"] >= params.min_borrowers
            and len(evidence_kinds(feats)) >= params.min_evidence_kinds)


def score_ring(feats: dict, shared: pd.DataFrame, params: ScoreParams,
               names: dict | None = None, mask: bool = True) -> tuple[float, dict, list[Reason]]:
    """Score components, total and reasons for one community."""
    comp = {
        "sharing": _clip((feats["max_shared_borrowers"] - 1) / 9),
        "spread": _clip((feats["provinces"] - 1) / 4),
        "material": _clip(feats["material_borrowers"] / 5),
        "representation": _clip(feats["represented_borrowers"] / 5),
        "fees": _clip((feats["max_account_payers"] - 1) / 4),
        "demands": _clip(feats["pressure_demand_share"]),
        "burst": _clip(feats["burst_share"]) if feats["complaints"] >= 3 else 0.0,
    }
    points = {k: round(params.weights.get(k, 0.0) * v, 4) for k, v in comp.items()}
    total = round(float(sum(points.values())), 4)
    reasons: list[Reason] = []

    def top(types) -> pd.Series | None:
        rows = shared[shared["ident_type"].isin(types)]
        return rows.iloc[0] if len(rows) else None

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
    d = top([m.DOCUMENT, CERT])
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
    r = top([m.AGENT, m.ORG])
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
    if points["burst"] > 0:
        pct = round(100 * feats["burst_share"])
        reasons.append(Reason(
            "burst", points["burst"],
            f"{pct}% 的投诉集中在 30 天内提交",
            f"{pct}% of complaints were filed within 30 days",
            {"share": feats["burst_share"], "first_at": feats["first_at"],
             "last_at": feats["last_at"]}))
    reasons.sort(key=lambda x: -x.points)
    return total, points, reasons
