"""The sections of the case report, one function each, in the order they appear.

Each function reads a :class:`~ringgraph.evidence.report_model.ReportInputs` and returns
one :class:`~ringgraph.evidence.report_model.Section` (or ``None``: nothing to say, as
the genuine grievances without call logs); :data:`SECTIONS` is the report's order. Values are plain text; escaping is the renderers' job.
"""

from __future__ import annotations

import pandas as pd

from ringgraph.core import model as m
from ringgraph.core.borrowers import DEFINITION
from ringgraph.case.texts import side_by_side
from ringgraph.case.extract import documents_reuse
from ringgraph.case.extract import CaseData
from ringgraph.evidence.grievances import genuine_grievances
from ringgraph.evidence.pii_modes import Redactor
from ringgraph.evidence.report_model import (COMPONENT_TEXT, MODE_TEXT, Bullets, Compare,
                                             Figure, KeyValues, Paragraph, Report,
                                             ReportInputs, Section, Table, _n, _rows)
from ringgraph.evidence.tables import money


def summary(x: ReportInputs) -> Section:
    """Section: Summary."""
    case, red, complaints, r = x.case, x.red, x.complaints, x.r
    res, borrowers, agents, orgs = x.res, x.borrowers, x.agents, x.orgs
    provinces, times, overdue, shared_fees = x.provinces, x.times, x.overdue, x.shared_fees
    shared_total = x.shared_total
    s = Section("summary", "摘要", "Summary")
    flag = "是 yes" if r.flagged else "否 no（未达标记阈值 below the flag threshold）"
    s.blocks.append(KeyValues([
        ("团伙编号 Ring", f"{r.ring_id}（第 {r.rank} 名 rank {r.rank}）"),
        ("得分 Score", f"{r.score:.4f}（阈值 threshold {res.scoring.get('threshold', '')}）"),
        ("已标记 Flagged", flag),
        ("投诉 Complaints", _n(len(complaints))),
        ("借款人 Borrowers", _n(x.n_borrowers) + (
            f"（含未识别投诉人的投诉 {x.n_unidentified} 件 incl. {x.n_unidentified} complaints "
            "with no identified filer）" if x.n_unidentified else "")),
        ("代理人 Agents", _n(len(agents))),
        ("代理机构 Organisations", "、".join(orgs["value"]) or "—"),
        ("省份 Provinces", f"{provinces.nunique()}（{'、'.join(provinces.value_counts().index[:8])}"
                          f"{'…' if provinces.nunique() > 8 else ''}）"),
        ("时间范围 Period", f"{times[0]} — {times[-1]}" if times else "—"),
        ("逾期金额合计 Overdue total", f"¥{overdue.sum():,.2f}"),
        ("向共用账户付费 Fees to shared accounts",
         f"¥{shared_total:,.2f}（{len(shared_fees)} 笔 transfers）"),
        ("个人信息 PII mode", MODE_TEXT[red.mode]),
        ("检测器 Detector", f"{res.detector} · seed {res.seed}"),
        ("数据快照 Data snapshot", f"sha256:{case.snapshot}"),
    ]))
    if r.reasons:
        s.blocks.append(Paragraph("主要原因 Main reason: " + red.token_text(r.reasons[0]["zh"])
                                  + " / " + red.token_text(r.reasons[0]["en"])))
    if not r.flagged:
        s.blocks.append(Paragraph("注意：该社区未被标记为团伙，证据不足以单独说明其为团伙。 Note: this "
                                  "community is not flagged as a ring; its evidence alone "
                                  "does not show a ring.", "warn"))
    if case.snapshot != res.data_fingerprint:
        s.blocks.append(Paragraph("警告：存储中的数据在检测后已变化，结果可能无法复现。 Warning: the "
                                  "store's data changed after detection; the result may not "
                                  "reproduce.", "warn"))
    return s


def organisers(x: ReportInputs) -> Section:
    """Section: Organisers."""
    identifiers, agents, orgs = x.identifiers, x.agents, x.orgs
    s = Section("organisers", "组织者", "Organisers")
    s.blocks.append(Paragraph("代理机构、委托代理人及其电话、设备与收款账户：这些标识把互不相关的借款人联系在一起。 "
                              "Organisations, proxy agents and their phones, devices and "
                              "accounts: the identifiers that tie unrelated borrowers "
                              "together.", "note"))
    if len(orgs):
        agents_of = {}
        for a in agents.itertuples(index=False):
            for o in filter(None, a.orgs.split(";")):
                agents_of.setdefault(o, []).append(a.display)
        s.blocks.append(Table(
            ["代理机构 Organisation", "说明 Details", "投诉 Complaints", "借款人 Borrowers",
             "省份 Provinces", "代理人 Agents"],
            [[o.value, o.detail, o.ring_complaints, o.ring_borrowers, o.ring_provinces,
              "、".join(sorted(agents_of.get(o.value, [])))] for o in orgs.itertuples()],
            widths=[0.26, 0.3, 0.1, 0.1, 0.1, 0.14]))
    else:
        s.blocks.append(Paragraph("未记录代理机构。 No organisation recorded."))
    if len(agents):
        s.blocks.append(Table(
            ["代理人 Agent", "编号 Entity id", "机构 Organisation", "电话 Phones",
             "代理投诉 Complaints"],
            [[a.display, a.entity_id, a.orgs.replace(";", "、"), a.phones.replace(";", "、"),
              a.n_complaints] for a in agents.itertuples()],
            widths=[0.14, 0.22, 0.3, 0.22, 0.12]))
    infra = identifiers[(identifiers["shared"] == "yes")
                        & identifiers["type"].isin([m.PHONE, m.DEVICE, m.IP, m.ACCOUNT])]
    if len(infra):
        s.blocks.append(Table(
            ["类型 Type", "标识 Identifier", "说明 Details", "借款人 Borrowers",
             "投诉 Complaints", "省份 Provinces", "全库关系 In store"],
            _rows(infra, ["type_zh", "value", "detail", "ring_borrowers", "ring_complaints",
                          "ring_provinces", "store_relationships"]),
            widths=[0.14, 0.24, 0.22, 0.1, 0.1, 0.1, 0.1],
            note="两名以上成员共用的电话、设备、IP 与收款账户。 Phones, devices, IPs and accounts "
                 "shared by two or more members."))
    return s


def members(x: ReportInputs) -> Section:
    """Section: Members."""
    borrowers = x.borrowers
    s = Section("members", "成员（借款人）", "Members (borrowers)")
    s.blocks.append(Table(
        ["借款人 Borrower", "编号 Entity id", "证件号 ID number", "省份 Province",
         "投诉数 Complaints", "首次投诉 First complaint"],
        _rows(borrowers, ["display", "entity_id", "id_number", "province", "n_complaints",
                          "first_at"]),
        widths=[0.13, 0.22, 0.24, 0.11, 0.1, 0.2],
        note=f"{DEFINITION} 本团伙 This ring: {len(borrowers)} + {x.n_unidentified} = "
             f"{x.n_borrowers}."))
    return s


def linking_identifiers(x: ReportInputs) -> Section:
    """Section: Linking identifiers."""
    identifiers = x.identifiers
    s = Section("identifiers", "关联标识", "Linking identifiers")
    shared = identifiers[identifiers["shared"] == "yes"]
    s.blocks.append(Table(
        ["类型 Type", "标识 Identifier", "说明 Details", "借款人 Borrowers", "投诉 Complaints",
         "省份 Provinces", "全库关系 In store"],
        _rows(shared, ["type_zh", "value", "detail", "ring_borrowers", "ring_complaints",
                       "ring_provinces", "store_relationships"]),
        widths=[0.14, 0.24, 0.22, 0.1, 0.1, 0.1, 0.1],
        note=f"本团伙两名以上借款人共用的标识（共 {len(shared)} 个；全部 {len(identifiers)} 个见 "
             f"identifiers.csv）。“全库关系”为该标识在整个数据中的关系数。 Identifiers shared by two "
             f"or more of the ring's borrowers ({len(shared)}; all {len(identifiers)} in "
             f"identifiers.csv). 'In store' counts the identifier's relationships in all the "
             f"data."))
    return s


def complaint_list(x: ReportInputs) -> Section:
    """Section: Complaints."""
    complaints = x.complaints
    s = Section("complaints", "投诉列表", "Complaints")
    s.blocks.append(Table(
        ["工单 Complaint", "受理时间 Received", "省份 Province", "渠道 Channel",
         "被投诉机构 Institution", "借款人 Borrower", "诉求 Demands", "逾期金额 Overdue ¥",
         "来源 Source", "投诉内容 Text"],
        [[c.complaint_id, c.received_at, c.province, c.channel, c.institution, c.borrower,
          c.demands, c.overdue_amount, f"{c.source}:{c.row}", c.text]
         for c in complaints.itertuples()],
        widths=[0.135, 0.09, 0.055, 0.065, 0.1, 0.065, 0.115, 0.075, 0.115, 0.185],
        long_column=9,
        note="来源为原始导出文件及其数据行号（不含表头）。 Source is the export file and its data "
             "record number (header excluded)."))
    return s


def material(x: ReportInputs) -> Section:
    """Section: Forged material."""
    case = x.case
    s = Section("material", "伪造材料复用", "Forged-material reuse")
    docs = documents_reuse(case)
    if len(docs):
        docs = docs.assign(file=[f if not f.startswith("sha256:") else f[:19] + "…"
                                 for f in docs["file"]])
        s.blocks.append(Table(
            ["依据 By", "材料 Type", "出具单位 Issuer", "证书编号 Cert no.", "文件 File",
             "借款人 Borrowers", "投诉 Complaints", "省份 Provinces", "首次 First",
             "末次 Last"],
            _rows(docs, ["by", "doc_type", "issuer", "cert_no", "file", "borrowers",
                         "complaints", "provinces", "first_at", "last_at"]),
            widths=[0.1, 0.1, 0.14, 0.12, 0.13, 0.07, 0.07, 0.07, 0.1, 0.1],
            note="同一文件（哈希相同）或同一证书编号出现在不同借款人的投诉中。 The same file (same "
                 "hash) or the same certificate number on complaints of different "
                 "borrowers."))
    else:
        s.blocks.append(Paragraph("未发现材料复用。 No reused material found."))
    return s


def templates(x: ReportInputs) -> Section:
    """Section: Template texts."""
    complaints, feats = x.complaints, x.feats
    s = Section("templates", "模板话术", "Template texts")
    sbs = side_by_side(complaints[["complaint_id", "received_at", "province", "borrower",
                                   "text"]], n=3)
    if sbs.marks:
        cols = []
        for (_, row), segs in zip(sbs.frame.iterrows(), sbs.marks):
            head = f"{row['complaint_id']} · {row['received_at']} · {row['province']}"
            cols.append((head, segs))
        s.blocks.append(Compare(
            f"最典型的三条投诉文本；高亮部分为三者共有的段落。平均相似度 mean similarity "
            f"(4-gram Jaccard): {sbs.similarity:.2f}；全团伙平均 ring average "
            f"{float(feats.get('template_similarity', 0)):.2f}。 The three most typical texts; "
            f"highlighted passages occur in all three.", cols))
    else:
        s.blocks.append(Paragraph("无投诉文本。 No complaint texts."))
    return s


def timeline(x: ReportInputs) -> Section:
    """Section: Timeline."""
    complaints, figures = x.complaints, x.figures
    s = Section("timeline", "时间线", "Timeline")
    if "timeline.png" in figures:
        s.blocks.append(Figure("timeline.png", figures["timeline.png"],
                               "投诉数量（按渠道）与付费转账 Complaints by channel and fee "
                               "transfers"))
    month = pd.Series([t[:7] for t in complaints["received_at"] if t])
    if len(month):
        mc = month.value_counts().sort_index()
        s.blocks.append(Table(["月份 Month", "投诉 Complaints"],
                              [[k, str(v)] for k, v in mc.items()], widths=[0.3, 0.2]))
    return s


def province_table(x: ReportInputs) -> Section:
    """Section: Provinces."""
    complaints, figures = x.complaints, x.figures
    s = Section("provinces", "省份分布", "Provinces")
    if "provinces.png" in figures:
        s.blocks.append(Figure("provinces.png", figures["provinces.png"],
                               "各省投诉数 Complaints per province"))
    pb = complaints[complaints["province"] != ""].groupby("province").agg(
        complaints=("complaint_id", "nunique"), borrowers=("borrower_id", "nunique"))
    pb = pb.sort_values(["complaints", "borrowers"], ascending=False, kind="stable")
    s.blocks.append(Table(["省份 Province", "投诉 Complaints", "借款人 Borrowers"],
                          [[k, str(a), str(b)] for k, a, b in zip(pb.index, pb["complaints"],
                                                                 pb["borrowers"])],
                          widths=[0.3, 0.2, 0.2]))
    return s


def amounts(x: ReportInputs) -> Section:
    """Section: Amounts and fees."""
    case, figures, overdue, fees = x.case, x.figures, x.overdue, x.fees
    fee_amount, shared_fees, shared_total = x.fee_amount, x.shared_fees, x.shared_total
    s = Section("amounts", "金额与费用", "Amounts and fees")
    s.blocks.append(KeyValues([
        ("逾期金额 Overdue amounts", f"{len(overdue)} 笔 · 合计 total ¥{overdue.sum():,.2f} · "
                                    f"中位 median ¥{overdue.median() if len(overdue) else 0:,.2f}"
                                    f" · 最大 max ¥{overdue.max() if len(overdue) else 0:,.2f}"),
        ("付费转账 Fee-sized transfers", f"{len(fees)} 笔 · 合计 total "
                                        f"¥{fee_amount.sum():,.2f}（≥ ¥{case.min_fee:,.0f}）"),
        ("向共用账户 To shared accounts", f"{len(shared_fees)} 笔 · 合计 total ¥{shared_total:,.2f}"),
    ]))
    if len(fees):
        g = fees.assign(amount=fee_amount).groupby(["account", "payee"], sort=True).agg(
            payers=("payer", "nunique"), transfers=("amount", "size"),
            total=("amount", "sum"), first=("at", "min"), last=("at", "max")).reset_index()
        g = g.sort_values(["payers", "total", "account"], ascending=[False, False, True],
                          kind="stable")
        s.blocks.append(Table(
            ["收款账户 Account", "户名 Payee", "付款人数 Payers", "笔数 Transfers",
             "合计 Total ¥", "首次 First", "末次 Last"],
            [[a.account, a.payee, str(a.payers), str(a.transfers), money(a.total),
              str(a.first), str(a.last)] for a in g.itertuples()],
            widths=[0.18, 0.2, 0.1, 0.1, 0.12, 0.15, 0.15],
            note=f"本团伙借款人的付费转账（≥ ¥{case.min_fee:,.0f}；小额日常消费未列入）。 Fee-sized "
                 f"transfers by the ring's borrowers (everyday payments below "
                 f"¥{case.min_fee:,.0f} left out)."))
    if "fees.png" in figures:
        s.blocks.append(Figure("fees.png", figures["fees.png"],
                               "多名成员付款的收款账户 Accounts paid by several members"))
    return s


def detector(x: ReportInputs) -> Section:
    """Section: Detector, parameters, score."""
    r, res, feats = x.r, x.res, x.feats
    s = Section("detector", "检测方法、参数与得分", "Detector, parameters and score")
    params = ", ".join(f"{k}={v}" for k, v in sorted(res.params.items()))
    sc = res.scoring
    s.blocks.append(KeyValues([
        ("检测器 Detector", res.detector), ("参数 Parameters", params or "—"),
        ("随机种子 Seed", str(res.seed)),
        ("标记规则 Flag rule", f"score ≥ {sc.get('threshold')}, borrowers ≥ "
                             f"{sc.get('min_borrowers')}, evidence kinds ≥ "
                             f"{sc.get('min_evidence_kinds')}"),
        ("投影 Projection", ", ".join(f"{k}={v}" for k, v in sorted(res.projection.items())
                                    if not isinstance(v, dict))),
        ("图指纹 Graph fingerprint", res.graph_fingerprint),
        ("检测时数据指纹 Data fingerprint at detection", res.data_fingerprint),
        ("检测时版本 Versions at detection", ", ".join(f"{k} {v}" for k, v in
                                                   sorted(res.versions.items()))),
    ]))
    weights = sc.get("weights", {})
    comp = [[COMPONENT_TEXT.get(k, k), f"{weights.get(k, 0):.2f}", f"{v:.4f}"]
            for k, v in sorted(r.points.items())]
    comp.append(["合计 Total", f"{sum(weights.values()):.2f}", f"{r.score:.4f}"])
    s.blocks.append(Table(["组成 Component", "权重 Weight", "得分 Points"], comp,
                          widths=[0.4, 0.2, 0.2],
                          note="得分为各组成部分之和（每项不超过其权重）。 The score is the sum of the "
                               "components, each capped at its weight."))
    feat_rows = [[k, (", ".join(v) if isinstance(v, list) else
                      f"{v:.4f}" if isinstance(v, float) else str(v))]
                 for k, v in sorted(feats.items())]
    s.blocks.append(Table(["特征 Feature", "值 Value"], feat_rows, widths=[0.35, 0.45]))
    return s


def reasons(x: ReportInputs) -> Section:
    """Section: Reasons."""
    ring_record = x.ring_record
    s = Section("reasons", "原因", "Reasons")
    s.blocks.append(Bullets([f"[{x['points']:.2f}] {x['zh']} — {x['en']}"
                             for x in ring_record.get("reasons", [])]
                            or ["无 none"]))
    return s


def provenance_notes(x: ReportInputs) -> Section:
    """Section: Provenance."""
    case, red, complaints, provenance = x.case, x.red, x.complaints, x.provenance
    r, res = x.r, x.res
    sc = res.scoring
    s = Section("provenance", "来源与核验", "Provenance and verification")
    sources = complaints.groupby("source")["complaint_id"].nunique().sort_index()
    s.blocks.append(Paragraph(
        "本证据包中每一行投诉、人员、标识和关系都注明了原始导出文件和数据行号（complaints.csv、persons.csv、"
        "identifiers.csv、links.csv 的 source 与 row 列）。 Every complaint, person, identifier "
        "and relationship in this pack names the export file and data record it came from "
        "(the source and row columns of the CSV tables)."))
    s.blocks.append(KeyValues([
        ("工具 Tool", f"ringgraph {provenance['tool_version']}"),
        ("代码版本 Git commit", provenance.get("git_commit") or "unknown"),
        ("存储 Store", provenance["store"]),
        ("数据快照 Data snapshot (SHA-256)", case.snapshot),
        ("个人信息 PII mode", red.mode + (f" (key id {red.key_id})" if red.key_id else "")),
    ] + [(f"来源文件 Source file {k}", f"{v} 条投诉 complaints") for k, v in sources.items()]))
    s.blocks.append(Paragraph(
        "核验：manifest.json 与 SHA256SUMS 记录了每个文件的 SHA-256。运行 `ringgraph verify <文件夹或 zip>`，"
        "或在文件夹内运行 `sha256sum -c SHA256SUMS`。 To verify: manifest.json and SHA256SUMS "
        "record every file's SHA-256; run `ringgraph verify <folder or zip>`, or "
        "`sha256sum -c SHA256SUMS` inside the folder. Record the SHA-256 of SHA256SUMS (the "
        "pack fingerprint printed on export) on the hand-over form."))
    cmd = f"ringgraph detect --detector {res.detector} --seed {res.seed}"
    if "resolution" in res.params:
        cmd += f" --resolution {res.params['resolution']}"
    if sc.get("threshold") is not None:
        cmd += f" --threshold {sc['threshold']}"
    s.blocks.append(Paragraph(
        f"复现：在数据快照相同的存储上运行 `{cmd}`，再运行 `ringgraph export --ring {r.ring_id} "
        f"--pii {red.mode}`，除 manifest.json 的 generated_at 外得到逐字节相同的文件。 To reproduce: on "
        f"a store with the same data snapshot run `{cmd}`, then `ringgraph export --ring "
        f"{r.ring_id} --pii {red.mode}`: every file is byte-identical apart from "
        f"generated_at in manifest.json."))
    s.blocks.append(Bullets([f"{name} — {desc}" for name, desc in provenance["files"]]))
    return s


SECTIONS = (summary, organisers, members, linking_identifiers, complaint_list,
            genuine_grievances, material,
            templates, timeline, province_table, amounts, detector, reasons,
            provenance_notes)

__all__ = ["SECTIONS"]


def _sections(x: ReportInputs) -> list[Section]:
    return [s for s in (section(x) for section in SECTIONS) if s is not None]


def build_report(case: CaseData, red: Redactor, complaints: pd.DataFrame,
                 persons: pd.DataFrame, identifiers: pd.DataFrame, figures: dict[str, bytes],
                 ring_record: dict, provenance: dict) -> Report:
    """The report of one case.

    Parameters
    ----------
    case : CaseData
    red : Redactor
    complaints, persons, identifiers : DataFrame
        The pack's display tables (already under the PII mode).
    figures : dict
        PNG bytes by file name (from :func:`ringgraph.evidence.figures.make_figures`).
    ring_record : dict
        The ring as written to ``ring.json`` (reasons and shared identifiers already under
        the PII mode).
    provenance : dict
        ``tool_version, git_commit, store, snapshot, files`` for the provenance note.
    """
    x = ReportInputs(case, red, complaints, persons, identifiers, figures, ring_record,
                     provenance)
    r, orgs, provinces = x.r, x.orgs, x.provinces
    orgs_text = "、".join(orgs["value"][:3])
    return Report(
        title=f"证据报告 Evidence report · {r.ring_id}",
        subtitle=(f"{orgs_text + ' · ' if orgs_text else ''}{len(complaints)} 投诉 complaints · "
                  f"{x.n_borrowers} 借款人 borrowers · {provinces.nunique()} 省份 provinces · "
                  f"得分 score {r.score:.2f}"),
        mode=red.mode, sections=_sections(x),
        footer=(f"ringgraph {provenance['tool_version']} · {r.ring_id} · PII {red.mode} · "
                f"snapshot {case.snapshot[:16]}…"))
