"""Mapping assistant: profile each column's values and suggest its canonical field.

Used by ``ringgraph mapping suggest FILE…`` (a ready-to-edit YAML mapping with a
confidence and three masked samples per column) and by ingest, which reports the same
suggestion for unmapped columns that look like identifiers. Profiling is vectorised with
the normalisers ETL uses, so "looks like a phone" means "ETL would read it as a phone".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field as _field

import pandas as pd

from ringgraph.core import redact
from ringgraph.core.keys import clean_series, phone_values

from etl import normalize as nz
from etl import schema

SAMPLE_ROWS = 2_000
# Kinds whose columns are identifiers: an unmapped one of these costs links.
IDENTIFIER_KINDS = ("resident_id", "phone", "ipv4", "device_id")
_HEX_DEVICE = r"^(?:[0-9a-fA-F]{12,64}|[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12})$"
_CJK = r"[\u4e00-\u9fff]"
_FAR_FUTURE = dt.datetime(2100, 1, 1)


@dataclass
class ColumnGuess:
    """What one column looks like and the canonical field suggested for it."""

    header: str
    kind: str                    # resident_id, phone, ipv4, device_id, amount, date, ...
    confidence: float            # share of non-empty sampled values of that kind
    field: str = ""              # suggested canonical field ("" = none)
    by_synonym: bool = False     # the header itself is a known synonym
    samples: list[str] = _field(default_factory=list)   # masked


def _shares(s: pd.Series) -> dict[str, float]:
    """Share of non-empty values of ``s`` matching each kind (vectorised per kind)."""
    t = clean_series(s)
    t = t[t != ""]
    if t.empty:
        return {}
    out = {
        "resident_id": (nz.normalize_ids(t)["kind"] == "full").mean(),
        "phone": phone_values(t)["kind"].isin(["mobile", "landline", "international",
                                               "masked"]).mean(),
        "ipv4": (nz.normalize_ips(t)["value"] != "").mean(),
        "device_id": t.str.match(_HEX_DEVICE).mean(),
        "date": nz.parse_times(t, _FAR_FUTURE)["value"].notna().mean(),
        "amount": nz.parse_amounts(t)["value"].notna().mean(),
        "json_objects": t.str.match(r"^\[\s*\{").mean(),
        "json_array": t.str.match(r"^\[\s*(?:\"|\])").mean(),
        # Ticket numbers and serials: short codes, (nearly) all distinct.
        "unique_code": (t.str.match(r"^[A-Za-z0-9_.:-]{4,40}$").mean()
                        if t.nunique() >= 0.95 * len(t) else 0.0),
        "long_chinese_text": ((t.str.len() >= 20) & (t.str.count(_CJK) >= 0.3 * t.str.len())
                              ).mean(),
    }
    return {k: float(v) for k, v in out.items()}


# Kind → canonical field(s) in preference order; header hints pick among phones.
_FIELD_OF = {
    "resident_id": ("id_number", "payer_id_number"), "ipv4": ("ip",), "device_id": ("device",),
    "date": ("received_at", "paid_at"), "amount": ("overdue_amount", "amount"),
    "json_objects": ("attachments",), "json_array": ("demands",),
    "long_chinese_text": ("text",), "unique_code": ("complaint_id", "transfer_id"),
}
_PHONE_HINTS = (("agent_phone", ("agent", "proxy", "代理", "受托")),
                ("contact_phone", ("contact", "callback", "联系", "回访", "回拨")))
# Amounts and dates are ambiguous with phones and serials: check them last.
_ORDER = ("json_objects", "json_array", "resident_id", "ipv4", "phone", "device_id",
          "date", "unique_code", "amount", "long_chinese_text")


def _kind(shares: dict[str, float]) -> tuple[str, float]:
    for k in _ORDER:
        if shares.get(k, 0.0) >= 0.8:
            return k, shares[k]
    if not shares:
        return "empty", 0.0
    best = max(shares, key=lambda k: shares[k])
    return ("text", 1.0 - shares[best]) if shares[best] < 0.5 else (best, shares[best])


def _mask(kind: str, v: str) -> str:
    v = str(v)
    if kind == "resident_id":
        return redact.mask_id(v)
    if kind == "phone":
        return redact.mask_phone(v)
    if kind == "ipv4":
        return redact.mask_ip(v)
    if kind == "device_id":
        return redact.mask_device(v)
    if kind in ("long_chinese_text", "text", "json_objects", "json_array"):
        return v[:1] + "…" if len(v) > 1 else v
    return v[:12]


def guess_columns(columns: dict[str, pd.Series]) -> list[ColumnGuess]:
    """A guess per column (header → sampled values), canonical fields used at most once."""
    guesses, taken = [], set()
    for header, values in columns.items():
        key = schema.header_key(header)
        syn = schema.SYNONYM_INDEX.get(key) or schema.SYNONYM_INDEX.get(key.rsplit(".", 1)[-1])
        kind, conf = _kind(_shares(values.head(SAMPLE_ROWS)))
        g = ColumnGuess(header=str(header), kind=kind, confidence=round(conf, 2))
        if syn and syn not in taken:
            g.field, g.by_synonym, g.confidence = syn, True, 1.0
        else:
            options = _FIELD_OF.get(kind, ())
            if kind == "phone":
                low = key.casefold()
                hinted = [f for f, hints in _PHONE_HINTS if any(h in low for h in hints)]
                options = (*hinted, "phone", "contact_phone", "agent_phone")
            g.field = next((f for f in options if f not in taken), "")
        taken.add(g.field)
        nonempty = clean_series(values)
        g.samples = [_mask(kind, v) for v in nonempty[nonempty != ""].head(3)]
        guesses.append(g)
    return guesses


def identifier_suggestions(columns: dict[str, pd.Series]) -> dict[str, str]:
    """For unmapped columns: header → field, only where the values look like identifiers."""
    return {g.header: g.field for g in guess_columns(columns)
            if g.field and g.kind in IDENTIFIER_KINDS and g.confidence >= 0.8}


def to_yaml(name: str, guesses: list[ColumnGuess]) -> str:
    """A ready-to-edit mapping: ``header: field`` lines with kind, confidence, samples."""
    import json

    lines = [f"# mapping suggested for {name}: check each line, then",
             "#   ringgraph ingest FILE --mapping this.yml",
             "# Commented lines found no field; unmapped columns are not loaded."]
    for g in guesses:
        note = (f"{'header is a known synonym' if g.by_synonym else g.kind}, "
                f"confidence {g.confidence:.2f}; samples: "
                + " | ".join(g.samples))
        entry = f"{json.dumps(g.header, ensure_ascii=False)}: {g.field}"
        lines.append((entry if g.field else "# " + entry + "?") + "   # " + note)
    return "\n".join(lines) + "\n"
