"""Node keys from raw values: how an investigator's typed value finds its node.

ETL derives every node key from a normalised value (phones in E.164, resident IDs upper-cased,
org names folded to a canonical key, …). A lookup must apply the same normalisation to
whatever the investigator pastes — ``138 1234 5678``, ``0086-138-1234-5678``, a full-width
ID, a traditional-script org name — or it finds nothing. Phone keys and the resident-ID check
digit live here once, vectorised (:func:`phone_values`, :func:`id_check_chars`) with scalar
wrappers for lookups; ``etl.normalize`` and the simulator import them (the library must not
import ``etl``), so ETL and lookup cannot drift apart.

>>> phone_key("0086-138 1234 5678"), phone_key("95588"), phone_key("138****5678")
('+8613812345678', 'svc:95588', '')
>>> resident_id_key("１１０１０５１９４９１２３１００２ｘ")
'11010519491231002X'
>>> org_key("廣律（深圳）法務服務有限公司")
'广律(深圳)法务服务'
>>> [c.matched_as for c in candidates("138 1234 5678")]
['raw', 'phone', 'account', 'document']
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

_ZERO_WIDTH = re.compile(r"[\u200b-\u200f\u2060\ufeff]")
_SPACES = re.compile(r"\s+")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SERVICE = re.compile(r"^(?:95\d{3}|1\d{4}|[48]00\d{7})$")
_LANDLINE = re.compile(r"^0\d{9,11}$")
_ID_FULL = re.compile(r"^\d{17}[\dX]$")
_HASH = re.compile(r"^(?:sha256:)?([0-9a-fA-F]{64})$")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_ORG_SUFFIX = re.compile(r"\(?(?:股份有限公司|有限责任公司|有限公司|公司)\)?$")
_IPV4 = re.compile(r"^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$")
_WORDY = re.compile(r"[^\W\d_]")  # a letter or a Chinese character
_ACCOUNT = re.compile(r"^\d{8,30}$")
_DEVICE = re.compile(r"^[0-9a-z][0-9a-z:_.-]{5,}$")
_CERT = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,}$")


def clean(value: str) -> str:
    """Zero-width characters removed, NFKC width folding, outer spaces stripped.

    >>> clean(" \\u200b１３８ ")
    '138'
    """
    v = _ZERO_WIDTH.sub("", "" if value is None else str(value))
    return unicodedata.normalize("NFKC", v).strip()


@lru_cache(maxsize=1)
def _digit_table() -> dict[int, str]:
    # Every Unicode decimal digit (Arabic-Indic, Devanagari, full-width, ...) → ASCII; all
    # of them lie below U+20000. NFKC folds full-width digits but not the others.
    return {c: str(unicodedata.digit(chr(c))) for c in range(0x20000)
            if unicodedata.category(chr(c)) == "Nd" and not 0x30 <= c <= 0x39}


def fold_digits(value: str) -> str:
    """Every Unicode decimal digit as its ASCII digit.

    >>> fold_digits("١٣٨ 1234 ５６７８")
    '138 1234 5678'
    """
    return str(value).translate(_digit_table())


def clean_series(s: pd.Series) -> pd.Series:
    """:func:`clean` for a whole column (vectorised)."""
    s = s.fillna("").astype(str)
    # Zero-width characters and NFKC only change non-ASCII text: most values (phones, IDs,
    # times, amounts) are plain ASCII and skip both Python-level passes.
    other = ~s.str.isascii()
    if other.any():
        o = s[other]
        s = s.where(~other, o.str.replace(_ZERO_WIDTH, "", regex=True).str.normalize("NFKC"))
    return s.str.strip()


def clean_digits(s: pd.Series) -> pd.Series:
    """:func:`clean_series` plus :func:`fold_digits`: for phones, IDs and amounts."""
    t = clean_series(s)
    # Only non-ASCII values can hold foreign digits; translating just those is ~free.
    other = t.str.contains(r"[^\x00-\x7f]", regex=True)
    if other.any():
        t = t.where(~other, t[other].str.translate(_digit_table()))
    return t


def phone_values(s: pd.Series) -> pd.DataFrame:
    """Phones to keys, vectorised: the one rule for every phone key in the project.

    Returns ``value`` (E.164 for mobiles, landlines and valid numbers abroad; ``svc:`` for
    service numbers; ``masked:`` plus the visible digits for masked numbers; ``""``
    otherwise) and ``kind`` (``mobile``, ``landline``, ``service``, ``international``,
    ``masked`` or ``""``), aligned with ``s``.
    """
    t = clean_digits(s)
    masked = t.str.contains("*", regex=False)
    digits = t.str.replace(r"\D", "", regex=True)
    intl = digits.str.startswith("0086")
    digits = digits.where(~intl, digits.str.slice(4))
    cc = digits.str.startswith("86") & (digits.str.len() == 13)
    digits = digits.where(~cc, digits.str.slice(2))
    mobile = digits.str.match(_MOBILE) & ~masked
    service = digits.str.match(_SERVICE) & ~masked & ~mobile
    landline = digits.str.match(_LANDLINE) & ~masked & ~mobile & ~service
    value = pd.Series("", index=s.index, dtype=object)
    kind = pd.Series("", index=s.index, dtype=object)
    value[mobile] = "+86" + digits[mobile]
    kind[mobile] = "mobile"
    value[service] = "svc:" + digits[service]
    kind[service] = "service"
    value[landline] = "+86" + digits[landline].str.slice(1)
    kind[landline] = "landline"
    value[masked] = "masked:" + t[masked].str.replace(r"[^\d*]", "", regex=True)
    kind[masked] = "masked"
    # Numbers abroad (+852 …) are rare: validate those few with libphonenumber.
    foreign = ~(mobile | service | landline | masked | (t == "")) & (
        t.str.startswith("+") | (t.str.startswith("00") & ~intl))
    if foreign.any():
        parsed = {u: _e164_abroad(u) for u in pd.unique(t[foreign].to_numpy())}
        e164 = t[foreign].map(parsed)
        ok = e164 != ""
        value[e164.index[ok]] = e164[ok]
        kind[e164.index[ok]] = "international"
    return pd.DataFrame({"value": value, "kind": kind}, index=s.index)


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


def phone_key(value: str) -> str:
    """E.164 key of a phone, ``svc:`` key of a service number, else ``""``.

    Masked numbers (``138****5678``) give ``""``: ETL never makes nodes of them, because a
    mask alone would link strangers.

    >>> phone_key("0731-8888999"), phone_key("1381234"), phone_key("+852 9123 4567")
    ('+867318888999', '', '+85291234567')
    """
    out = phone_values(pd.Series([value], dtype=object))
    return "" if out.at[0, "kind"] == "masked" else out.at[0, "value"]


ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
ID_CHECK = "10X98765432"


def id_check_chars(digits: np.ndarray) -> np.ndarray:
    """GB 11643 check characters of resident IDs given as an ``(n, 17)`` digit array.

    >>> id_check_chars(np.array([[int(c) for c in "11010519491231002"]])).tolist()
    ['X']
    """
    return np.array(list(ID_CHECK), dtype=object)[(np.asarray(digits, np.int64) @ ID_WEIGHTS)
                                                  % 11]


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of a resident ID.

    >>> id_check_digit("11010519491231002")
    'X'
    """
    return str(id_check_chars(np.array([[int(c) for c in first17]]))[0])


def resident_id_key(value: str) -> str:
    """An 18-character resident ID as stored (upper-case ``X``), else ``""``.

    The GB 11643 checksum is not re-checked here: an ID that failed it was never stored,
    so looking it up simply finds nothing.

    >>> resident_id_key("11010519491231002x"), resident_id_key("1101051949")
    ('11010519491231002X', '')
    """
    t = fold_digits(clean(value)).upper().replace(" ", "")
    return t if _ID_FULL.match(t) else ""


def person_name(value: str) -> str:
    """A person's name as stored: width-folded, spaces between Chinese characters removed.

    >>> person_name(" 张 三 丰 ")
    '张三丰'
    """
    t = _CJK_GAP.sub("", clean(value))
    return _SPACES.sub(" ", t)


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=10_000)
def org_key(value: str) -> str:
    """Canonical key of an organisation name: width, 繁→简, spaces, brackets, legal suffix.

    >>> org_key("湖南某某法律咨询服务（有限公司）") == org_key("湖南某某法律咨询服务有限公司")
    True
    """
    n = _ZERO_WIDTH.sub("", str(value))
    n = _t2s().convert(n)
    n = unicodedata.normalize("NFKC", n)
    n = _SPACES.sub("", n).replace("【", "(").replace("】", ")").replace("[", "(")
    n = n.replace("]", ")")
    stripped = _ORG_SUFFIX.sub("", n)
    # A name that is nothing but a suffix keeps it, so it still has a key.
    return stripped if len(stripped) >= 2 else n


def org_display(value: str) -> str:
    """An organisation's display name as stored (simplified, width-folded, no spaces).

    >>> org_display("廣律（深圳） 法務服務有限公司")
    '广律(深圳)法务服务有限公司'
    """
    v = str(value)
    return _SPACES.sub("", _t2s().convert(clean(v))) if v.strip() else ""


def device_key(value: str) -> str:
    """Device fingerprint as stored: lower case, no spaces.

    >>> device_key(" AB12 CD34 ")
    'ab12cd34'
    """
    return _SPACES.sub("", clean(value).lower())


def ip_key(value: str) -> str:
    """A valid IPv4 address, else ``""``.

    >>> ip_key(" 61.135.7.22 "), ip_key("61.135.7.300")
    ('61.135.7.22', '')
    """
    t = clean(value)
    m = _IPV4.match(t)
    return t if m and all(int(o) <= 255 for o in m.groups()) else ""


def account_key(value: str) -> str:
    """Payee account number as stored: no spaces or hyphens.

    >>> account_key("6222 0212-3456 7890")
    '6222021234567890'
    """
    return re.sub(r"[\s-]", "", fold_digits(clean(value)))


def account_keys(s: pd.Series) -> pd.Series:
    """:func:`account_key` for a whole column, upper-cased (contract numbers carry letters);
    masked digits (``*``) are kept so a caller can tell a masked account.

    >>> account_keys(pd.Series(["6222 0212-3456 7890", "ht-2024 001", "6222****1234"])).tolist()
    ['6222021234567890', 'HT2024001', '6222****1234']
    """
    return clean_digits(s).str.replace(r"[\s\-]", "", regex=True).str.upper()


def document_keys(value: str) -> list[str]:
    """Document keys a value could be: ``sha256:<hex>`` for a file hash, ``cert:<NO>``.

    >>> document_keys("sha256:" + "AB" * 32)[0][:13], document_keys("mz 001")
    ('sha256:ababab', ['cert:MZ001'])
    """
    t = clean(value)
    m = _HASH.match(t)
    if m:
        return ["sha256:" + m.group(1).lower()]
    cert = _SPACES.sub("", t.upper())
    return ["cert:" + cert] if _CERT.match(cert) else []


@dataclass(frozen=True)
class Candidate:
    """One normalised form of a raw value and what it was normalised as."""

    value: str
    matched_as: str


def candidates(raw: str) -> list[Candidate]:
    """Every distinct normalised form a raw value could take, in a fixed order.

    The store's lookup is an exact match on a node's key or name, so each form is tried;
    forms that normalise to the same string are tried once (the first reason wins).

    >>> [(c.value, c.matched_as) for c in candidates("廣律（深圳）法務服務有限公司")]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('廣律（深圳）法務服務有限公司', 'raw'), ('廣律(深圳)法務服務有限公司', 'name'),
     ('广律(深圳)法务服务', 'org'), ('广律(深圳)法务服务有限公司', 'org name')]
    >>> [(c.value, c.matched_as) for c in candidates("BL2024-83300631")]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('BL2024-83300631', 'raw'), ('bl2024-83300631', 'device'),
     ('cert:BL2024-83300631', 'document')]
    """
    raw = "" if raw is None else str(raw)
    t = clean(raw)
    # Only forms the value could plausibly be: digits are no org name, a name no account.
    wordy = bool(_WORDY.search(t))
    forms = [(raw.strip(), "raw"), (phone_key(raw), "phone"), (resident_id_key(raw), "resident ID")]
    if wordy:
        forms += [(person_name(raw), "name"), (org_key(raw), "org"), (org_display(raw), "org name")]
    if _ACCOUNT.match(account_key(raw)):
        forms.append((account_key(raw), "account"))
    forms.append((ip_key(raw), "IP"))
    if _DEVICE.match(device_key(raw)):
        forms.append((device_key(raw), "device"))
    forms += [(k, "document") for k in document_keys(raw)]
    seen: dict[str, str] = {}
    for value, why in forms:
        if value and value not in seen:
            seen[value] = why
    return [Candidate(v, w) for v, w in seen.items()]
