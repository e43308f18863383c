"""Genuine grievances inside the ring: members whose complaint the lender's own call logs
support (triage status ``supported`` or ``partly``), listed apart from the ring's evidence.

Such a member may still have been recruited by the outfit, but what she alleges happened:
the institution must remedy it and audit the collectors named. The table
(``grievances.csv``) and the report section exist only when the store holds call logs;
personal data follow the pack's PII mode like every other table.
"""

from __future__ import annotations

import pandas as pd

from ringgraph.core import model as m
from ringgraph.case.extract import CaseData
from ringgraph.evidence.pii_modes import Redactor
from ringgraph.evidence.report_model import Paragraph, ReportInputs, Section, Table
from ringgraph.evidence.tables import Display

GRIEVANCE_COLUMNS = ["complaint_id", "received_at", "borrower_id", "borrower", "institution",
                     "alleged", "violations", "status", "night_calls", "over3_days",
                     "third_party_calls", "first_violation_at", "last_violation_at",
                     "agency"]


def _time(value) -> str:
    if value is None or pd.isna(value):
        return ""
    return pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S")


def grievances_table(case: CaseData, red: Redactor) -> pd.DataFrame | None:
    """One row per ring complaint whose grievance the logs support (``None``: the store
    holds no call logs)."""
    g = case.grievances
    if g is None:
        return None
    d = Display(case, red)
    filer = case.filer()
    rows = []
    for r in g.itertuples(index=False):
        p = case.props(m.COMPLAINT, r.complaint_id)
        pk = filer.get(r.complaint_id, "")
        rows.append({
            "complaint_id": r.complaint_id, "received_at": str(p.get("received_at") or ""),
            "borrower_id": d.id(m.PERSON, pk) if pk else "",
            "borrower": d.show(m.PERSON, pk) if pk else "",
            "institution": str(p.get("institution") or ""),
            "alleged": r.alleged, "violations": r.violations, "status": r.status,
            "night_calls": str(int(r.night_calls)), "over3_days": str(int(r.over3_days)),
            "third_party_calls": str(int(r.third_party_calls)),
            "first_violation_at": _time(r.first_violation_at),
            "last_violation_at": _time(r.last_violation_at),
            "agency": red.text(r.agency)})
    return pd.DataFrame(rows, columns=GRIEVANCE_COLUMNS)


def genuine_grievances(x: ReportInputs) -> Section | None:
    """Section: Genuine grievances inside the ring (only when call logs were checked)."""
    table = grievances_table(x.case, x.red)
    if table is None:
        return None
    s = Section("grievances", "团伙内的真实诉求", "Genuine grievances inside the ring")
    s.blocks.append(Paragraph(
        "以下成员的投诉内容得到机构自身催收通话记录的印证（全部或部分），不计入团伙得分；机构应整改，"
        "并审计所列催收机构。 The lender's own call logs support what these members allege "
        "(fully or partly): they add nothing to the ring's score; the institution must remedy "
        "it and audit the agencies named.", "note"))
    if not len(table):
        s.blocks.append(Paragraph("无：通话记录未印证任何成员的投诉。 None: the call logs "
                                  "support no member's complaint."))
        return s
    s.blocks.append(Table(
        ["工单 Complaint", "借款人 Borrower", "投诉所称 Alleged", "记录所见违规 Violations found",
         "结论 Status", "首次 First", "末次 Last", "催收机构 Agency"],
        [[r.complaint_id, r.borrower, r.alleged.replace(";", "; "),
          r.violations.replace(";", "; "), r.status, r.first_violation_at,
          r.last_violation_at, r.agency] for r in table.itertuples()],
        widths=[0.13, 0.09, 0.17, 0.17, 0.08, 0.12, 0.12, 0.12],
        note=f"共 {len(table)} 件投诉，全部字段见 grievances.csv。 {len(table)} complaints; "
             f"all columns in grievances.csv."))
    return s


__all__ = ["GRIEVANCE_COLUMNS", "grievances_table", "genuine_grievances"]
