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
from ringgraph.core.keys import _HASH, _ID_FULL, _LANDLINE, _MOBILE, _SERVICE, _SPACES, _ZERO_WIDTH
from ringgraph.core.keys import _t2s, org_key

from etl.regions import PROVINCE_BY_CODE, short_province

# Issue codes (stable: they end up in reports and tests).
PHONE_INVALID = "PHONE_INVALID"
ID_FORMAT = "ID_FORMAT"
ID_CHECKSUM = "ID_CHECKSUM"
ID_BIRTHDATE = "ID_BIRTHDATE"
ID_REGION = "ID_REGION"
DATE_UNPARSEABLE = "DATE_UNPARSEABLE"
DATE_INVALID = "DATE_INVALID"
DATE_FUTURE = "DATE_FUTURE"
AMOUNT_INVALID = "AMOUNT_INVALID"
NAME_MISSING = "NAME_MISSING"
IP_INVALID = "IP_INVALID"



def _clean(s: pd.Series) -> pd.Series:
    """Strings with zero-width characters removed and NFKC width folding applied."""
    s = s.fillna("").astype(str)
    return s.str.replace(_ZERO_WIDTH, "", regex=True).str.normalize("NFKC").str.strip()


def _frame(index, **cols) -> pd.DataFrame:
    return pd.DataFrame(cols, index=index)


# --------------------------------------------------------------------------- phones


def normalize_phones(s: pd.Series) -> pd.DataFrame:
    """Phones to E.164; masked numbers to tokens that never link; service numbers tagged.

    Returns columns ``value``, ``kind`` (``mobile``, ``landline``, ``service``, ``masked``
    or ``""``) and ``issue``.

    >>> normalize_phones(pd.Series(["+86 138 1234 5678", "138****5678", "95588", "1381234", ""]))
    ...                                        # doctest: +NORMALIZE_WHITESPACE
                value    kind          issue
    0  +8613812345678  mobile
    1  masked:138****5678  masked
    2       svc:95588  service
    3                                PHONE_INVALID
    4
    """
    t = _clean(s)
    masked = t.str.contains("*", regex=False)
    digits = t.str.replace(r"\D", "", regex=True)
    intl = digits.str.startswith("0086")
    digits = digits.where(~intl, digits.str.slice(4))
    cc = digits.str.startswith("86") & (digits.str.len() == 13)
    digits = digits.where(~cc, digits.str.slice(2))

    mobile = digits.str.match(_MOBILE) & ~masked
    service = digits.str.match(_SERVICE) & ~masked & ~mobile
    landline = digits.str.match(_LANDLINE) & ~masked & ~mobile & ~service
    empty = t == ""

    value = pd.Series("", index=s.index, dtype=object)
    kind = pd.Series("", index=s.index, dtype=object)
    value[mobile] = "+86" + digits[mobile]
    kind[mobile] = "mobile"
    value[service] = "svc:" + digits[service]
    kind[service] = "service"
    value[landline] = "+86" + digits[landline].str.slice(1)
    kind[landline] = "landline"
    mask_token = t.str.replace(r"[^\d*]", "", regex=True)
    value[masked] = "masked:" + mask_token[masked]
    kind[masked] = "masked"
    # Numbers abroad (+852 …) are rare: validate those few with libphonenumber.
    foreign = ~(mobile | service | landline | masked | empty) & (
        t.str.startswith("+") | (t.str.startswith("00") & ~intl))
    if foreign.any():
        parsed = {u: _e164_abroad(u) for u in pd.unique(t[foreign].to_numpy())}
        e164 = t[foreign].map(parsed)
        ok = e164 != ""
        value[e164.index[ok]] = e164[ok]
        kind[e164.index[ok]] = "international"
    issue = pd.Series("", index=s.index, dtype=object)
    issue[(value == "") & ~empty] = PHONE_INVALID
    return _frame(s.index, value=value, kind=kind, issue=issue)


def _e164_abroad(text: str) -> str:
    """E.164 of a valid non-mainland number written with + or 00, else ``""``."""
    import phonenumbers

    t = "+" + text[2:] if text.startswith("00") else text
    try:
        num = phonenumbers.parse(t, None)
    except phonenumbers.NumberParseException:
        return ""
    if num.country_code == 86 or not phonenumbers.is_valid_number(num):
        return ""
    return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)


# --------------------------------------------------------------------- resident IDs
_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ID_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)
_ID_MASKED = re.compile(r"^[\d*]{17}[\dX*]$")


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of a resident ID.

    >>> id_check_digit("11010519491231002")
    'X'
    """
    total = sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS))
    return "10X98765432"[total % 11]


def normalize_ids(s: pd.Series, as_of: dt.date | None = None) -> pd.DataFrame:
    """Resident IDs checked against GB 11643 (format, checksum, birth date, region).

    Returns ``value`` (the 18-character ID, or ``masked:…`` for a masked one), ``kind``
    (``full``/``masked``/``""``), ``province`` (from the region code) and ``issue``.
    """
    as_of = as_of or dt.date.today()
    t = _clean(s).str.upper()
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
        expected = _ID_CHECK[(digits @ _ID_WEIGHTS) % 11]
        good_sum = expected == codes[:, 17]
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
_DATE_SEP = re.compile(
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:[\sT]+(?P<H>\d{1,2})\s*[:时]\s*(?P<M>\d{1,2})(?:\s*[:分]\s*(?P<S>\d{1,2}))?"
    r"(?:\.\d+)?\s*[分秒]?)?\s*(?P<tz>Z|[+-]\d{2}:?\d{2})?$"
)
_DATE_COMPACT = re.compile(
    r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:[\sT]*(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})?)?$"
)
EARLIEST = pd.Timestamp("2000-01-01")


def parse_times(s: pd.Series, as_of: dt.datetime | None = None) -> pd.DataFrame:
    """Mixed-format timestamps → naive Asia/Shanghai ``datetime64``; bad ones → ``NaT``.

    Accepts ``2025-03-14 10:22:05``, ``2025/3/14 10:22``, ``2025年3月14日 10:22``,
    ``20250314 102205`` and ISO 8601 with an offset (converted to +08:00).

    >>> parse_times(pd.Series(["2025年3月14日 10:22", "2025-02-30", "上周三"]),
    ...             as_of=dt.datetime(2026, 1, 1))   # doctest: +NORMALIZE_WHITESPACE
                    value             issue
    0 2025-03-14 10:22:00
    1                 NaT      DATE_INVALID
    2                 NaT  DATE_UNPARSEABLE
    """
    as_of = pd.Timestamp(as_of or dt.datetime.now())
    t = _clean(s)
    parts = t.str.extract(_DATE_SEP)
    compact = t.str.extract(_DATE_COMPACT)
    use_compact = parts["y"].isna() & compact["y"].notna()
    for col in ("y", "m", "d", "H", "M", "S"):
        parts[col] = parts[col].where(~use_compact, compact[col])
    matched = parts["y"].notna()
    nums = {k: pd.to_numeric(parts[c], errors="coerce").fillna(0).astype("int64")
            for k, c in (("year", "y"), ("month", "m"), ("day", "d"), ("hour", "H"),
                         ("minute", "M"), ("second", "S"))}
    nums["year"] = nums["year"].where(matched, 1970)
    nums["month"] = nums["month"].where(matched, 1)
    nums["day"] = nums["day"].where(matched, 1)
    value = pd.to_datetime(pd.DataFrame(nums), errors="coerce")

    tz = parts["tz"].fillna("")
    has_tz = tz != ""
    if has_tz.any():
        sign = np.where(tz[has_tz].str.startswith("-"), -1, 1)
        hh = pd.to_numeric(tz[has_tz].str.slice(1, 3), errors="coerce").fillna(0)
        mm = pd.to_numeric(tz[has_tz].str.replace(":", "").str.slice(3, 5),
                           errors="coerce").fillna(0)
        utc_z = tz[has_tz] == "Z"
        offset_min = np.where(utc_z, 0, sign * (hh * 60 + mm))
        value[has_tz] = value[has_tz] + pd.to_timedelta(480 - offset_min, unit="m")

    issue = pd.Series("", index=s.index, dtype=object)
    empty = t == ""
    issue[~matched & ~empty] = DATE_UNPARSEABLE
    invalid = matched & (value.isna() | (value < EARLIEST))
    issue[invalid] = DATE_INVALID
    future = matched & ~invalid & (value > as_of)
    issue[future] = DATE_FUTURE
    value[~matched | invalid | future] = pd.NaT
    return _frame(s.index, value=value, issue=issue)


# --------------------------------------------------------------------------- amounts
_AMOUNT = re.compile(r"^[¥￥]?\s*(?P<n>\d[\d,]*(?:\.\d+)?)\s*(?P<u>万元|万|元)?$")


def parse_amounts(s: pd.Series) -> pd.DataFrame:
    """Amounts in yuan: ``12,345.67``, ``1.2万``, ``￥500元``; anything else → NaN + issue.

    >>> parse_amounts(pd.Series(["12,345.67", "1.2万", "约五千", ""]))["value"].tolist()
    [12345.67, 12000.0, nan, nan]
    """
    t = _clean(s)
    parts = t.str.extract(_AMOUNT)
    num = pd.to_numeric(parts["n"].str.replace(",", "", regex=False), errors="coerce")
    wan = parts["u"].fillna("").str.startswith("万")
    value = (num * np.where(wan, 10_000.0, 1.0)).round(2)
    issue = pd.Series("", index=s.index, dtype=object)
    issue[value.isna() & (t != "")] = AMOUNT_INVALID
    return _frame(s.index, value=value.astype("float64"), issue=issue)


# ------------------------------------------------------------------- names and orgs


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
    display = {u: (_SPACES.sub("", _t2s().convert(_clean(pd.Series([u])).iloc[0]))
                   if u.strip() else "") for u in uniques}
    return _frame(s.index, key=t.map(keys), display=t.map(display))


# -------------------------------------------------------------------- devices, IPs
_IPV4 = re.compile(r"^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$")


def normalize_devices(s: pd.Series) -> pd.Series:
    """Device fingerprints: trimmed, lower-cased, inner spaces removed."""
    return _clean(s).str.lower().str.replace(_SPACES, "", regex=True)


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
        for part in re.split(r"[、,，;；/|]", cell):
            p = _SPACES.sub("", part)
            if p:
                found.add(DEMAND_VOCABULARY.get(p, "其他"))
        return "|".join(sorted(found))

    return t.map({u: tags(u) for u in uniques})


# --------------------------------------------------------------------- attachments


def parse_attachments(s: pd.Series) -> pd.DataFrame:
    """Explode attachment cells into one row per document.

    Returns columns ``pos`` (index label of the source row), ``doc_type``, ``sha256``,
    ``issuer``, ``cert_no``. A document without hash and certificate number is dropped: it
    cannot be identified.
    """
    t = s.fillna("").astype(str)
    t = t[t.str.strip() != ""]
    if t.empty:
        return pd.DataFrame(columns=["pos", "doc_type", "sha256", "issuer", "cert_no"])
    parts = t.str.split(r"[;；]", regex=True).explode()
    parts = parts[parts.str.strip() != ""]
    fields = parts.str.split("|", n=3, expand=True).reindex(columns=range(4), fill_value="")
    fields = fields.astype(object).where(fields.notna(), "")
    fields = fields.apply(lambda c: _clean(c))
    sha = fields[1].str.extract(_HASH)[0].fillna("").str.lower()
    out = pd.DataFrame({
        "pos": parts.index,
        "doc_type": fields[0].to_numpy(),
        "sha256": sha.to_numpy(),
        "issuer": fields[2].to_numpy(),
        "cert_no": fields[3].str.upper().str.replace(_SPACES, "", regex=True).to_numpy(),
    })
    return out[(out["sha256"] != "") | (out["cert_no"] != "")].reset_index(drop=True)


def normalize_provinces(s: pd.Series) -> pd.Series:
    """Province names to their short form (``湖南省`` → ``湖南``)."""
    t = _clean(s)
    uniques = pd.unique(t.to_numpy())
    return t.map({u: short_province(u) for u in uniques})
