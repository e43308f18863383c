"""How a node or relationship is shown: short label, tooltip lines, masking of personal data.

Everything here returns plain text. Escaping is the job of whoever puts the text into markup
(the network template fills tooltips with ``textContent``; tables go through pandas or
:func:`html.escape`).
"""

from __future__ import annotations

from ringgraph.core import model as m
from ringgraph.core.model import props_of
from ringgraph.core import redact as pii
from ringgraph.core.redact import mask_payee

__all__ = ["LABEL_TEXT", "REL_TEXT", "edge_lines", "mask_payee", "node_lines", "props_of",
           "redact_text", "shown", "text_redactor"]

# Display names of the labels and relationship types (Chinese first: the users read it).
LABEL_TEXT: dict[str, str] = {
    m.COMPLAINT: "投诉 Complaint", m.PERSON: "借款人 Borrower", m.PHONE: "电话 Phone",
    m.DEVICE: "设备 Device", m.IP: "IP", m.AGENT: "代理人 Agent", m.ORG: "代理机构 Org",
    m.DOCUMENT: "材料 Document", m.ACCOUNT: "收款账户 Account",
    m.INSTITUTION: "被投诉机构 Institution",
}
REL_TEXT: dict[str, str] = {
    m.FILED: "提交 filed", m.AGAINST: "投诉对象 against", m.HAS_PHONE: "本人电话 has phone",
    m.CONTACT: "联系电话 contact", m.SUBMITTED_FROM: "提交自 submitted from",
    m.REPRESENTED_BY: "委托代理 represented by", m.WORKS_FOR: "任职 works for",
    m.VIA_ORG: "经由机构 via org", m.ATTACHED: "附件 attached", m.PAID: "付款 paid",
}



def text_redactor(names) -> pii.TextRedactor:
    """``names`` as a :class:`~ringgraph.core.redact.TextRedactor` (built once, reused for
    every text of a view): a redactor is returned as is, names are compiled into one."""
    return names if isinstance(names, pii.TextRedactor) else pii.TextRedactor(
        str(x) for x in names if x)


def redact_text(text: str, names=()) -> str:
    """Free text with phone numbers, resident IDs, long account numbers and person names
    masked, however they are written (see :mod:`ringgraph.core.redact`).

    ``names``: a :class:`~ringgraph.core.redact.TextRedactor` (every person the store
    knows, :func:`ringgraph.store.people.people_redactor`) or names to find.

    >>> redact_text("投诉人张建，电话13812345678，身份证11010519491231002X", ["张建"])
    '投诉人张*，电话138****5678，身份证110105********002X'
    """
    return text_redactor(names).mask(text)


def _short(text: str, limit: int) -> str:
    text = str(text or "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def shown(label: str, key: str, name: str, mask: bool = True) -> str:
    """The one-line display value of a node (masked unless ``mask=False``).

    >>> shown("Phone", "+8613812345678", "+8613812345678")
    '138****5678'
    >>> shown("Person", "11010519491231002X", "张三丰"), shown("Org", "广律(深圳)法务服务", "广律(深圳)法务服务有限公司")
    ('张**', '广律(深圳)法务服务有限公司')
    """
    name = "" if name is None or (isinstance(name, float) and name != name) else str(name)
    if label == m.COMPLAINT:
        return key
    if label in (m.ORG, m.INSTITUTION):
        return name or key
    if label == m.DOCUMENT:
        return f"{name} {key.split(':', 1)[-1][:10]}".strip()
    if not mask:
        if label in (m.PERSON, m.AGENT):
            return name or key.split("|")[0]
        if label == m.ACCOUNT:
            return f"{key} {name}".strip()
        return key
    return pii.mask(label, key, name)


def node_lines(label: str, key: str, name: str, props: dict, mask: bool = True,
               names=()) -> list[tuple[str, str]]:
    """Tooltip lines ``(field, value)`` of one node; ``names`` (a
    :class:`~ringgraph.core.redact.TextRedactor`, or names) are the people to find in
    complaint texts when masking."""
    p = props or {}
    lines = [(LABEL_TEXT.get(label, label), shown(label, key, name, mask))]

    def add(field: str, value) -> None:
        if value is None or value == "" or (isinstance(value, float) and value != value):
            return
        lines.append((field, str(value)))

    if label == m.COMPLAINT:
        add("受理时间", p.get("received_at"))
        add("渠道", p.get("channel"))
        add("省份", p.get("province"))
        add("被投诉机构", p.get("institution"))
        add("诉求", str(p.get("demands") or "").replace("|", "、"))
        amount = p.get("overdue_amount")
        if isinstance(amount, (int, float)) and amount == amount:
            add("逾期金额", f"¥{amount:,.2f}")
        text = p.get("text") or ""
        add("投诉内容", _short(redact_text(text, names) if mask else text, 300))
    elif label == m.PERSON:
        add("身份证", pii.mask_id(key) if mask else key)
        add("省份", p.get("id_province") or p.get("province"))
    elif label == m.PHONE:
        add("类型", p.get("kind"))
    elif label == m.IP:
        if p.get("private"):
            add("类型", "内网 private")
    elif label == m.AGENT:
        phone = key.split("|", 1)[-1] if "|" in key else ""
        if phone.startswith("+86") or phone.startswith("svc:"):
            add("电话", pii.mask_phone(phone) if mask else phone)
        elif phone.startswith("org:"):
            add("机构", phone[4:])
    elif label == m.DOCUMENT:
        add("类型", p.get("doc_type") or name)
        add("出具单位", p.get("issuer"))
        add("证书编号", p.get("cert_no"))
        if p.get("sha256"):
            add("文件哈希", "sha256:" + str(p["sha256"])[:16] + "…")
    elif label == m.ACCOUNT:
        add("户名", mask_payee(name) if mask else name)
    return lines


def edge_lines(rel: str, props: dict, source: str, row, at,
               people: pii.TextRedactor | None = None) -> list[tuple[str, str]]:
    """Tooltip lines of one relationship, with its provenance (source file and row); a
    memo has its personal data masked when ``people`` (a text redactor) is given."""
    p = props or {}
    lines = [("关系", REL_TEXT.get(rel, rel))]
    amount = p.get("amount")
    if isinstance(amount, (int, float)) and amount == amount:
        lines.append(("金额", f"¥{amount:,.2f}"))
    if p.get("memo"):
        memo = str(p["memo"])
        lines.append(("备注", people.mask(memo) if people is not None else memo))
    if at is not None and str(at) not in ("", "None", "NaT", "nan"):
        lines.append(("时间", str(at)))
    if source is not None and str(source) not in ("", "None", "nan"):
        r = "" if row is None or str(row) in ("", "nan", "<NA>") else f" 第{int(row)}行"
        lines.append(("来源", f"{source}{r}"))
    return lines
