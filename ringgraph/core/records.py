"""Canonical record fields: what one complaint ticket and one fee transfer hold once read.

ETL maps any export's headers onto these fields; the simulator's ground truth and the
stores' provenance use the same names, so they live in the core every layer shares.
"""

from __future__ import annotations

COMPLAINT = "complaint"
TRANSFER = "transfer"
CALL = "call"

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

# Canonical collection-call fields (the lender's own call log, one row per call placed).
CALL_FIELDS: tuple[str, ...] = (
    "call_id",            # call record id; derived from content when the log has none
    "loan_account",       # loan / contract / card account the call collects on
    "debtor_id_number",   # debtor's resident ID
    "agency",             # collection agency (委外机构), or the lender's own team
    "collector_id",       # collector / agent seat id (坐席工号)
    "called_at",          # when the call was placed (naive → Asia/Shanghai)
    "dialled_number",     # the number dialled
    "callee_relation",    # relation of the callee to the debtor (often blank)
    "duration_s",         # talk time: "83", "1分23秒", "00:01:23"
    "outcome",            # answered / no answer / busy / rejected …
    "direction",          # outbound (呼出/外呼/OUT) or inbound (呼入/来电/IN); blank = outbound
)
CALL_REQUIRED: tuple[str, ...] = ("call_id", "called_at")
