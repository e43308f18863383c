"""Nested JSON values inside cells: demand-tag arrays and attachment-object arrays.

Platform exports write ``"requests": ["停息挂账", "减免罚息"]`` and ``"attachments":
[{"type": …, "sha256": …, "issuer": …, "cert_no": …}]``. The reader keeps such a value as
its JSON text; these helpers turn it back into the same parts the delimited forms give
(``etl.normalize.normalize_demands`` and ``parse_attachments`` use them).
"""

from __future__ import annotations

import json
import re

import pandas as pd

# Keys an attachment object may use for each part (compared case-insensitively).
ATTACHMENT_KEYS: dict[str, tuple[str, ...]] = {
    "doc_type": ("type", "doc_type", "kind", "category", "file_type", "name", "类型",
                 "材料类型", "附件类型"),
    "sha256": ("sha256", "hash", "file_hash", "digest", "checksum", "sha", "哈希", "文件哈希"),
    "issuer": ("issuer", "issued_by", "authority", "org", "organisation", "organization",
               "出具机构", "开具机构", "出具单位"),
    "cert_no": ("cert_no", "certificate_no", "cert", "certificate", "serial", "number", "no",
                "证明编号", "编号", "证书编号"),
}
_KEY_INDEX = {k.casefold(): part for part, keys in ATTACHMENT_KEYS.items() for k in keys}
# "编号：BL2024-1" and "证明编号 BL2024-1" carry the label inside the value.
CERT_LABEL = re.compile(r"^(?:证明|证书)?编号\s*[:：]?\s*")


def is_json_cell(cell: str) -> bool:
    """True when a cell holds a JSON array or object (as the reader writes nested values)."""
    c = cell.lstrip()
    return c.startswith("[") or c.startswith("{")


def _load(cell: str):
    try:
        return json.loads(cell)
    except (ValueError, RecursionError):
        return None


def json_list_items(cell: str) -> list[str] | None:
    """Items of a JSON array of scalars as strings, ``None`` if the cell is no such array.

    >>> json_list_items('["停息挂账", "减免罚息"]'), json_list_items("停息挂账")
    (['停息挂账', '减免罚息'], None)
    """
    if not is_json_cell(cell):
        return None
    v = _load(cell)
    if isinstance(v, str):
        return [v]
    if not isinstance(v, list):
        return None
    return [str(x) for x in v if x is not None and not isinstance(x, (list, dict))]


def attachment_objects(cell: str) -> list[dict[str, str]] | None:
    """Attachment parts (doc_type, sha256, issuer, cert_no) of a JSON cell, else ``None``.

    >>> attachment_objects('[{"type": "结清证明", "sha256": "sha256:AB", "cert_no": "编号X1"}]')
    [{'doc_type': '结清证明', 'sha256': 'sha256:AB', 'issuer': '', 'cert_no': 'X1'}]
    """
    if not is_json_cell(cell):
        return None
    v = _load(cell)
    if isinstance(v, dict):
        v = [v]
    if not isinstance(v, list):
        return None
    out = []
    for obj in v:
        if not isinstance(obj, dict):
            continue
        parts = {p: "" for p in ATTACHMENT_KEYS}
        for k, val in obj.items():
            part = _KEY_INDEX.get(str(k).strip().casefold())
            if part and not parts[part] and val is not None and not isinstance(val, (list, dict)):
                parts[part] = str(val).strip()
        parts["cert_no"] = CERT_LABEL.sub("", parts["cert_no"])
        out.append(parts)
    return out


def explode_json_attachments(t: pd.Series) -> pd.DataFrame:
    """One row per attachment object of JSON cells: ``pos`` plus the four parts.

    Parsed once per distinct cell: platform exports repeat the same attachment lists.
    """
    parsed = {u: attachment_objects(u) or [] for u in pd.unique(t.to_numpy())}
    objs = t.map(parsed).explode().dropna()
    out = pd.DataFrame(objs.tolist(), columns=list(ATTACHMENT_KEYS), dtype=object)
    out.insert(0, "pos", objs.index.to_numpy())
    return out
