"""The simulator's own export layouts: which header each simulated institution writes.

Deliberately not ETL's synonym table: a simulator that borrowed ETL's headers could only
write what ETL already reads.
"""

from __future__ import annotations

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

# A lending platform's export: English keys, the borrower nested in an object, demands and
# attachments as JSON arrays (simulator/platform_export.py), and a payments statement
# without serial numbers.
PLATFORM_JSON_KEYS: dict[str, str] = {
    "complaint_id": "ticket_no", "received_at": "created_at", "channel": "source_channel",
    "name": "customer.customer_name", "id_number": "customer.id_card_no",
    "phone": "registered_mobile", "contact_phone": "contact_mobile", "province": "province",
    "institution": "lender", "loan_account": "loan_no", "overdue_amount": "overdue_amount",
    "demands": "requests", "text": "description", "agent_name": "proxy_agent",
    "agent_phone": "proxy_mobile", "agent_org": "proxy_org", "ip": "client_ip",
    "device": "device_id", "attachments": "attachments",
}
PAYMENTS_NO_SERIAL: dict[str, str] = {
    "paid_at": "paid_at", "payer_name": "payer_name", "payer_id_number": "payer_id_card",
    "payee_account": "payee_account", "payee_name": "payee_name", "amount": "amount",
    "memo": "remark",
}
