"""Reasons for a ring's score, in 中文 and English, each marked misconduct or context.

Every scoring component that contributes points becomes one :class:`Reason` with its
evidence as data. ``kind`` says what the reason is worth: ``misconduct`` (what an illegal
outfit does: forged material reused across households, scripts, pressure demands,
identity hand-over, bursts across provinces) or ``context`` (what a lawful firm also
shows: representation, fees into one account, a shared office phone, spread).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from ringgraph.core import model as m
from ringgraph.analysis.conduct.scripted import scripted_text
from ringgraph.analysis.project import CERT
from ringgraph.analysis.score import (CONTEXT, MATERIAL_TYPES, MISCONDUCT, REPRESENTATION_TYPES,
                                      TYPE_NAMES, display_ident)

KIND_LABEL = {MISCONDUCT: ("违规证据", "misconduct"), CONTEXT: ("背景（合法代理也有）", "context")}


@dataclass
class Reason:
    """One explained score component: ``kind`` is ``misconduct`` or ``context``."""

    code: str
    points: float
    zh: str
    en: str
    evidence: dict
    kind: str = CONTEXT

    def to_dict(self) -> dict:
        return asdict(self)


def _reason(kind: str, code: str, points: float, zh: str, en: str, evidence: dict) -> Reason:
    kzh, ken = KIND_LABEL[kind]
    return Reason(code, points, f"【{kzh}】{zh}", f"[{ken}] {en}", evidence, kind)


def ring_reasons(feats: dict, shared: "pd.DataFrame | list[dict]", points: dict,
                 names: dict | None = None, mask: bool = True) -> list[Reason]:
    """Reasons, strongest first, for one community."""
    # Plain records: a handful of lookups per ring, where pandas indexing costs milliseconds.
    records = shared.to_dict("records") if isinstance(shared, pd.DataFrame) else shared

    def top(types, foreign: bool = False) -> dict | None:
        return next((r for r in records if r["ident_type"] in types
                     and (not foreign or r.get("households", 3) >= 3
                          or (r.get("households", 0) >= 2 and r.get("cities", 0) >= 2))), None)

    def shown(r: dict) -> tuple[str, str, str]:
        zh, en = TYPE_NAMES[r["ident_type"]]
        return zh, en, display_ident(r["ident_type"], r["ident"], names, mask)

    reasons = _context_reasons(feats, points, top, shown)
    reasons += _misconduct_reasons(feats, points, top, shown)
    reasons.sort(key=lambda x: (-x.points, x.kind != MISCONDUCT))
    return reasons


def _context_reasons(feats, points, top, shown) -> list[Reason]:
    out = []
    t = top([m.PHONE, m.DEVICE, m.IP, m.AGENT, m.ORG, m.DOCUMENT, CERT, m.ACCOUNT])
    if points.get("sharing", 0) > 0 and t is not None:
        zh, en, s = shown(t)
        out.append(_reason(
            CONTEXT, "shared_identifier", points["sharing"],
            f"同一{zh} {s} 出现在 {t['borrowers']} 名借款人的投诉中，覆盖 {t['provinces']} 个省份",
            f"The same {en} {s} appears in complaints of {t['borrowers']} borrowers "
            f"across {t['provinces']} provinces",
            {"type": t["ident_type"], "ident": t["ident"], "borrowers": int(t["borrowers"]),
             "provinces": int(t["provinces"])}))
    if points.get("spread", 0) > 0:
        out.append(_reason(
            CONTEXT, "spread", points["spread"],
            f"{feats['borrowers']} 名借款人来自 {feats['provinces']} 个省份",
            f"{feats['borrowers']} borrowers from {feats['provinces']} provinces",
            {"borrowers": feats["borrowers"], "provinces": feats["provinces"]}))
    r = top(REPRESENTATION_TYPES)
    if points.get("representation", 0) > 0 and r is not None:
        zh, en, s = shown(r)
        out.append(_reason(
            CONTEXT, "shared_representation", points["representation"],
            f"{zh} {s} 代理了 {r['borrowers']} 名借款人的投诉",
            f"{en.capitalize()} {s} represents {r['borrowers']} borrowers",
            {"type": r["ident_type"], "ident": r["ident"], "borrowers": int(r["borrowers"])}))
    a = top([m.ACCOUNT])
    if points.get("fees", 0) > 0 and a is not None:
        _, _, s = shown(a)
        out.append(_reason(
            CONTEXT, "shared_fee_account", points["fees"],
            f"{a['borrowers']} 名借款人向同一收款账户 {s} 付款",
            f"{a['borrowers']} borrowers paid the same account {s}",
            {"ident": a["ident"], "payers": int(a["borrowers"])}))
    return out


# Misconduct measured against the data's own rate: (component, code, feature, background
# feature, 中文, English); the texts take {pct} and {bg} in percent.
_AGAINST_BACKGROUND = (
    ("demands", "pressure_demands", "pressure_demand_share", "pressure_background",
     "{pct}% 的投诉提出精神赔偿、“停息挂账+征信修复”或媒体曝光等施压诉求（全部投诉中为 {bg}%）",
     "{pct}% of complaints make pressure demands (mental-damage compensation, interest freeze "
     "with credit-record repair, media exposure); {bg}% across all data"),
    ("templates", "template_texts", "template_similarity", "template_background",
     "投诉文本平均字符片段相似度 {pct}%（本数据中随机两条投诉约 {bg}%），疑似使用统一话术",
     "Complaint texts share {pct}% of their character 4-grams on average (two random "
     "complaints of this data: {bg}%), suggesting a common script"),
)


def _misconduct_reasons(feats, points, top, shown) -> list[Reason]:
    out = []
    d = top(MATERIAL_TYPES, foreign=True)
    if points.get("material", 0) > 0 and d is not None:
        zh, en, s = shown(d)
        out.append(_reason(
            MISCONDUCT, "material_reuse", points["material"],
            f"同一{zh} {s} 被 {d['households']} 个无亲属关系的家庭重复使用（共 "
            f"{feats['material_borrowers']} 名借款人使用了跨家庭重复材料）",
            f"The same {en} {s} was used by {d['households']} unrelated households "
            f"({feats['material_borrowers']} borrowers used material reused across households)",
            {"type": d["ident_type"], "ident": d["ident"], "borrowers": int(d["borrowers"]),
             "households": int(d["households"]),
             "material_borrowers": feats["material_borrowers"]}))
    if points.get("handover", 0) > 0:
        n = feats["handover_borrowers"]
        out.append(_reason(
            MISCONDUCT, "identity_handover", points["handover"],
            f"{n} 名借款人的身份被他人掌控：与其他家庭共用设备或预留手机号，或持有号段相连的新办手机卡",
            f"{n} borrowers handed over their identity: a device or registered phone shared "
            f"with other households, or freshly issued SIMs numbered next to each other",
            {"borrowers": n}))
    for component, code, rate, background, zh, en in _AGAINST_BACKGROUND:
        if points.get(component, 0) > 0:
            pct, bg = round(100 * feats[rate]), round(100 * feats.get(background, 0.0))
            out.append(_reason(MISCONDUCT, code, points[component], zh.format(pct=pct, bg=bg),
                               en.format(pct=pct, bg=bg),
                               {rate: feats[rate], background: feats.get(background, 0.0)}))
    if points.get("burst", 0) > 0:
        pct = round(100 * feats["burst_share"])
        out.append(_reason(
            MISCONDUCT, "burst", points["burst"],
            f"{pct}% 的投诉集中在 30 天内提交，来自 {feats['provinces']} 个省份",
            f"{pct}% of complaints were filed within 30 days, from {feats['provinces']} "
            f"provinces",
            {"share": feats["burst_share"], "first_at": feats["first_at"],
             "last_at": feats["last_at"]}))
    if points.get("scripted", 0) > 0:
        zh, en = scripted_text(feats)
        out.append(_reason(
            MISCONDUCT, "scripted_grievance", points["scripted"], zh, en,
            {k: feats[k] for k in ("scripted_allegation", "scripted_borrowers",
                                   "logged_borrowers", "scripted_share", "genuine_borrowers")}))
    return out
