"""Timestamps in every form exports use → naive Asia/Shanghai ``datetime64``.

Accepted: ``2025-03-14 10:22:05``, ``2025/3/14 10:22``, ``2025年3月14日 10时22分``,
``2024年5月3日 9时``, ``20250314 102205``, ISO 8601 with any offset (``Z``, ``+0530``,
``-04:00``; converted to +08:00), epoch seconds and milliseconds (numbers or digit strings,
told apart by magnitude; UTC → +08:00) and Excel serial dates (days since 1899-12-30, as a
workbook stores them when the cell is not formatted as a date).
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ringgraph.core.keys import clean_digits

from etl.uniques import per_unique

DATE_UNPARSEABLE = "DATE_UNPARSEABLE"
DATE_INVALID = "DATE_INVALID"
DATE_FUTURE = "DATE_FUTURE"

EARLIEST = pd.Timestamp("2000-01-01")

_DATE_SEP = re.compile(
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:(?:[\sT]+|(?<=日))(?P<H>\d{1,2})\s*[:时点]\s*(?:(?P<M>\d{1,2})\s*[:分]?\s*"
    r"(?:(?P<S>\d{1,2})(?:[.,]\d+)?\s*秒?)?)?)?"
    r"\s*(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_DATE_COMPACT = re.compile(
    r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})(?:[\sT]*(?P<H>\d{2})(?P<M>\d{2})(?P<S>\d{2})?)?$"
)
_NUMBER = re.compile(r"^\d+(?:\.\d+)?$")
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_SHANGHAI = pd.Timedelta(hours=8)
# Magnitude bands: epoch seconds 2001..2286, epoch milliseconds 2001..2286, Excel serial
# days 1954..2119. The bands do not overlap, so a bare number has one reading.
_EPOCH_S = (1e9, 1e10)
_EPOCH_MS = (1e12, 1e13)
_EXCEL = (20_000, 80_000)


# The two layouts most exports use, in fixed positions: their parts are slices, no regex
# extraction needed (:func:`_sep_parts`). Both are special cases of _DATE_SEP.
# (RE2 patterns, evaluated by Arrow: ASCII digits only, which is all they need to pick.)
_PLAIN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$"
_ISO_OFFSET = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}$"
_SLICES = {"y": (0, 4), "m": (5, 7), "d": (8, 10), "H": (11, 13), "M": (14, 16), "S": (17, 19)}


def _sep_parts(t: pd.Series) -> pd.DataFrame:
    """``t.str.extract(_DATE_SEP)``, with the fixed-position layouts sliced instead."""
    arr = pa.array(t.to_numpy(dtype=object) if t.dtype == object else t, type=pa.string())
    plain = pc.match_substring_regex(arr, _PLAIN).fill_null(False).to_numpy(False)
    iso = ~plain & pc.match_substring_regex(arr, _ISO_OFFSET).fill_null(False).to_numpy(False)
    fixed = plain | iso
    if not fixed.any():
        return t.str.extract(_DATE_SEP)
    parts = t[~fixed].str.extract(_DATE_SEP).reindex(t.index)
    sliced = t[fixed]
    for col, (a, b) in _SLICES.items():
        parts.loc[fixed, col] = sliced.str.slice(a, b)
    parts.loc[iso, "tz"] = t[iso].str.slice(19, 25)
    return parts


def _from_parts(t: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Calendar forms: (value, matched) with offsets applied."""
    parts = _sep_parts(t)
    # The compact form is tried only where the separated one did not match.
    rest = parts["y"].isna()
    compact = t[rest].str.extract(_DATE_COMPACT).reindex(t.index)
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
        z = tz[has_tz].str.replace(":", "", regex=False)
        sign = np.where(z.str.startswith("-"), -1, 1)
        hh = pd.to_numeric(z.str.slice(1, 3), errors="coerce").fillna(0)
        mm = pd.to_numeric(z.str.slice(3, 5), errors="coerce").fillna(0)
        offset_min = np.where(z == "Z", 0, sign * (hh * 60 + mm))
        value[has_tz] = value[has_tz] + pd.to_timedelta(480 - offset_min, unit="m")
    return value, matched


def _from_number(t: pd.Series, skip: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Epoch seconds / milliseconds and Excel serials: (value, matched)."""
    cand = ~skip & t.str.match(_NUMBER)
    value = pd.Series(pd.NaT, index=t.index, dtype="datetime64[ns]")
    if not cand.any():
        return value, cand
    num = pd.to_numeric(t[cand], errors="coerce")
    secs = num.between(*_EPOCH_S, inclusive="left")
    millis = num.between(*_EPOCH_MS, inclusive="left")
    excel = num.between(*_EXCEL, inclusive="left")
    idx = num.index
    value[idx[secs]] = pd.to_datetime(num[secs].round(), unit="s") + _SHANGHAI
    value[idx[millis]] = pd.to_datetime(num[millis].round(), unit="ms") + _SHANGHAI
    value[idx[excel]] = _EXCEL_EPOCH + pd.to_timedelta((num[excel] * 86400).round(), unit="s")
    matched = pd.Series(False, index=t.index)
    matched[idx] = (secs | millis | excel).to_numpy()
    return value, matched


@per_unique
def parse_times(s: pd.Series, as_of: dt.datetime | None = None) -> pd.DataFrame:
    """Mixed-format timestamps → naive Asia/Shanghai ``datetime64``; bad ones → ``NaT``.

    >>> parse_times(pd.Series(["2025年3月14日 10:22", "2025-02-30", "上周三", "1714700000",
    ...                        "2024-05-03T01:00:00Z", "45000"]),
    ...             as_of=dt.datetime(2026, 1, 1))   # doctest: +NORMALIZE_WHITESPACE
                    value             issue
    0 2025-03-14 10:22:00
    1                 NaT      DATE_INVALID
    2                 NaT  DATE_UNPARSEABLE
    3 2024-05-03 09:33:20
    4 2024-05-03 09:00:00
    5 2023-03-15 00:00:00
    """
    as_of = pd.Timestamp(as_of or dt.datetime.now())
    t = clean_digits(s)
    value, matched = _from_parts(t)
    num_value, num_matched = _from_number(t, matched)
    value = value.where(~num_matched, num_value)
    matched = matched | num_matched

    issue = pd.Series("", index=s.index, dtype=object)
    empty = t == ""
    issue[~matched & ~empty] = DATE_UNPARSEABLE
    invalid = matched & (value.isna() | (value < EARLIEST))
    issue[invalid] = DATE_INVALID
    future = matched & ~invalid & (value > as_of)
    issue[future] = DATE_FUTURE
    value = value.where(~(~matched | invalid | future), pd.NaT)
    return pd.DataFrame({"value": value, "issue": issue}, index=s.index)
