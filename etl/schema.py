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

COMPLAINT = "complaint"
TRANSFER = "transfer"

# Canonical complaint fields, in export order.
COMPLAINT_FIELDS: tuple[str, ...] = (
    "complaint_id",     # ticket number, required
    "received_at",      # intake time, mixed formats
    "channel",          # intake channel: 12378, 95xxx hotline, app, 黑猫投诉, branch, 信访
    "name",             # borrower name
    "id_number",        # 18-digit resident ID (GB 11643), maybe masked
    "phone",            # borrower's registered mobile (预留手机号)
    "contact_phone",    # call-back number written on the ticket
    "province",         # borrower's province
    "institution",      # the institution complained about
    "loan_account",     # loan / card account
    "overdue_amount",   # overdue amount in yuan
    "demands",          # demand phrases
    "text",             # complaint text
    "agent_name",       # proxy agent (委托代理人)
    "agent_phone",      # proxy agent's phone
    "agent_org",        # proxy organisation (代理机构)
    "ip",               # submitting IP (app / web channels)
    "device",           # device fingerprint (app channel)
    "attachments",      # attachments, see module docstring
)
COMPLAINT_REQUIRED: tuple[str, ...] = ("complaint_id",)

# Canonical fee-transfer fields.
TRANSFER_FIELDS: tuple[str, ...] = (
    "transfer_id",      # transaction serial number, required
    "paid_at",          # transaction time
    "payer_name",       # payer (borrower) name
    "payer_id_number",  # payer resident ID
    "payee_account",    # payee account number
    "payee_name",       # payee account holder name
    "amount",           # amount in yuan
    "memo",             # transfer memo
)
TRANSFER_REQUIRED: tuple[str, ...] = ("transfer_id", "payee_account")

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

# Exported header sets the simulator writes, one per institution style, so the reader's
# synonym mapping is exercised on every run.
EXPORT_HEADERS: dict[str, dict[str, str]] = {
    "bank_csv": {
        "complaint_id": "工单编号", "received_at": "受理时间", "channel": "受理渠道",
        "name": "客户姓名", "id_number": "证件号码", "phone": "预留手机号",
        "contact_phone": "联系电话", "province": "所属省份", "institution": "被投诉机构",
        "loan_account": "贷款账号", "overdue_amount": "逾期金额", "demands": "诉求",
        "text": "投诉内容", "agent_name": "委托代理人", "agent_phone": "代理人电话",
        "agent_org": "代理机构", "ip": "提交IP", "device": "设备指纹",
        "attachments": "附件信息",
    },
    "consumer_finance_gb18030": {
        "complaint_id": "投诉编号", "received_at": "投诉时间", "channel": "渠道",
        "name": "投诉人姓名", "id_number": "身份证号", "phone": "手机号",
        "contact_phone": "联系电话", "province": "省份", "institution": "被投诉机构",
        "loan_account": "借款合同号", "overdue_amount": "逾期金额(元)", "demands": "诉求",
        "text": "投诉内容", "agent_name": "代理人", "agent_phone": "代理人电话",
        "agent_org": "代理机构", "ip": "IP地址", "device": "设备号",
        "attachments": "附件",
    },
    "platform_xlsx": {
        "complaint_id": "工单号", "received_at": "创建时间", "channel": "来源渠道",
        "name": "姓名", "id_number": "证件号", "phone": "注册手机号",
        "contact_phone": "回访电话", "province": "省份", "institution": "投诉对象",
        "loan_account": "贷款账号", "overdue_amount": "欠款金额", "demands": "诉求类型",
        "text": "问题描述", "agent_name": "委托代理人", "agent_phone": "代理人手机",
        "agent_org": "代理机构名称", "ip": "提交IP", "device": "设备指纹",
        "attachments": "附件信息",
    },
    "transfers_csv": {
        "transfer_id": "流水号", "paid_at": "交易时间", "payer_name": "付款人",
        "payer_id_number": "付款人证件号", "payee_account": "收款账号",
        "payee_name": "收款户名", "amount": "交易金额", "memo": "附言",
    },
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
