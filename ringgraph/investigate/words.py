"""Words a person reads: Chinese + English column headers and names of evidence kinds.

Code names (``material_reuse``, ``borrowers``) stay in data and JSON; displays rename them
through these tables, so every notebook, widget and view says the same thing.
"""

from __future__ import annotations

EVIDENCE_TEXT: dict[str, str] = {
    # Misconduct: what flags a ring.
    "material_reuse": "跨家庭重复使用材料 forged material reused across households",
    "identity_handover": "身份被掌控 identity handed over",
    "pressure_demands": "施压诉求 pressure demands",
    "template_texts": "模板话术 template texts",
    "burst_across_provinces": "跨省集中投诉 burst across provinces",
    # Context: what lawful representation also shows (never flags a ring).
    "shared_channel": "共用电话/设备/账户 shared phone, device or account",
    "representation": "同一代理 one representative",
    "fee_account": "共用收费账户 shared fee account",
}

HEADERS: dict[str, str] = {
    "ring_id": "团伙 ring", "score": "得分 score", "complaints": "投诉数 complaints",
    "borrowers": "借款人数 borrowers", "provinces": "省份数 provinces",
    "evidence": "证据类型 evidence", "top_reason": "主要原因 top reason",
    "verdict": "结论 verdict", "points": "分值 points", "原因": "原因", "reason": "reason",
    "borrower": "借款人 borrower", "province": "省份 province",
    "first_at": "首次投诉 first complaint", "last_at": "最近投诉 last complaint",
    "complaint_id": "投诉编号 complaint", "received_at": "收到时间 received",
}


def evidence_text(kinds) -> str:
    """Evidence kinds in words, joined with ``、``.

    >>> evidence_text(["material_reuse", "fee_account"])
    '跨家庭重复使用材料 forged material reused across households、共用收费账户 shared fee account'
    """
    return "、".join(EVIDENCE_TEXT.get(k, k) for k in kinds)
