"""Lawful practice is not evidence: the misconduct / context split of ring scoring.

Each case is a small hand-built complaint table run through the real projection
(``build_graph``), a real detector and the real scoring pipeline (``find_rings``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ringgraph.analysis.detect import get_detector
from ringgraph.analysis.project import CERT, build_graph
from ringgraph.analysis.pipeline import find_rings
from ringgraph.analysis.hubs import shape_hubs
from ringgraph.analysis.result import RingResult
from ringgraph.core import model as m

PROVINCES = ["北京", "上海", "广东", "湖南", "四川", "河南", "山东", "江苏", "浙江", "湖北",
             "河北", "安徽", "福建", "辽宁", "陕西", "云南"]
FRAGMENTS = ["催收人员凌晨打电话", "骚扰我的家人", "还威胁要上门", "严重影响生活", "信用卡逾期三个月",
             "外包公司爆通讯录", "联系我的同事和领导", "网贷平台私自上调利率", "申请协商分期被拒绝",
             "客服态度恶劣", "生病住院暂时无力还款", "希望延期还款", "每天打十几个电话",
             "冒充律师发短信", "说要起诉我", "请求核实债务", "要求停止骚扰", "我很害怕"]
SCRIPT = ("本人因疫情失业家庭困难无力偿还{inst}欠款，{inst}暴力催收给本人造成严重精神伤害，"
          "现要求停息挂账并修复征信，否则将向媒体曝光并要求精神赔偿。")


def _table(rows: list[dict]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Complaints and incidence frames from rows with an ``idents`` list."""
    comp = pd.DataFrame([{k: v for k, v in r.items() if k != "idents"} for r in rows])
    comp["at"] = pd.to_datetime(comp["at"])
    inc = pd.DataFrame([(r["complaint_id"], t, i) for r in rows for t, i in r["idents"]],
                       columns=["complaint_id", "ident_type", "ident"])
    return comp, inc


def _row(cid, person, household, province, day, text, demands="协商还款", idents=(),
         own_phone="", institution="inst:0"):
    return {"complaint_id": cid, "person": person, "household": household,
            "province": province, "at": f"2025-{1 + day // 28:02d}-{1 + day % 28:02d}",
            "text": text, "demands": demands, "own_phone": own_phone,
            "institution": institution,
            "idents": [(m.PERSON, person)] + list(idents)}


def _genuine_text(i: int) -> str:
    """A genuine-sounding text of six fragments chosen by ``i`` (seeded, reproducible)."""
    pick = np.random.default_rng(i).choice(len(FRAGMENTS), 6, replace=False)
    return "，".join(FRAGMENTS[k] for k in pick) + f"，欠款{1000 + 37 * i}元。"


def _population(n: int, start: int = 0) -> list[dict]:
    """Unrelated genuine complaints (no shared identifiers) as background."""
    return [_row(f"G{i:04d}", f"p{i}", f"h{i}", PROVINCES[i % len(PROVINCES)], i % 300,
                 _genuine_text(i), own_phone=f"+86139{i:08d}")
            for i in range(start, start + n)]


def _rings(rows, detector="wcc"):
    comp, inc = _table(rows)
    graph = build_graph(comp, inc)
    return find_rings(graph, get_detector(detector, seed=0)), graph


def test_lawful_firm_with_fees_and_office_phone_is_not_flagged():
    # 12 clients in 3 provinces over a year: one lawyer, one firm, the office phone as
    # call-back number, fees into the firm's account — everything a lawful firm shows.
    rows = _population(200)
    for i in range(12):
        rows.append(_row(f"L{i:03d}", f"c{i}", f"ch{i}", PROVINCES[i % 3], 25 * i,
                         _genuine_text(1000 + i) + ("现已委托正衡律师事务所代为沟通。" if i % 3 == 0
                                                    else ""),
                         idents=[(m.AGENT, "王律师|org:正衡"), (m.ORG, "正衡律师事务所"),
                                 (m.PHONE, "+8673188889999"), (m.ACCOUNT, "firm-acct")]))
    result, _ = _rings(rows)
    firm = [r for r in result.rings if any(c.startswith("L") for c in r.complaint_ids)]
    assert len(firm) == 1 and firm[0].features["households"] == 12
    assert not firm[0].flagged
    assert firm[0].features["evidence_kinds"] == []
    assert {"representation", "fee_account"} <= set(firm[0].features["context_kinds"])
    # Its points are context only, and every reason says so in both languages.
    assert firm[0].misconduct_points["material"] == firm[0].misconduct_points["burst"] == 0
    assert sum(firm[0].context_points.values()) > 3 * sum(firm[0].misconduct_points.values())
    assert firm[0].context_reasons
    assert all(r["zh"].startswith("【背景") and r["en"].startswith("[context]")
               for r in firm[0].context_reasons)


def test_family_sharing_one_household_register_scan_is_not_reuse():
    rows = _population(100)
    # Four relatives (one household: same surname and ID city) share the 户口本 scan, a
    # device and a phone; four strangers share a forged certificate.
    for i in range(4):
        rows.append(_row(f"F{i}", f"f{i}", "陈|4301", "湖南", 3 * i, _genuine_text(2000 + i),
                         idents=[(m.DOCUMENT, "sha256:hukou"), (m.DEVICE, "dev-family"),
                                 (m.PHONE, "+8613800000001")]))
    result, _ = _rings(rows)
    fam = next(r for r in result.rings if "F0" in r.complaint_ids) if result.rings else None
    # Too few households to be a candidate at all, and nothing counts as reuse.
    assert fam is None or (fam.features["material_borrowers"] == 0
                           and fam.features["handover_borrowers"] == 0 and not fam.flagged)
    from ringgraph.analysis.score import community_features

    comp, inc = _table(rows)
    graph = build_graph(comp, inc)
    labels = np.where(graph.complaints["complaint_id"].str.startswith("F"), 0, -1)
    feats, shared = community_features(graph, labels)
    assert feats.loc[0, "households"] == 1 and feats.loc[0, "borrowers"] == 4
    assert feats.loc[0, "material_borrowers"] == 0
    assert feats.loc[0, "handover_borrowers"] == 0
    # The same scan on four unrelated people is reuse.
    comp.loc[comp["complaint_id"].str.startswith("F"), "household"] = [f"x{i}" for i in range(4)]
    feats2, _ = community_features(build_graph(comp, inc), labels)
    assert feats2.loc[0, "material_borrowers"] == 4


def test_switchboard_hub_is_cut_by_shape_not_degree():
    rows = _population(600)
    # A switchboard written in on 40 unrelated complaints across many provinces …
    for r in rows[:400:10]:
        r["idents"].append((m.PHONE, "+862168880000"))
    # … and a ring's phone on 12 complaints that also share an agent and a device.
    for i in range(12):
        rows.append(_row(f"R{i:02d}", f"r{i}", f"rh{i}", PROVINCES[i % 2], i, "x" * 20,
                         idents=[(m.PHONE, "+8613911112222"), (m.AGENT, "李某|+86139"),
                                 (m.DEVICE, "dev-ring")]))
    comp, inc = _table(rows)
    graph = build_graph(comp, inc)
    hubs = set(zip(graph.cut["ident_type"], graph.cut["ident"]))
    assert (m.PHONE, "+862168880000") in hubs
    assert (m.PHONE, "+8613911112222") not in hubs
    assert set(graph.cut.loc[graph.cut["ident"] == "+862168880000", "why"]) == {"hub shape"}
    # Well under every degree cap (200 for phones): it is the shape that cut it.
    assert graph.params.max_degree[m.PHONE] > 40
    assert graph.incidence[graph.incidence["ident"] == "+862168880000"].empty
    assert shape_hubs(graph.complaints, graph.incidence).empty


def test_small_team_with_misconduct_is_flagged_and_explained():
    rows = _population(300)
    # Three unrelated borrowers, two provinces, one device, a forged certificate, a script
    # and pressure demands: a small team.
    for i in range(3):
        for j in range(2):
            rows.append(_row(f"T{i}{j}", f"t{i}", f"th{i}", PROVINCES[4 + i % 2], 5 + i + j,
                             SCRIPT.format(inst=f"机构{j}"), demands="停息挂账、征信修复、精神赔偿",
                             institution=f"inst:{j}",
                             idents=[(m.DEVICE, "dev-team"), (CERT, "PK2025-0001"),
                                     (m.PHONE, "+8617000001234")]))
    result, _ = _rings(rows)
    flagged = result.flagged()
    assert len(flagged) == 1
    ring = flagged[0]
    assert sorted(ring.complaint_ids) == sorted(f"T{i}{j}" for i in range(3) for j in range(2))
    kinds = set(ring.features["evidence_kinds"])
    assert {"material_reuse", "identity_handover", "pressure_demands", "template_texts"} <= kinds
    assert ring.misconduct_reasons and ring.misconduct_reasons[0]["zh"].startswith("【违规证据】")
    assert ring.misconduct_reasons[0]["en"].startswith("[misconduct]")
    assert sum(ring.misconduct_points.values()) > sum(ring.context_points.values())
    split = result.points_split()
    assert list(split["ring_id"]) == [ring.ring_id] and split["misconduct"].iloc[0] > 0
    # The kind survives the JSON round trip (rings.json).
    again = RingResult.from_json(result.to_json())
    assert again.flagged()[0].reasons[0]["kind"] in ("misconduct", "context")
    assert again.flagged()[0].misconduct_reasons == ring.misconduct_reasons


def test_background_similarity_is_measured_on_the_data():
    from ringgraph.core.textsim import background_similarity, mean_jaccard

    texts = [r["text"] for r in _population(50)]
    bg = background_similarity(texts, seed=1)
    assert 0.0 < bg < 0.3
    assert background_similarity(texts, seed=1) == bg
    scripted = [SCRIPT.format(inst=f"机构{i}") for i in range(5)]
    assert mean_jaccard(scripted) - bg > 0.3
