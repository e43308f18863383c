"""Canonical schemas of the two source types and the header synonyms that map onto them.

Institutions export complaint tickets and fee-transfer records with their own headers. The
reader maps every header it sees to one canonical field through ``HEADER_SYNONYMS`` (a
header is compared after stripping whitespace, brackets with units, and case).

Attachment cells hold zero or more attachments separated by ``;`` or ``；``; each is
``type|sha256:HEX|issuer|certificate_no`` (empty parts allowed).

Demand cells hold demand phrases separated by ``、``, ``,``, ``，``, ``;`` or ``；``.
"""

from __future__ import annotations

import re

from ringgraph.core.records import (COMPLAINT, COMPLAINT_FIELDS, COMPLAINT_REQUIRED,  # noqa: F401
                                     TRANSFER, TRANSFER_FIELDS, TRANSFER_REQUIRED)

HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "complaint_id": ("工单编号", "投诉编号", "工单号", "投诉单号", "complaint_id", "ticket_id"),
    "received_at": ("受理时间", "投诉时间", "创建时间", "提交时间", "received_at"),
    "channel": ("受理渠道", "渠道", "来源渠道", "投诉渠道", "channel"),
    "name": ("客户姓名", "投诉人姓名", "姓名", "投诉人", "name"),
    "id_number": ("证件号码", "身份证号", "证件号", "身份证号码", "id_number"),
    "phone": ("预留手机号", "手机号", "注册手机号", "手机号码", "phone"),
    "contact_phone": ("联系电话", "回访电话", "联系方式", "contact_phone"),
    "province": ("所属省份", "省份", "所在省份", "province"),
    "institution": ("被投诉机构", "投诉对象", "被投诉方", "institution"),
    "loan_account": ("贷款账号", "借款合同号", "卡号", "loan_account"),
    "overdue_amount": ("逾期金额", "欠款金额", "逾期本金", "overdue_amount"),
    "demands": ("诉求", "诉求类型", "客户诉求", "demands"),
    "text": ("投诉内容", "问题描述", "投诉详情", "text"),
    "agent_name": ("委托代理人", "代理人", "代理人姓名", "agent_name"),
    "agent_phone": ("代理人电话", "代理人手机", "代理人联系电话", "agent_phone"),
    "agent_org": ("代理机构", "代理机构名称", "委托机构", "agent_org"),
    "ip": ("提交ip", "ip地址", "ip", "来源ip"),
    "device": ("设备指纹", "设备号", "设备id", "device"),
    "attachments": ("附件信息", "附件", "附件列表", "attachments"),
    "transfer_id": ("流水号", "交易流水号", "transfer_id"),
    "paid_at": ("交易时间", "付款时间", "paid_at"),
    "payer_name": ("付款人", "付款人姓名", "付款户名", "payer_name"),
    "payer_id_number": ("付款人证件号", "付款人证件号码", "付款人身份证号", "payer_id_number"),
    "payee_account": ("收款账号", "收款人账号", "payee_account"),
    "payee_name": ("收款户名", "收款人", "收款人名称", "payee_name"),
    "amount": ("交易金额", "金额", "amount"),
    "memo": ("附言", "摘要", "备注", "memo"),
}

_UNIT_SUFFIX = re.compile(r"[\(（][^\)）]*[\)）]$")


def header_key(header: str) -> str:
    """Normalise a header for synonym lookup: trim, drop a trailing unit in brackets, casefold.

    >>> header_key(" 逾期金额（元） ")
    '逾期金额'
    >>> header_key("提交IP")
    '提交ip'
    """
    h = str(header).replace("\ufeff", "").strip()
    h = _UNIT_SUFFIX.sub("", h).strip()
    return h.casefold()


SYNONYM_INDEX: dict[str, str] = {
    header_key(s): field for field, syns in HEADER_SYNONYMS.items() for s in syns
}
