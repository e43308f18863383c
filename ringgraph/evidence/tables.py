"""The pack's CSV tables: complaints, persons, identifiers, links and the i2 link table.

Every row carries its provenance (``source`` export file and ``row`` record number, as
stored with the node or relationship). Rows are sorted and numbers formatted explicitly, so
the same data gives the same bytes. Files are UTF-8 with a byte-order mark, which Excel
needs to read Chinese correctly; a cell a spreadsheet would run as a formula (``=``, ``@``,
``+``/``-`` before something that is not a number) is prefixed with ``'``, so a hostile
complaint text cannot execute when an officer opens the table.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from ringgraph.core import model as m
from ringgraph.core.atomic import write_text
from ringgraph.viz.describe import LABEL_TEXT, REL_TEXT
from ringgraph.case.extract import CERT, IDENTIFIER_LABELS, CaseData, as_number, props_of
from ringgraph.evidence.pii_modes import Redactor

TYPE_TEXT = {**LABEL_TEXT, CERT: "证书编号 Certificate"}
_TYPE_ORDER = {t: i for i, t in enumerate(
    (m.ORG, m.AGENT, m.PHONE, m.ACCOUNT, m.DEVICE, m.IP, CERT, m.DOCUMENT, m.INSTITUTION))}
# i2 Analyst's Notebook entity types (English: chart schemes and import specifications
# are usually English); ArrowOnHead is the ANX arrow style "arrow at the second entity".
I2_TYPES = {m.COMPLAINT: "Complaint", m.PERSON: "Person", m.PHONE: "Telephone",
            m.DEVICE: "Device", m.IP: "IP Address", m.AGENT: "Agent",
            m.ORG: "Organisation", m.DOCUMENT: "Document", m.ACCOUNT: "Bank Account",
            m.INSTITUTION: "Institution"}
I2_ARROW = "ArrowOnHead"

_NUMBER = re.compile(r"^[+-]?\d[\d.,]*$")


def _s(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _row(value) -> str:
    try:
        return str(int(value))
    except (TypeError, ValueError):
        return ""


def money(value) -> str:
    """An amount in yuan with two decimals (empty when unknown)."""
    v = as_number(value)
    return "" if v != v else f"{v:.2f}"


def spreadsheet_safe(value: str) -> str:
    """Neutralise a cell a spreadsheet would evaluate as a formula.

    >>> spreadsheet_safe("=HYPERLINK(\\"http://x\\")"), spreadsheet_safe("+8613800138000")
    ('\\'=HYPERLINK("http://x")', '+8613800138000')
    >>> spreadsheet_safe("-12.50"), spreadsheet_safe("-我要投诉")
    ('-12.50', "'-我要投诉")
    """
    if not value:
        return value
    if value[0] in "=@\t\r" or (value[0] in "+-" and not _NUMBER.match(value)):
        return "'" + value
    return value


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """Write ``df`` as the pack writes every table (UTF-8 BOM, ``\\n``, formula-safe)."""
    safe = df.copy()
    for col in safe.columns:
        safe[col] = [spreadsheet_safe(_s(v)) for v in safe[col]]
    write_text(path, safe.to_csv(index=False, lineterminator="\n"), encoding="utf-8-sig")
    return path


class Display:
    """Display values and entity ids of a case's nodes under one redactor."""

    def __init__(self, case: CaseData, red: Redactor) -> None:
        self.case, self.red = case, red

    def id(self, label: str, key: str) -> str:
        if label == CERT:
            return f"{CERT}:{key}"
        return self.red.entity_id(label, key)

    def show(self, label: str, key: str) -> str:
        if label == CERT:
            return key
        return self.red.show(label, key, self.case.name(label, key))


# ------------------------------------------------------------------------- complaints
COMPLAINT_COLUMNS = ["complaint_id", "received_at", "channel", "province", "institution",
                     "demands", "overdue_amount", "loan_account", "borrower_id", "borrower",
                     "contact_phones", "agents", "orgs", "devices", "ips", "documents",
                     "text", "source", "row"]


def complaints_table(case: CaseData, red: Redactor) -> pd.DataFrame:
    """One row per complaint of the ring, by time (unknown times last)."""
    d = Display(case, red)
    filer = case.filer()
    linked: dict[tuple[str, str], list[str]] = {}
    for rel, sk, dl, dk in zip(case.edges["rel"], case.edges["src_key"],
                               case.edges["dst_label"], case.edges["dst_key"]):
        if rel in (m.CONTACT, m.REPRESENTED_BY, m.VIA_ORG, m.SUBMITTED_FROM, m.ATTACHED):
            linked.setdefault((sk, dl), []).append(dk)
    nodes = case.nodes[case.nodes["label"] == m.COMPLAINT].set_index("key")
    rows = []
    for c in case.complaint_ids:
        p = case.props(m.COMPLAINT, c)
        pk = filer.get(c, "")

        def joined(label: str) -> str:
            return ";".join(sorted(d.show(label, k) for k in linked.get((c, label), [])))

        rows.append({
            "complaint_id": c, "received_at": _s(p.get("received_at")),
            "channel": _s(p.get("channel")), "province": _s(p.get("province")),
            "institution": _s(p.get("institution")),
            "demands": _s(p.get("demands")).replace("|", "、"),
            "overdue_amount": money(p.get("overdue_amount")),
            "loan_account": red.loan_account(p.get("loan_account")),
            "borrower_id": d.id(m.PERSON, pk) if pk else "",
            "borrower": d.show(m.PERSON, pk) if pk else "",
            "contact_phones": joined(m.PHONE), "agents": joined(m.AGENT),
            "orgs": joined(m.ORG), "devices": joined(m.DEVICE), "ips": joined(m.IP),
            "documents": str(len(linked.get((c, m.DOCUMENT), []))),
            "text": red.text(p.get("text")),
            "source": _s(nodes.at[c, "source"]), "row": _row(nodes.at[c, "row"])})
    df = pd.DataFrame(rows, columns=COMPLAINT_COLUMNS)
    df["_missing"] = df["received_at"] == ""
    return (df.sort_values(["_missing", "received_at", "complaint_id"], kind="stable")
            .drop(columns="_missing").reset_index(drop=True))


# ---------------------------------------------------------------------------- persons
PERSON_COLUMNS = ["entity_id", "role", "display", "id_number", "province", "phones", "orgs",
                  "complaints", "n_complaints", "first_at", "last_at", "source", "row"]


def persons_table(case: CaseData, red: Redactor) -> pd.DataFrame:
    """Borrowers (ring members) and agents (proxies who represented them)."""
    d = Display(case, red)
    cprops = case.complaint_props()
    when = {c: _s(p.get("received_at")) for c, p in cprops.items()}
    filed: dict[str, list] = {}
    for c, p in case.filer().items():
        filed.setdefault(p, []).append(c)
    represented: dict[str, list] = {}
    rep = case.rel(m.REPRESENTED_BY)
    for c, a in zip(rep["src_key"], rep["dst_key"]):
        represented.setdefault(a, []).append(c)
    phones: dict[tuple[str, str], list] = {}
    hp = case.rel(m.HAS_PHONE)
    for sl, sk, dk in zip(hp["src_label"], hp["src_key"], hp["dst_key"]):
        phones.setdefault((sl, sk), []).append(dk)
    orgs: dict[str, list] = {}
    wf = case.rel(m.WORKS_FOR)
    for a, o in zip(wf["src_key"], wf["dst_key"]):
        orgs.setdefault(a, []).append(o)
    nodes = case.nodes.set_index(["label", "key"])
    rows = []
    for role, label, people in (("borrower 借款人", m.PERSON, filed),
                                ("agent 代理人", m.AGENT, represented)):
        for key, cs in people.items():
            cs = sorted(set(cs))
            times = sorted(t for t in (when.get(c, "") for c in cs) if t)
            p = case.props(label, key)
            src = nodes.loc[(label, key)] if (label, key) in nodes.index else None
            rows.append({
                "entity_id": d.id(label, key), "role": role, "display": d.show(label, key),
                "id_number": red.id_number(key) if label == m.PERSON else "",
                "province": _s(p.get("id_province") or p.get("province")),
                "phones": ";".join(sorted(d.show(m.PHONE, k)
                                          for k in phones.get((label, key), []))),
                "orgs": ";".join(sorted(d.show(m.ORG, o) for o in orgs.get(key, []))),
                "complaints": ";".join(cs), "n_complaints": str(len(cs)),
                "first_at": times[0] if times else "", "last_at": times[-1] if times else "",
                "source": _s(src["source"]) if src is not None else "",
                "row": _row(src["row"]) if src is not None else ""})
    df = pd.DataFrame(rows, columns=PERSON_COLUMNS)
    return df.sort_values(["role", "entity_id"], kind="stable").reset_index(drop=True)


# ------------------------------------------------------------------------ identifiers
IDENTIFIER_COLUMNS = ["entity_id", "type", "type_zh", "value", "detail", "ring_complaints",
                      "ring_borrowers", "ring_provinces", "shared", "store_relationships",
                      "source", "row"]


def _detail(case: CaseData, red: Redactor, label: str, key: str) -> str:
    p = case.props(label, key) if label != CERT else {}
    if label == m.ORG:
        aliases = [a for a in p.get("aliases") or [] if a != case.name(label, key)]
        return ("别名 aliases: " + "、".join(sorted(aliases))) if aliases else ""
    if label == m.DOCUMENT:
        parts = [_s(p.get("doc_type")), _s(p.get("issuer")), _s(p.get("cert_no"))]
        return " · ".join(x for x in parts if x)
    if label == m.ACCOUNT:
        payee = red.payee(key, case.name(label, key))
        return f"户名 payee: {payee}" if payee else ""
    if label == m.PHONE:
        return _s(p.get("kind"))
    if label == m.IP:
        return "内网 private" if p.get("private") else ""
    return ""


def identifiers_table(case: CaseData, red: Redactor) -> pd.DataFrame:
    """Every identifier the ring's complaints, borrowers and agents use, with how many of
    the ring's complaints, borrowers and provinces it links and how often it occurs in the
    whole store (``store_relationships``); ``shared`` marks those linking ≥ 2 borrowers."""
    d = Display(case, red)
    reach = case.reach()
    nodes = case.nodes.set_index(["label", "key"])
    # A certificate number is not a node: its provenance is that of the earliest document
    # (by time, then file and row) that carries it.
    docs = case.nodes[case.nodes["label"] == m.DOCUMENT]
    cert_doc: dict[str, tuple] = {}
    for key, p, at, source, row in zip(docs["key"], docs["props"], docs["at"],
                                       docs["source"], docs["row"]):
        cert = _s(props_of(p).get("cert_no"))
        if cert:
            cand = (_s(at), _s(source), int(row) if row == row and row is not None else 0, key)
            if cert not in cert_doc or cand < cert_doc[cert]:
                cert_doc[cert] = cand
    rows = []
    for r in reach.itertuples(index=False):
        src = nodes.loc[(r.label, r.key)] if (r.label, r.key) in nodes.index else None
        if r.label == CERT and r.key in cert_doc:
            src = nodes.loc[(m.DOCUMENT, cert_doc[r.key][3])]
        usage = case.usage.get((r.label, r.key))
        rows.append({
            "entity_id": d.id(r.label, r.key), "type": r.label,
            "type_zh": TYPE_TEXT.get(r.label, r.label), "value": d.show(r.label, r.key),
            "detail": _detail(case, red, r.label, r.key),
            "ring_complaints": len(r.complaints), "ring_borrowers": len(r.borrowers),
            "ring_provinces": len(r.provinces),
            "shared": "yes" if len(r.borrowers) >= 2 else "no",
            "store_relationships": "" if usage is None else str(usage),
            "source": _s(src["source"]) if src is not None else "",
            "row": _row(src["row"]) if src is not None else ""})
    df = pd.DataFrame(rows, columns=IDENTIFIER_COLUMNS)
    df["_o"] = df["type"].map(_TYPE_ORDER).fillna(99)
    df = df.sort_values(["_o", "ring_borrowers", "ring_complaints", "entity_id"],
                        ascending=[True, False, False, True], kind="stable")
    for col in ("ring_complaints", "ring_borrowers", "ring_provinces"):
        df[col] = df[col].astype(str)
    return df.drop(columns="_o").reset_index(drop=True)


# ------------------------------------------------------------------------------ links
LINK_COLUMNS = ["rel", "rel_zh", "src_id", "src_type", "src", "dst_id", "dst_type", "dst",
                "transfer_id", "at", "amount", "memo", "complaint_ids", "source", "row"]


def links_table(case: CaseData, red: Redactor) -> pd.DataFrame:
    """Every relationship of the case (direction as in the graph model), with the ring
    complaints it is evidence for and its provenance."""
    d = Display(case, red)
    e = case.edges
    props = [props_of(p) for p in e["props"]]
    df = pd.DataFrame({
        "rel": e["rel"].to_numpy(),
        "rel_zh": [REL_TEXT.get(r, r) for r in e["rel"]],
        "src_id": [d.id(lb, k) for lb, k in zip(e["src_label"], e["src_key"])],
        "src_type": e["src_label"].to_numpy(),
        "src": [d.show(lb, k) for lb, k in zip(e["src_label"], e["src_key"])],
        "dst_id": [d.id(lb, k) for lb, k in zip(e["dst_label"], e["dst_key"])],
        "dst_type": e["dst_label"].to_numpy(),
        "dst": [d.show(lb, k) for lb, k in zip(e["dst_label"], e["dst_key"])],
        "transfer_id": [_s(x) for x in e["eid"]],
        "at": [_s(x) for x in e["at"]],
        "amount": [money(p.get("amount")) if "amount" in p else "" for p in props],
        "memo": [red.text(p.get("memo")) for p in props],
        "complaint_ids": case.source_complaints(),
        "source": [_s(x) for x in e["source"]], "row": [_row(x) for x in e["row"]],
    }, columns=LINK_COLUMNS)
    return df.sort_values(["rel", "src_id", "dst_id", "transfer_id"],
                          kind="stable").reset_index(drop=True)


I2_COLUMNS = ["link_id", "entity1_id", "entity1_type", "entity1_label", "link_type",
              "link_label", "arrow", "entity2_id", "entity2_type", "entity2_label", "date",
              "time", "amount", "source_complaint_ids", "source_file", "source_row"]


def i2_table(links: pd.DataFrame) -> pd.DataFrame:
    """The links as an i2 Analyst's Notebook entity–link–entity import table.

    One row per link: both ends with a stable identity (the pack's entity id), an entity
    type and a label; the link type, the arrow (towards entity 2, the model's direction),
    date and time, and the ring complaints it comes from. In the import wizard map
    ``entity1_id``/``entity2_id`` to Identity, ``*_type`` to the entity type,
    ``*_label`` to Label, ``link_type`` to the link type, ``arrow`` to the arrow style and
    ``date``/``time`` to the link's date and time.
    """
    at = links["at"].fillna("")
    date = [a[:10] if len(a) >= 10 else "" for a in at]
    time = [a[11:19] if len(a) >= 19 else "" for a in at]
    df = pd.DataFrame({
        "link_id": [f"L{i:05d}" for i in range(1, len(links) + 1)],
        "entity1_id": links["src_id"], "entity1_type": links["src_type"].map(I2_TYPES),
        "entity1_label": links["src"], "link_type": links["rel"],
        "link_label": links["rel_zh"], "arrow": I2_ARROW,
        "entity2_id": links["dst_id"], "entity2_type": links["dst_type"].map(I2_TYPES),
        "entity2_label": links["dst"], "date": date, "time": time,
        "amount": links["amount"], "source_complaint_ids": links["complaint_ids"],
        "source_file": links["source"], "source_row": links["row"]}, columns=I2_COLUMNS)
    return df.reset_index(drop=True)


__all__ = ["complaints_table", "persons_table", "identifiers_table", "links_table",
           "i2_table", "write_csv", "spreadsheet_safe", "Display", "TYPE_TEXT",
           "IDENTIFIER_LABELS"]
