"""Timestamps in every form exports use, and digits of every script in amounts."""

import datetime as dt

import pandas as pd
import pytest

from etl import normalize as nz

AS_OF = dt.datetime(2026, 1, 1)


@pytest.mark.parametrize("raw,expected", [
    ("2024-05-03T01:00:00Z", "2024-05-03 09:00:00"),
    ("2024-05-03T06:30:00+05:30", "2024-05-03 09:00:00"),
    ("2024-05-02T21:00:00-04:00", "2024-05-03 09:00:00"),
    ("2024-05-03T09:00:00.250+0800", "2024-05-03 09:00:00"),
    ("2024-05-03 01:00:00+00", "2024-05-03 09:00:00"),
    ("1714698000", "2024-05-03 09:00:00"),           # epoch seconds (UTC) as a string
    ("1714698000000", "2024-05-03 09:00:00"),        # epoch milliseconds
    ("1714698000.0", "2024-05-03 09:00:00"),
    ("45415.375", "2024-05-03 09:00:00"),            # Excel serial, unformatted cell
    ("2024年5月3日 9时", "2024-05-03 09:00:00"),
    ("2024年5月3日 9时0分", "2024-05-03 09:00:00"),
    ("2024年05月03日09时00分00秒", "2024-05-03 09:00:00"),
    ("２０２４-０５-０３ ０９:００", "2024-05-03 09:00:00"),
    ("٢٠٢٤-٠٥-٠٣ ٠٩:٠٠", "2024-05-03 09:00:00"),
])
def test_every_readable_form_parses(raw, expected):
    out = nz.parse_times(pd.Series([raw]), AS_OF)
    assert out.loc[0, "issue"] == "" and str(out.loc[0, "value"]) == expected


@pytest.mark.parametrize("raw,issue", [
    ("12345", nz.DATE_UNPARSEABLE),        # no band: neither epoch nor Excel serial
    ("99999999999", nz.DATE_UNPARSEABLE),
    ("4102444800", nz.DATE_FUTURE),        # 2100 in epoch seconds
    ("上周三", nz.DATE_UNPARSEABLE),
])
def test_numbers_outside_the_bands_are_issues(raw, issue):
    out = nz.parse_times(pd.Series([raw]), AS_OF)
    assert out.loc[0, "issue"] == issue and pd.isna(out.loc[0, "value"])


def test_amounts_fold_digits_and_flag_overflow():
    out = nz.parse_amounts(pd.Series(["١٢٣٤.٥", "１,０００", "9" * 400, "1e400"]))
    assert out["value"].tolist()[:2] == [1234.5, 1000.0]
    assert out["issue"].tolist() == ["", "", nz.AMOUNT_INVALID, nz.AMOUNT_INVALID]
