"""Vectorised normalisers: messy export strings → linkable values plus per-row issue codes.

Every normaliser takes a ``pandas.Series`` of strings (``""`` for missing) and returns a
DataFrame aligned with it: ``value`` (normalised, ``""``/``NaT``/``NaN`` when missing or
invalid) and ``issue`` (``""`` or a reason code). A value with an issue is nulled: the row
still loads, and the issue is recorded as a field-level problem by the caller.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

# One definition of the patterns and of org_key, shared with the library's lookups
# (ringgraph.keys), so a value an investigator types finds the node ETL made of it.
from ringgraph.core.keys import _HASH, _ID_FULL, _SPACES
from ringgraph.core.keys import (_t2s, clean_digits, clean_series, id_check_chars,  # noqa: F401
                                 id_check_digit, org_display, org_key, phone_values)

from etl.nested import CERT_LABEL, explode_json_attachments, json_list_items
from etl.regions import PROVINCE_BY_CODE, short_province
from etl.uniques import explode_per_unique, per_unique

# Issue codes (stable: they end up in reports and tests).
PHONE_INVALID = "PHONE_INVALID"
ID_FORMAT = "ID_FORMAT"
ID_CHECKSUM = "ID_CHECKSUM"
ID_BIRTHDATE = "ID_BIRTHDATE"
ID_REGION = "ID_REGION"
from etl.dates import DATE_FUTURE, DATE_INVALID, DATE_UNPARSEABLE  # noqa: E402,F401
AMOUNT_INVALID = "AMOUNT_INVALID"
NAME_MISSING = "NAME_MISSING"
IP_INVALID = "IP_INVALID"



_clean = clean_series
# The same cleaning, run once per distinct value: for columns that repeat (channels,
# payees, memos).
clean_values = per_unique(clean_series)


def _frame(index, **cols) -> pd.DataFrame:
    return pd.DataFrame(cols, index=index)


# --------------------------------------------------------------------------- phones


@per_unique
def normalize_phones(s: pd.Series) -> pd.DataFrame:
    """Phones to E.164; masked numbers to tokens that never link; service numbers tagged.

    The key rule is :func:`ringgraph.core.keys.phone_values` (shared with lookups); this
    adds the issue code. Returns columns ``value``, ``kind`` and ``issue``.

    >>> normalize_phones(pd.Series(["+86 138 1234 5678", "138****5678", "95588", "1381234", ""]))
    ...                                        # doctest: +NORMALIZE_WHITESPACE
                value    kind          issue
    0  +8613812345678  mobile
    1  masked:138****5678  masked
    2       svc:95588  service
    3                                PHONE_INVALID
    4
    """
    out = phone_values(s)
    issue = pd.Series("", index=s.index, dtype=object)
    issue[(out["value"] == "") & (_clean(s) != "")] = PHONE_INVALID
    return _frame(s.index, value=out["value"], kind=out["kind"], issue=issue)


# --------------------------------------------------------------------- resident IDs
_ID_MASKED = re.compile(r"^[\d*]{17}[\dX*]$")


@per_unique
def normalize_ids(s: pd.Series, as_of: dt.date | None = None) -> pd.DataFrame:
    """Resident IDs checked against GB 11643 (format, checksum, birth date, region).

    Returns ``value`` (the 18-character ID, or ``masked:…`` for a masked one), ``kind``
    (``full``/``masked``/``""``), ``province`` (from the region code) and ``issue``.
    """
    as_of = as_of or dt.date.today()
    t = clean_digits(s).str.upper()
    full = t.str.match(_ID_FULL)
    masked = ~full & t.str.contains("*", regex=False) & t.str.match(_ID_MASKED)
    empty = t == ""

    issue = pd.Series("", index=s.index, dtype=object)
    issue[~(full | masked | empty)] = ID_FORMAT

    ok = full.copy()
    if full.any():
        ids = t[full].to_numpy().astype("U18")
        codes = np.frombuffer(ids.astype("S18").tobytes(), dtype=np.uint8).reshape(-1, 18)
        digits = codes[:, :17].astype(np.int64) - ord("0")
        expected = id_check_chars(digits)
        good_sum = expected == t[full].str.slice(17).to_numpy()
        idx = t.index[full]
        issue[idx[~good_sum]] = ID_CHECKSUM
        birth = pd.to_datetime(pd.Series(t[full].str.slice(6, 14).to_numpy()),
                               format="%Y%m%d", errors="coerce")
        bad_birth = birth.isna().to_numpy() | (birth.dt.year < 1900).to_numpy() | (
            birth > pd.Timestamp(as_of)).to_numpy()
        issue[idx[good_sum & bad_birth]] = ID_BIRTHDATE
        bad_region = ~pd.Series(t[full].str.slice(0, 2).to_numpy()).isin(
            list(PROVINCE_BY_CODE)).to_numpy()
        issue[idx[good_sum & ~bad_birth & bad_region]] = ID_REGION
        ok[idx] = good_sum & ~bad_birth & ~bad_region

    value = pd.Series("", index=s.index, dtype=object)
    value[ok] = t[ok]
    value[masked] = "masked:" + t[masked]
    kind = pd.Series("", index=s.index, dtype=object)
    kind[ok] = "full"
    kind[masked] = "masked"
    prefix = t.str.slice(0, 2)
    province = prefix.map(PROVINCE_BY_CODE).fillna("").astype(object)
    province[~(ok | masked)] = ""
    return _frame(s.index, value=value, kind=kind, province=province, issue=issue)


# ------------------------------------------------------------------------ timestamps
from etl.dates import EARLIEST, parse_times  # noqa: E402,F401  (one home: etl/dates.py)


# --------------------------------------------------------------------------- amounts
MAX_AMOUNT = 1e13   # yuan; anything above is a typo or an overflow
_AMOUNT = re.compile(r"^[¥￥]?\s*(?P<n>\d[\d,]*(?:\.\d+)?)\s*(?P<u>万元|万|元)?$")


@per_unique
def parse_amounts(s: pd.Series) -> pd.DataFrame:
    """Amounts in yuan: ``12,345.67``, ``1.2万``, ``￥500元``; anything else → NaN + issue.

    >>> parse_amounts(pd.Series(["12,345.67", "1.2万", "约五千", ""]))["value"].tolist()
    [12345.67, 12000.0, nan, nan]
    """
    t = clean_digits(s)
    parts = t.str.extract(_AMOUNT)
    num = pd.to_numeric(parts["n"].str.replace(",", "", regex=False), errors="coerce")
    wan = parts["u"].fillna("").str.startswith("万")
    value = (num * np.where(wan, 10_000.0, 1.0)).round(2)
    # 400 nines parse to inf: an overflowing number is an invalid value, not a huge one.
    value = value.where(np.isfinite(value) & (value < MAX_AMOUNT))
    issue = pd.Series("", index=s.index, dtype=object)
    issue[value.isna() & (t != "")] = AMOUNT_INVALID
    return _frame(s.index, value=value.astype("float64"), issue=issue)


# ------------------------------------------------------------------- names and orgs


@per_unique
def normalize_person_names(s: pd.Series) -> pd.Series:
    """Person names: width-folded, zero-width and inner spaces between CJK removed."""
    t = _clean(s)
    return t.str.replace(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])", "", regex=True) \
            .str.replace(_SPACES, " ", regex=True)


def normalize_org_names(s: pd.Series) -> pd.DataFrame:
    """Org names → ``key`` (for linking variants) and ``display`` (simplified, width-folded)."""
    t = s.fillna("").astype(str)
    uniques = pd.unique(t.to_numpy())
    keys = {u: (org_key(u) if u.strip() else "") for u in uniques}
    # One rule for keys and display names, shared with lookups (ringgraph.core.keys),
    # applied once per distinct name.
    display = {u: org_display(u) for u in uniques}
    return _frame(s.index, key=t.map(keys), display=t.map(display))


# -------------------------------------------------------------------- devices, IPs
_IPV4 = re.compile(r"^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$")


@per_unique
def normalize_devices(s: pd.Series) -> pd.Series:
    """Device fingerprints: trimmed, lower-cased, inner spaces removed."""
    return _clean(s).str.lower().str.replace(_SPACES, "", regex=True)


@per_unique
def normalize_ips(s: pd.Series) -> pd.DataFrame:
    """IPv4 addresses validated; ``private`` marks RFC 1918 / loopback / link-local ones."""
    t = _clean(s)
    octets = t.str.extract(_IPV4).apply(pd.to_numeric, errors="coerce")
    valid = octets.notna().all(axis=1) & (octets <= 255).all(axis=1)
    value = t.where(valid, "")
    o1, o2 = octets[0], octets[1]
    private = valid & ((o1 == 10) | ((o1 == 172) & (o2 >= 16) & (o2 <= 31))
                       | ((o1 == 192) & (o2 == 168)) | (o1 == 127) | ((o1 == 169) & (o2 == 254)))
    issue = pd.Series("", index=s.index, dtype=object)
    issue[~valid & (t != "")] = IP_INVALID
    return _frame(s.index, value=value, private=private.astype(bool), issue=issue)


# ------------------------------------------------------------------------- demands
DEMAND_VOCABULARY: dict[str, str] = {
    "停息挂账": "停息挂账", "停息": "停息挂账", "挂账": "停息挂账",
    "减免罚息": "减免罚息", "减免利息": "减免罚息", "免息": "减免罚息",
    "协商还款": "协商还款", "个性化分期": "协商还款",
    "延期还款": "延期还款", "延期": "延期还款",
    "停止催收": "停止催收", "停催停诉": "停止催收", "停催": "停止催收",
    "征信修复": "征信修复", "修复征信": "征信修复", "消除征信": "征信修复",
    "精神赔偿": "精神赔偿", "精神损失赔偿": "精神赔偿",
    "投诉暴力催收": "投诉暴力催收", "暴力催收": "投诉暴力催收",
    "爆通讯录": "爆通讯录", "骚扰家人": "骚扰家人", "泄露隐私": "泄露隐私",
    "退还费用": "退还费用", "退费": "退还费用",
}


def normalize_demands(s: pd.Series) -> pd.Series:
    """Demand cells → ``|``-joined sorted tags from the fixed vocabulary (others → ``其他``)."""
    t = s.fillna("").astype(str)
    uniques = pd.unique(t.to_numpy())

    def tags(cell: str) -> str:
        found = set()
        items = json_list_items(cell)
        for part in (items if items is not None else re.split(r"[、,，;；/|]", cell)):
            p = _SPACES.sub("", part)
            if p:
                found.add(DEMAND_VOCABULARY.get(p, "其他"))
        return "|".join(sorted(found))

    return t.map({u: tags(u) for u in uniques})


# --------------------------------------------------------------------- attachments


@explode_per_unique
def parse_attachments(s: pd.Series) -> pd.DataFrame:
    """Explode attachment cells into one row per document.

    Returns columns ``pos`` (index label of the source row), ``doc_type``, ``sha256``,
    ``issuer``, ``cert_no``. A document without hash and certificate number is dropped: it
    cannot be identified.
    """
    cols = ["pos", "doc_type", "sha256", "issuer", "cert_no"]
    t = s.fillna("").astype(str)
    t = t[t.str.strip() != ""]
    if t.empty:
        return pd.DataFrame(columns=cols)
    is_json = t.str.match(r"^\s*[\[{]")
    parts = t[~is_json].str.split(r"[;；]", regex=True).explode()
    parts = parts[parts.str.strip() != ""]
    fields = parts.str.split("|", n=3, expand=True).reindex(columns=range(4), fill_value="")
    fields = fields.astype(object).where(fields.notna(), "")
    delimited = pd.DataFrame({"pos": parts.index.to_numpy(), "doc_type": fields[0].to_numpy(),
                              "sha256": fields[1].to_numpy(), "issuer": fields[2].to_numpy(),
                              "cert_no": fields[3].to_numpy()}, columns=cols)
    out = pd.concat([x for x in (delimited, explode_json_attachments(t[is_json])) if len(x)]
                    or [delimited], ignore_index=True)
    out = out.sort_values("pos", kind="stable").reset_index(drop=True)
    for c in ("doc_type", "sha256", "issuer", "cert_no"):
        out[c] = _clean(out[c].astype(object))
    out["sha256"] = out["sha256"].str.extract(_HASH)[0].fillna("").str.lower()
    out["cert_no"] = out["cert_no"].str.replace(CERT_LABEL, "", regex=True).str.upper() \
        .str.replace(_SPACES, "", regex=True)
    return out[(out["sha256"] != "") | (out["cert_no"] != "")].reset_index(drop=True)


def normalize_provinces(s: pd.Series) -> pd.Series:
    """Province names to their short form (``湖南省`` → ``湖南``)."""
    t = _clean(s)
    uniques = pd.unique(t.to_numpy())
    return t.map({u: short_province(u) for u in uniques})
