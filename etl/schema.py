"""Canonical schemas of the three source types and the header synonyms that map onto them.

Institutions export complaint tickets, fee-transfer records and collection call logs with
their own headers. The
reader maps every header it sees to one canonical field through ``HEADER_SYNONYMS`` (a
header is compared after stripping whitespace, brackets with units, and case).

Attachment cells hold zero or more attachments separated by ``;`` or ``；``; each is
``type|sha256:HEX|issuer|certificate_no`` (empty parts allowed).

Demand cells hold demand phrases separated by ``、``, ``,``, ``，``, ``;`` or ``；``.
"""

from __future__ import annotations

import re

from ringgraph.core.records import (CALL, CALL_FIELDS, CALL_REQUIRED,  # noqa: F401
                                     COMPLAINT, COMPLAINT_FIELDS, COMPLAINT_REQUIRED,
                                     TRANSFER, TRANSFER_FIELDS, TRANSFER_REQUIRED)

# Collection call logs (see CALL_ALIASES for headers shared with complaints).
_CALL_SYNONYMS: dict[str, tuple[str, ...]] = {
    "call_id": ("通话编号", "呼叫编号", "通话流水号", "呼叫流水号", "录音编号", "话单编号",
                "call_id", "callid", "uniqueid", "call_no", "call_record_id", "cdr_id"),
    "debtor_id_number": ("债务人证件号", "债务人证件号码", "债务人身份证号", "债务人身份证",
                         "debtor_id_number", "debtor_id", "debtor_id_no", "debtor_id_card",
                         "借款人证件号", "借款人证件号码", "cert_no", "certificate_no",
                         "cert_number", "customer_cert_no", "customer_id_no", "cust_id_no"),
    "agency": ("催收机构", "委外机构", "催收公司", "委外催收机构", "外包机构", "vendor",
               "collection_agency", "agency_name", "vendor_name", "催收团队"),
    "collector_id": ("催收员", "坐席工号", "催收员工号", "坐席", "坐席号", "工号", "催收人员",
                     "collector", "collector_id", "agent_id", "seat_id", "operator_id",
                     "staff_id", "坐席id", "催收员id", "agent_no", "agent_code", "seat_no",
                     "operator_no", "staff_no", "collector_no", "collector_code",
                     "user_id_agent", "员工编号", "员工工号", "催收员编号", "作业员", "坐席编号",
                     "外呼坐席", "分机号"),
    "called_at": ("拨打时间", "呼叫开始时间", "通话时间", "呼叫时间", "外呼时间", "拨号时间",
                  "通话开始时间", "call_start", "call_time", "called_at", "call_start_time",
                  "start_time", "calldate", "call_date", "dial_time", "开始时间"),
    "dialled_number": ("被叫号码", "拨打号码", "联系号码", "被叫", "外呼号码", "被叫电话",
                       "callee", "callee_number", "dialed_number", "dialled_number",
                       "called_number", "to_number", "dst", "phone_dialed", "拨出号码",
                       "对方号码", "对端号码", "客户号码", "通话号码", "联系人号码",
                       "联系人电话号码", "other_party", "other_number",
                       "remote_number", "peer_number", "callee_phone", "target_number",
                       "customer_number", "dnis", "dest_number"),
    "callee_relation": ("关系", "联系人关系", "与债务人关系", "与借款人关系", "被叫关系",
                        "relation", "relationship", "callee_relation", "contact_relation",
                        "与客户关系", "号码关系"),
    "duration_s": ("通话时长", "时长", "通话秒数", "billsec", "duration", "talk_time",
                   "call_duration", "duration_s", "talk_duration", "通话时间长度"),
    "outcome": ("呼叫结果", "接通状态", "通话结果", "通话状态", "拨打结果", "disposition",
                "outcome", "call_result", "call_status", "call_outcome", "接听状态", "接通结果",
                "call_disposition"),
    "direction": ("呼叫类型", "呼叫方向", "通话类型", "通话方向", "呼叫方式", "呼入呼出",
                  "呼出呼入", "呼叫类别", "来去电", "主被叫", "主被叫标识", "主叫被叫", "话单类型",
                  "direction", "call_direction", "call_type", "calltype", "inout", "in_out",
                  "call_dir", "inbound_outbound"),
}
# Headers a call log shares with complaint tickets or transfers mean the call's field there.
CALL_ALIASES: dict[str, str] = {"id_number": "debtor_id_number", "agent_org": "agency",
                                "transfer_id": "call_id", "agent_name": "collector_id"}
# A file with a call time and one of these is a call log (when it is no complaint export).
CALL_MARKERS = frozenset({"dialled_number", "collector_id", "callee_relation", "duration_s",
                          "outcome", "call_id"})

HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "complaint_id": ("工单编号", "投诉编号", "工单号", "投诉单号", "complaint_id", "ticket_id",
                     "ticket_no", "ticket_number", "case_id", "case_no", "complaint_no",
                     "complaint_number", "order_no", "work_order_no", "案件编号", "投诉件编号",
                     "受理编号", "信访编号", "事项编号", "单号"),
    "received_at": ("受理时间", "投诉时间", "创建时间", "提交时间", "received_at", "created_at",
                    "create_time", "created_time", "submitted_at", "submit_time",
                    "complaint_time", "report_time", "receive_time", "filed_at", "登记时间",
                    "来访时间", "投诉日期", "受理日期", "创建日期"),
    "channel": ("受理渠道", "渠道", "来源渠道", "投诉渠道", "channel", "source", "source_channel",
                "complaint_channel", "来源", "投诉来源", "信访渠道"),
    "name": ("客户姓名", "投诉人姓名", "姓名", "投诉人", "name", "customer_name", "user_name",
             "borrower_name", "complainant", "complainant_name", "full_name", "real_name",
             "借款人", "借款人姓名", "用户姓名", "当事人", "来访人"),
    "id_number": ("证件号码", "身份证号", "证件号", "身份证号码", "id_number", "id_card_no",
                  "id_card", "id_card_number", "id_no", "idno", "identity_no", "cert_id",
                  "national_id", "citizen_id", "borrower_id_card", "客户证件号", "借款人身份证号",
                  "投诉人证件号码", "身份证", "客户证件号码", "客户身份证号",
                  "客户身份证号码"),
    "phone": ("预留手机号", "手机号", "注册手机号", "手机号码", "phone", "registered_mobile",
              "mobile", "mobile_no", "phone_no", "phone_number", "cellphone", "user_mobile",
              "customer_mobile", "reserved_mobile", "bound_mobile", "借款人手机号", "绑定手机号",
              "客户手机号"),
    "contact_phone": ("联系电话", "回访电话", "联系方式", "contact_phone", "contact_mobile",
                      "contact_no", "contact_number", "callback_phone", "callback_number",
                      "tel", "telephone", "投诉人电话", "来电号码", "联系人电话", "回拨号码"),
    "province": ("所属省份", "省份", "所在省份", "province", "region", "province_name",
                 "customer_province", "地区", "所在地区", "省"),
    "institution": ("被投诉机构", "投诉对象", "被投诉方", "institution", "lender", "creditor",
                    "platform", "company", "respondent", "complained_org", "target_org",
                    "institution_name", "bank", "被投诉单位", "被投诉人", "涉事机构", "贷款机构",
                    "放款机构", "金融机构"),
    "loan_account": ("贷款账号", "借款合同号", "卡号", "loan_account", "loan_no", "loan_id",
                     "contract_no", "contract_id", "account_no", "card_no", "loan_number",
                     "借据号", "合同编号", "贷款合同号", "借款编号", "信用卡号", "合同号", "account",
                     "贷款编号", "借款账号", "loan_account_no", "案件账号"),
    "overdue_amount": ("逾期金额", "欠款金额", "逾期本金", "overdue_amount", "overdue",
                       "overdue_balance", "outstanding", "outstanding_amount", "debt_amount",
                       "arrears", "amount_due", "loan_amount", "欠款", "待还金额", "逾期总额",
                       "未还金额"),
    "demands": ("诉求", "诉求类型", "客户诉求", "demands", "requests", "request", "demand",
                "claims", "appeal", "appeals", "投诉诉求", "诉求内容", "主要诉求", "投诉请求",
                "请求事项", "demand_tags"),
    "text": ("投诉内容", "问题描述", "投诉详情", "text", "description", "content", "detail",
             "details", "complaint_text", "complaint_content", "body", "summary", "narrative",
             "事项描述", "具体内容", "来信内容", "投诉描述", "诉求描述", "情况说明"),
    "agent_name": ("委托代理人", "代理人", "代理人姓名", "agent_name", "proxy_agent", "proxy",
                   "proxy_name", "agent", "representative", "authorized_agent", "受托人",
                   "代理律师", "委托人"),
    "agent_phone": ("代理人电话", "代理人手机", "代理人联系电话", "agent_phone", "proxy_phone",
                    "proxy_mobile", "agent_mobile", "representative_phone", "受托人电话"),
    "agent_org": ("代理机构", "代理机构名称", "委托机构", "agent_org", "proxy_org",
                  "proxy_company", "agent_company", "agency", "law_firm", "proxy_institution",
                  "代理公司", "受托机构", "律师事务所"),
    "ip": ("提交ip", "ip地址", "ip", "来源ip", "client_ip", "ip_address", "source_ip",
           "submit_ip", "remote_ip", "user_ip", "登录ip", "客户端ip"),
    "device": ("设备指纹", "设备号", "设备id", "device", "device_id", "device_fingerprint",
               "fingerprint", "device_no", "imei", "udid", "android_id", "idfa", "终端号",
               "设备标识"),
    "attachments": ("附件信息", "附件", "附件列表", "attachments", "attachment", "files",
                    "evidence", "materials", "documents", "证明材料", "材料", "佐证材料"),
    "transfer_id": ("流水号", "交易流水号", "transfer_id", "transaction_id", "txn_id",
                    "serial_no", "trade_no", "transaction_no", "payment_id", "流水编号",
                    "交易编号", "交易单号", "凭证号"),
    "paid_at": ("交易时间", "付款时间", "paid_at", "pay_time", "payment_time", "transaction_time",
                "txn_time", "trade_time", "transfer_time", "交易日期", "转账时间", "支付时间",
                "记账时间", "入账时间"),
    "payer_name": ("付款人", "付款人姓名", "付款户名", "payer_name", "payer", "from_name",
                   "remitter", "remitter_name", "付款方", "付款方户名", "转出户名", "汇款人"),
    "payer_id_number": ("付款人证件号", "付款人证件号码", "付款人身份证号", "payer_id_number",
                        "payer_id_card", "payer_id", "payer_id_no", "remitter_id_card",
                        "付款方证件号", "付款人身份证"),
    "payee_account": ("收款账号", "收款人账号", "payee_account", "payee_account_no",
                      "to_account", "beneficiary_account", "receiver_account",
                      "收款方账号", "对方账号", "收款卡号", "转入账号"),
    "payee_name": ("收款户名", "收款人", "收款人名称", "payee_name", "payee", "to_name",
                   "beneficiary", "beneficiary_name", "receiver_name", "收款方", "对方户名",
                   "收款方户名", "转入户名"),
    "amount": ("交易金额", "金额", "amount", "paid_amount", "pay_amount", "txn_amount",
               "transaction_amount", "transfer_amount", "付款金额", "转账金额", "支付金额"),
    "memo": ("附言", "摘要", "备注", "memo", "remark", "remarks", "note", "notes", "purpose",
             "postscript", "用途", "交易附言", "转账备注"),
}

_UNIT_SUFFIX = re.compile(r"[\(（][^\)）]*[\)）]$")
_SEPARATORS = re.compile(r"[\s\-]+")


def header_key(header: str) -> str:
    """Normalise a header for synonym lookup: trim, drop a trailing unit in brackets, casefold.

    >>> header_key(" 逾期金额（元） ")
    '逾期金额'
    >>> header_key("提交IP")
    '提交ip'
    """
    h = str(header).replace("\ufeff", "").strip()
    h = _UNIT_SUFFIX.sub("", h).strip()
    # customer-name, Customer Name and customer_name are one header.
    return _SEPARATORS.sub("_", h.casefold())


HEADER_SYNONYMS.update(_CALL_SYNONYMS)

SYNONYM_INDEX: dict[str, str] = {
    header_key(s): field for field, syns in HEADER_SYNONYMS.items() for s in syns
}

FIELDS_OF: dict[str, tuple[str, ...]] = {COMPLAINT: COMPLAINT_FIELDS, TRANSFER: TRANSFER_FIELDS,
                                         CALL: CALL_FIELDS}


def call_fields(by_pos: dict[int, str], unmapped: list[str], headers: list
                ) -> tuple[dict[int, str], list[str]]:
    """A call log's headers shared with complaints (身份证号, agency) name its call fields
    (:data:`CALL_ALIASES`); the first header of a field wins, as in ``etl.read.map_headers``.

    >>> call_fields({0: "id_number", 1: "debtor_id_number"}, [], ["身份证号", "债务人证件号"])
    ({0: 'debtor_id_number'}, ['债务人证件号'])
    """
    out: dict[int, str] = {}
    for pos in sorted(by_pos):
        fld = CALL_ALIASES.get(by_pos[pos], by_pos[pos])
        if fld in out.values():
            unmapped = unmapped + [str(headers[pos])]
        else:
            out[pos] = fld
    return out, unmapped
