"""What the case report says, once, for both renderers (HTML and PDF).

:func:`build_report` turns a case and the pack's display tables into a :class:`Report`: a
list of sections (Chinese headings with English), each a list of simple blocks (key–value
lists, tables, paragraphs, bullet lists, figures, texts side by side). The renderers only
lay these out, so the HTML and PDF reports cannot drift apart. All values are plain text;
escaping is the renderer's job.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ringgraph.core import model as m
from ringgraph.case.extract import CaseData
from ringgraph.evidence.pii_modes import Redactor
from ringgraph.evidence.tables import Display

MODE_TEXT = {
    "full": "完整 full — 包含未脱敏的个人信息，仅限有权接收者 (contains personal data; "
            "for entitled recipients only)",
    "masked": "脱敏 masked — 姓名、电话、证件号、账号部分遮蔽 (names, phones, IDs, "
              "accounts partly hidden)",
    "pseudonymised": "假名化 pseudonymised — 个人信息以密钥 HMAC 令牌替代，同一密钥下跨证据包一致 "
                     "(personal data replaced by keyed HMAC tokens, consistent across packs "
                     "made with the same key)",
}
COMPONENT_TEXT = {
    "sharing": "共用标识 shared identifiers", "spread": "跨省分布 spread across provinces",
    "material": "材料复用 material reuse", "representation": "集中代理 representation",
    "fees": "共用收款账户 shared fee accounts", "demands": "施压诉求 pressure demands",
    "templates": "模板话术 template texts", "burst": "集中爆发 burst",
    "scripted": "通话记录否定的雷同诉由 scripted grievance (call logs contradict)",
}


@dataclass
class KeyValues:
    items: list[tuple[str, str]]


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    widths: list[float] | None = None
    note: str = ""
    long_column: int | None = None
    """Index of a column of long free text (HTML folds it; PDF shortens it)."""


@dataclass
class Paragraph:
    text: str
    kind: str = ""  # "", "note" or "warn"


@dataclass
class Bullets:
    items: list[str]


@dataclass
class Figure:
    name: str
    png: bytes
    caption: str


@dataclass
class Compare:
    note: str
    columns: list[tuple[str, list[tuple[str, bool]]]]


@dataclass
class Section:
    key: str
    zh: str
    en: str
    blocks: list = field(default_factory=list)


@dataclass
class Report:
    title: str
    subtitle: str
    mode: str
    sections: list[Section]
    footer: str


def _n(x) -> str:
    return f"{int(x):,}"


def _rows(df: pd.DataFrame, cols: list[str]) -> list[list[str]]:
    return [["" if v is None or (isinstance(v, float) and v != v) else str(v) for v in r]
            for r in df[cols].itertuples(index=False)]


def _fees_display(case: CaseData, red: Redactor) -> pd.DataFrame:
    d = Display(case, red)
    f = case.fees()
    if not len(f):
        return pd.DataFrame(columns=["at", "payer", "account", "payee", "amount", "memo",
                                     "shared_payers"])
    return pd.DataFrame({
        "at": f["at"], "payer": [d.show(m.PERSON, k) for k in f["payer"]],
        "account": [d.show(m.ACCOUNT, k) for k in f["account"]],
        "payee": [red.payee(k, case.name(m.ACCOUNT, k)) for k in f["account"]],
        "amount": f["amount"], "memo": [red.text(x) for x in f["memo"]],
        "shared_payers": f["shared_payers"]})


def fees_display(case: CaseData, red: Redactor) -> pd.DataFrame:
    """Fee transfers with display values (for the report and the fees plot)."""
    return _fees_display(case, red)


@dataclass
class ReportInputs:
    """What the sections of a report read: the case, the PII mode, the pack's display
    tables and the figures, plus the sums several sections share (computed once)."""

    case: CaseData
    red: Redactor
    complaints: pd.DataFrame
    persons: pd.DataFrame
    identifiers: pd.DataFrame
    figures: dict
    ring_record: dict
    provenance: dict

    def __post_init__(self) -> None:
        self.r = self.case.ring
        self.res = self.case.result
        self.feats = self.r.features
        roles = self.persons["role"]
        self.borrowers = self.persons[roles.str.startswith("borrower")]  # identified
        # The one borrower count (ringgraph.core.borrowers), as scores and notebooks show it.
        self.n_borrowers = self.case.borrower_count()
        self.n_unidentified = len(self.case.unidentified())
        self.agents = self.persons[roles.str.startswith("agent")]
        self.orgs = self.identifiers[self.identifiers["type"] == m.ORG]
        self.provinces = self.complaints["province"].replace("", pd.NA).dropna()
        self.times = sorted(t for t in self.complaints["received_at"] if t)
        self.overdue = pd.to_numeric(self.complaints["overdue_amount"],
                                     errors="coerce").dropna()
        self.fees = _fees_display(self.case, self.red)
        self.fee_amount = pd.to_numeric(self.fees["amount"], errors="coerce")
        self.shared_fees = self.fees[self.fees["shared_payers"] > 1]
        self.shared_total = float(pd.to_numeric(self.shared_fees["amount"],
                                                errors="coerce").sum())


__all__ = ["Report", "ReportInputs", "Section", "KeyValues", "Table", "Paragraph", "Bullets", "Figure",
           "Compare", "fees_display"]
